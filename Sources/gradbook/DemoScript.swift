/// What `gradbook` runs on a terminal without a script, until the REPL exists: the lecture
/// in a minute, as a script, so it shows exactly what the language prints.
let demoScript = """
  # A perceptron cannot learn XOR; one hidden layer can.
  data = xor()
  fit(perceptron(2), data)
  net = dense(2, 4, tanh) >> dense(4, 1, sigmoid)
  h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 3000)
  net(data.x)
  accuracy(net, data)
  """
