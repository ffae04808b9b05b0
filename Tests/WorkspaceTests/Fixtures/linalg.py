# The numpy computations behind linalg.out: python3 linalg.py
import numpy as np

A = np.array([[4.0, 1, 2], [1, 3, 0], [2, 0, 5]])
print(np.linalg.solve(A, [1, 2, 3]))  # [-0.30232558  0.76744186  0.72093023] = [-13, 33, 31] / 43
print(np.linalg.inv(A) * 43)  # [[15, -5, -6], [-5, 16, 2], [-6, 2, 11]]
print(np.linalg.det(A))  # 43.000000000000014
print(np.linalg.eigh(A)[0])  # [1.85489731 3.4760236  6.66907909]
print(np.linalg.svd([[1.0, 2], [3, 4], [5, 6]], full_matrices=False)[1])  # [9.52551809 0.51430058]
X = np.array([[1.0, 0], [1, 1], [1, 2]])
y = np.array([1.0, 3, 5])
print(np.linalg.inv(X.T @ X) @ X.T @ y)  # [1. 2.]: the line y = 1 + 2x through the points
