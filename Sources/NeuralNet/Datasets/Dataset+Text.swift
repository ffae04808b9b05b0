import TensorEngine

extension Dataset {
  /// A character data set for a character model (a char-RNN): the vocabulary is the text's
  /// distinct characters, sorted; sample i is the window of `length` characters starting at
  /// i·step, one-hot `[length, vocab]`, and its target the class of the character after the
  /// window. A text of c characters gives ⌊(c − length − 1) / step⌋ + 1 samples.
  ///
  /// Each sample predicts one next character, so that training is classification with
  /// `cross_entropy` and `accuracy` as for any other data, and a model returns the last
  /// hidden state (`rnn(vocab, hidden) >> dense(hidden, vocab)`).
  public static func text(_ text: String, length: Int, step: Int = 1, name: String = "text")
    throws -> Dataset
  {
    let characters = Array(text)
    guard length >= 1 else {
      throw TensorError(.argument, "length must be at least 1 character, not \(length)")
    }
    guard step >= 1 else {
      throw TensorError(.argument, "step must be at least 1 character, not \(step)")
    }
    guard characters.count > length else {
      throw TensorError(
        .argument,
        "a text of \(characters.count) character\(characters.count == 1 ? "" : "s") has no "
          + "window of \(length) followed by a next character; give a longer text"
          + (characters.count >= 2 ? " or a length of at most \(characters.count - 1)" : ""))
    }
    let vocabulary = Array(Set(characters)).sorted()
    let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
    let codes = characters.map { index[$0]! }
    let n = (characters.count - length - 1) / step + 1
    let v = vocabulary.count
    let (total, overflow) = n.multipliedReportingOverflow(by: length * v)
    guard !overflow else {
      throw TensorError(.argument, "a text data set of \(n) windows is too large")
    }
    try Tensor.checkMemory(elements: total)
    var x = [Double](repeating: 0, count: total)
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
      for t in 0..<length { x[(i * length + t) * v + codes[i * step + t]] = 1 }
      y[i] = Double(codes[i * step + length])
    }
    var data = try Dataset(
      name: name, x: Tensor(shape: [n, length, v], scalars: x),
      y: Tensor(shape: [n, 1], scalars: y), classes: v)
    data.vocabulary = vocabulary
    return data
  }

  /// The one-hot encoding `[count, vocab]` of `characters` in this text data set's
  /// vocabulary, or an error naming the first character it lacks.
  public func oneHot(characters: [Character]) throws -> Tensor {
    guard let vocabulary else {
      throw TensorError(.argument, "\(name) is not a text data set (make one with text(…))")
    }
    let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
    var x = [Double](repeating: 0, count: characters.count * vocabulary.count)
    for (t, c) in characters.enumerated() {
      guard let k = index[c] else {
        throw TensorError(
          .argument,
          "\(String(reflecting: String(c))) is not in the text's vocabulary "
            + "\(String(reflecting: String(vocabulary)))")
      }
      x[t * vocabulary.count + k] = 1
    }
    return try Tensor(shape: [characters.count, vocabulary.count], scalars: x)
  }
}
