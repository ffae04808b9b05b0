import TensorEngine
print(try Tensor.matmul(Tensor([[1, 2], [3, 4]]), Tensor([[1], [1]])))
