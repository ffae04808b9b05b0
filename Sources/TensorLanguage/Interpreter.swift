import NeuralNet
import TensorEngine

/// The user pressed Ctrl-C: evaluation stops at the next step.
public struct Interrupted: Error {
  public var range: SourceRange?
}

/// Evaluates statements against a set of bindings. One interpreter is one session.
public final class Interpreter {
  /// Deeper user-function recursion than this is refused, long before the stack runs out.
  public static let maxCallDepth = 400
  /// The largest bound a `for` loop over a range may have: 2^53 − 1. From 2^53 on a float64
  /// counts by 1 no longer (2^53 + 1 == 2^53, 1e16 + 1 == 1e16), so the loop would not end.
  public static let maxExactLoopBound: Double = 9_007_199_254_740_991
  /// The bytes of stack evaluation may use before it refuses to go deeper. Expressions
  /// nested within the parser's limits inside calls within `maxCallDepth` can still need
  /// more stack than a thread has; the thread that evaluates sets this from its own size.
  public var stackLimit = 4 << 20
  /// The stack address where the outermost evaluation started.
  private var stackBase: Int?

  /// The session's bindings.
  public private(set) var globals: [String: Value] = [:]
  /// The text being run; functions defined now remember it.
  public var source: String?
  /// Locals of the user functions being called, innermost last.
  private var frames: [[String: Value]] = []
  private unowned let context: any Context

  /// `return` unwinds to its function as an error. It never leaves the interpreter's thread,
  /// so the value it carries need not be Sendable.
  private struct Return: Error, @unchecked Sendable {
    var value: Value
  }

  public init(context: any Context) {
    self.context = context
  }

  /// Forgets every binding.
  public func reset() {
    globals = [:]
    frames = []
  }

  /// The value bound to `name`, in the innermost scope that has it, else a built-in.
  public func lookup(_ name: String) -> Value? {
    if let local = frames.last?[name] { return local }
    if let global = globals[name] { return global }
    if let constant = Builtins.all[name]?.constant { return .number(constant) }
    return Interpreter.builtinFunctions[name].map { .function($0) }
  }

  /// The built-ins as function values, made once rather than at every lookup.
  private static let builtinFunctions = Builtins.all.mapValues { builtin in
    Function(name: builtin.name, body: .builtin(builtin))
  }

  private func bind(_ name: String, _ value: Value) {
    if frames.isEmpty {
      globals[name] = value
    } else {
      frames[frames.count - 1][name] = value
    }
  }

  // MARK: Statements

  /// Runs one statement and gives its value (`.none` for statements without one). `echo`
  /// receives what a top-level statement shows: the value of an expression, or the value
  /// just bound by an assignment, unless a `;` silenced it.
  public func execute(_ stmt: Stmt) throws -> Value {
    try checkCancel(stmt.range)
    switch stmt.kind {
    case .expression(let expr, _):
      return try evaluate(expr)
    case .assign(let name, let expr, _):
      let value = try evaluate(expr)
      bind(name, value)
      return value
    case .store(let target, let expr, _):
      return try store(evaluate(expr), into: target, at: stmt.range)
    case .destructure(let names, let expr, _):
      let value = try evaluate(expr)
      guard case .tuple(let items) = value else {
        throw RuntimeError(
          "cannot unpack \(value.kindName) into \(names.count) names; it needs a tuple",
          at: expr.range)
      }
      guard items.count == names.count else {
        throw RuntimeError(
          "cannot unpack a tuple of \(items.count) into \(names.count) names", at: stmt.range)
      }
      for (name, item) in zip(names, items) { bind(name, item) }
      return value
    case .function(let name, let parameters, let body):
      let function = Function(
        name: name, body: .user(parameters: parameters, body: body), source: source)
      bind(name, .function(function))
      return .none
    case .forLoop(let name, let sequenceExpr, let body):
      let sequence = try evaluate(sequenceExpr)
      switch sequence {
      case .range(let low, let high):
        guard low.isFinite, high.isFinite else {
          throw RuntimeError("a loop range needs finite bounds", at: sequenceExpr.range)
        }
        // Beyond 2^53 adding 1 no longer changes a float64, so such a loop would never end.
        let exact = Interpreter.maxExactLoopBound
        guard Swift.abs(low) <= exact, Swift.abs(high) <= exact else {
          throw RuntimeError(
            "a loop range's bounds must lie below 2^53 in size (±9007199254740991), where "
              + "counting by 1 is exact; \(low)..\(high) is not", at: sequenceExpr.range)
        }
        var i = low
        while i <= high {
          try checkCancel(stmt.range)
          bind(name, .number(i))
          _ = try run(body)
          i += 1
        }
      case .tuple(let items):
        for item in items {
          try checkCancel(stmt.range)
          bind(name, item)
          _ = try run(body)
        }
      case .tensor(let t) where t.rank >= 1:
        for row in 0..<t.shape[0] {
          try checkCancel(stmt.range)
          bind(name, .tensor(try t.index(row)))
          _ = try run(body)
        }
      default:
        throw RuntimeError(
          "cannot loop over \(sequence.kindName); use a range like 1..10, a tensor or a tuple",
          at: sequenceExpr.range)
      }
      return .none
    case .whileLoop(let condition, let body):
      while try truth(evaluate(condition), at: condition.range) {
        try checkCancel(stmt.range)
        _ = try run(body)
      }
      return .none
    case .returnValue(let expr):
      guard !frames.isEmpty else {
        throw RuntimeError("return is only allowed inside a function", at: stmt.range)
      }
      throw Return(value: try expr.map { try evaluate($0) } ?? .none)
    }
  }

  /// Runs a block's statements; its value is that of the last one.
  private func run(_ body: [Stmt]) throws -> Value {
    var last = Value.none
    for stmt in body { last = try execute(stmt) }
    return last
  }

  private func checkCancel(_ range: SourceRange?) throws {
    if context.shouldCancel() { throw Interrupted(range: range) }
  }

  // MARK: Expressions

  public func evaluate(_ expr: Expr) throws -> Value {
    let here = Interpreter.stackAddress()
    if let stackBase {
      // The stack grows down on every platform Swift runs on.
      guard stackBase - here < stackLimit else {
        throw RuntimeError(
          "too deep: expressions and calls nested too deeply to evaluate (recursion without "
            + "end?); name the parts of long expressions in separate statements",
          at: expr.range)
      }
    } else {
      stackBase = here
    }
    defer { if stackBase == here { stackBase = nil } }
    do {
      return try evaluateUnchecked(expr)
    } catch let error as TensorError {
      // An engine error belongs to the operator or call that raised it.
      throw RuntimeError(error.message, at: expr.range)
    } catch var error as RuntimeError {
      if error.range == nil { error.range = expr.range }
      throw error
    } catch let error as DatasetError {
      throw RuntimeError(error.description, at: expr.range)
    } catch is Cancelled {
      throw Interrupted(range: expr.range)
    }
  }

  private func evaluateUnchecked(_ expr: Expr) throws -> Value {
    switch expr.kind {
    case .number(let x): return .number(x)
    case .string(let s): return .string(s)
    case .bool(let b): return .bool(b)
    case .identifier(let name):
      guard let value = lookup(name) else { throw unknownName(name, at: expr.range) }
      return value
    case .list(let elements):
      return try list(elements, at: expr.range)
    case .tuple(let elements):
      return .tuple(try elements.map { try evaluate($0) })
    case .unary(let op, let operand):
      let value = try evaluate(operand)
      if op == "!" { return .bool(!(try truth(value, at: operand.range))) }
      guard let t = Arguments.asTensor(value) else {
        throw RuntimeError("cannot negate \(value.kindName)", at: expr.range)
      }
      try t.checkRoomForCopy()
      return .tensor(-t)
    case .binary(let op, let left, let right):
      return try binary(op, left, right, at: expr.range)
    case .range(let low, let high):
      let a = try number(evaluate(low), at: low.range, what: "a range bound")
      let b = try number(evaluate(high), at: high.range, what: "a range bound")
      return .range(a, b)
    case .call(let callee, let arguments):
      return try call(callee, arguments, at: expr.range)
    case .index(let base, let items):
      return try index(evaluate(base), items, at: expr.range)
    case .member(let base, let name):
      return try member(of: evaluate(base), name)
    case .transpose(let base):
      let value = try evaluate(base)
      guard let t = Arguments.asTensor(value) else {
        throw RuntimeError("cannot transpose \(value.kindName)", at: expr.range)
      }
      try t.checkRoomForCopy()
      return .tensor(t.transposed())
    case .conditional(let condition, let then, let otherwise):
      if try truth(evaluate(condition), at: condition.range) { return try run(then) }
      return try otherwise.map { try run($0) } ?? .none
    }
  }

  private func unknownName(_ name: String, at range: SourceRange) -> RuntimeError {
    var known = Array(globals.keys) + Array(Builtins.all.keys)
    if let locals = frames.last { known += Array(locals.keys) }
    if let guess = closestName(to: name, in: known.sorted()) {
      return RuntimeError("unknown name \(name); did you mean \(guess)?", at: range)
    }
    return RuntimeError("unknown name \(name)", at: range)
  }

  /// `[a, b, c]`: numbers and tensors stacked along a new first axis; functions (as in
  /// `plot([relu, tanh], -5..5)`), histories (`plot([h1, h2])`), strings (`labels:`), models
  /// and parameters (`step(opt, [w, b], E)`: a parameter's identity is what an optimizer
  /// updates) kept side by side as a tuple, each list of one kind. Parameters among numbers
  /// and tensors are stacked with them, as `stack(w, b)` stacks parameters' values.
  private func list(_ elements: [Expr], at range: SourceRange) throws -> Value {
    if elements.isEmpty { return .tensor(try Tensor.zeros([0])) }
    let values = try elements.map { try evaluate($0) }
    let kinds = values.map(Self.listKind)
    if let kind = kinds[0], kinds.allSatisfy({ $0 == kind }) { return .tuple(values) }
    if let odd = values.firstIndex(where: { Arguments.asTensor($0) == nil }) {
      if let kind = kinds[0], kind != "parameters",
        let other = kinds.firstIndex(where: { $0 != kind })
      {
        throw RuntimeError(
          "a list of \(kind) holds only \(kind), not \(values[other].kindName)",
          at: elements[other].range)
      }
      throw RuntimeError(
        "a list holds numbers or tensors, not \(values[odd].kindName)", at: elements[odd].range)
    }
    // Every value is a number, a bool or a tensor now.
    let tensors = values.compactMap(Arguments.asTensor)
    for (e, t) in zip(elements, tensors) where t.shape != tensors[0].shape {
      throw RuntimeError(
        "list elements must have one shape: \(Shape.describe(tensors[0].shape)) and "
          + "\(Shape.describe(t.shape))", at: e.range)
    }
    return .tensor(try Tensor.stack(tensors))
  }

  /// What a list of values that are not numbers or plain tensors holds, in the plural; nil
  /// for those.
  private static func listKind(_ value: Value) -> String? {
    switch value {
    case .function: "functions"
    case .history: "histories"
    case .augmentation: "augmentations"
    case .string: "strings"
    case .layer: "models"
    case .tensor(let t) where t.isParameter: "parameters"
    default: nil
    }
  }

  private func binary(_ op: String, _ leftExpr: Expr, _ rightExpr: Expr, at range: SourceRange)
    throws -> Value
  {
    if op == "&&" || op == "||" {
      let left = try truth(evaluate(leftExpr), at: leftExpr.range)
      if op == "&&" && !left { return .bool(false) }
      if op == "||" && left { return .bool(true) }
      return .bool(try truth(evaluate(rightExpr), at: rightExpr.range))
    }
    let left = try evaluate(leftExpr)
    let right = try evaluate(rightExpr)
    if op == ">>" { return try compose(left, right, at: range) }
    if case .string(let a) = left, case .string(let b) = right {
      switch op {
      case "+": return .string(a + b)
      case "==": return .bool(a == b)
      case "!=": return .bool(a != b)
      default: break
      }
    }
    guard let a = Arguments.asTensor(left), let b = Arguments.asTensor(right) else {
      if op == "==" || op == "!=" {
        return .bool((op == "==") == sameValue(left, right))
      }
      if op == "+", case .string = left, Arguments.asTensor(right) != nil {
        throw RuntimeError(
          "cannot add a string and a number; turn the number into text with str: "
            + "\"loss \" + str(0.5)", at: range)
      }
      if op == "+", case .string = right, Arguments.asTensor(left) != nil {
        throw RuntimeError(
          "cannot add a number and a string; turn the number into text with str: "
            + "str(3) + \".svg\"", at: range)
      }
      throw RuntimeError(
        "cannot apply \(op) to \(left.kindName) and \(right.kindName)", at: range)
    }
    let result: Tensor
    switch op {
    case "+": result = try a + b
    case "-": result = try a - b
    case "*": result = try a * b
    case "/": result = try a / b
    case "^": result = try a.pow(b)
    case "@": result = try Tensor.matmul(a, b)
    case "==": result = try Tensor.binary(.equal, a, b)
    case "!=": result = try Tensor.binary(.notEqual, a, b)
    case "<": result = try Tensor.binary(.less, a, b)
    case "<=": result = try Tensor.binary(.lessEqual, a, b)
    case ">": result = try Tensor.binary(.greater, a, b)
    case ">=": result = try Tensor.binary(.greaterEqual, a, b)
    default: throw RuntimeError("unknown operator \(op)", at: range)
    }
    return .tensor(result)
  }

  /// Identity for values without a natural equality (models, functions).
  private func sameValue(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.bool(let x), .bool(let y)): x == y
    case (.none, .none): true
    case (.layer(let x), .layer(let y)): x === y
    case (.function(let x), .function(let y)): x.name == y.name
    default: false
    }
  }

  /// `a >> b`: layers compose into a model; data flows into a layer or function.
  private func compose(_ left: Value, _ right: Value, at range: SourceRange) throws -> Value {
    if let first = Arguments.asLayer(left), let second = Arguments.asLayer(right) {
      return .layer(first >> second)
    }
    if Arguments.asTensor(left) != nil {
      // A function is called even when it also stands for a layer: `t >> flatten` is
      // flatten(t), as it was before flatten was a layer (an activation gives the same
      // either way).
      if case .function(let f) = right { return try context.call(f, [left]) }
      if let layer = Arguments.asLayer(right) {
        return .tensor(try layer(Arguments.asTensor(left)!))
      }
    }
    throw RuntimeError(
      "cannot compose \(left.kindName) >> \(right.kindName): >> joins layers "
        + "(dense(2, 4) >> relu) or feeds a tensor into a model (x >> net)", at: range)
  }

  // MARK: Calls

  private func call(_ calleeExpr: Expr, _ arguments: [Argument], at range: SourceRange) throws
    -> Value
  {
    let callee = try evaluate(calleeExpr)
    var items: [Arguments.Item] = []
    for a in arguments {
      items.append(Arguments.Item(try evaluate(a.value), label: a.label, range: a.range))
    }
    switch callee {
    case .function(let f):
      return try call(f, items, at: range)
    case .layer(let layer):
      guard items.count == 1, items[0].label == nil else {
        throw RuntimeError("a model takes one argument, the input: net(x)", at: range)
      }
      guard let x = Arguments.asTensor(items[0].value) else {
        throw RuntimeError(
          "a model takes a tensor, not \(items[0].value.kindName)", at: items[0].range)
      }
      return .tensor(try layer(x))
    default:
      throw RuntimeError("\(callee.kindName) is not a function and cannot be called", at: range)
    }
  }

  /// Calls a function with evaluated arguments.
  public func call(_ f: Function, _ items: [Arguments.Item], at range: SourceRange?) throws
    -> Value
  {
    switch f.body {
    case .builtin(let named):
      let builtin = named.form(for: items)
      var arguments = try Arguments(binding: items, to: builtin, callRange: range)
      do {
        return try builtin.implementation(&arguments, context)
      } catch var error as RuntimeError {
        if error.range == nil { error.range = range }
        throw error
      } catch let error as TensorError {
        // A bad argument value is helped by the signature; a shape or memory error is not.
        let notes = error.kind == .argument ? [arguments.signatureNote] : []
        throw RuntimeError(error.message, at: range, notes: notes)
      }
    case .user(let parameters, let body):
      if let labelled = items.first(where: { $0.label != nil }) {
        throw RuntimeError(
          "\(f.name) takes positional arguments only: \(f)", at: labelled.range)
      }
      guard items.count == parameters.count else {
        throw RuntimeError(
          "\(f.name) takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") "
            + "but got \(items.count)", at: range, notes: ["signature: \(f)"])
      }
      guard frames.count < Interpreter.maxCallDepth else {
        throw RuntimeError(
          "too deep: more than \(Interpreter.maxCallDepth) nested calls (recursion without end?)",
          at: range)
      }
      try checkCancel(range)
      frames.append(Dictionary(uniqueKeysWithValues: zip(parameters, items.map(\.value))))
      defer { frames.removeLast() }
      do {
        return try run(body)
      } catch let r as Return {
        return r.value
      } catch var error as RuntimeError
        where error.source == nil && error.range != nil && f.source != source
      {
        // The error points into the text that defined f, an earlier entry: show it there.
        error.source = f.source
        let call = range.map { ", called at line \($0.start.line)" } ?? ""
        error.notes.append("in \(f.name), defined in an earlier entry\(call)")
        throw error
      }
    }
  }

  // MARK: Indexing

  private func index(_ base: Value, _ items: [IndexItem], at range: SourceRange) throws -> Value {
    switch base {
    case .tensor(let t):
      let (mask, indices) = try tensorIndices(items)
      return .tensor(try t.selecting(mask: mask, indices))
    case .dataset(let d):
      guard items.count == 1 else {
        throw RuntimeError(
          "a data set takes one index: data[0], data[0:10], data[[0, 2]] or data[data.y == 0]",
          at: range)
      }
      return .dataset(try d.subset(samplePositions(items[0], of: d, at: range)))
    case .tuple(let elements):
      if items.count == 1, case .slice = items[0] {
        return try slice(elements, items, at: range)
      }
      guard items.count == 1, case .single(let e) = items[0] else {
        throw RuntimeError("a tuple takes one index: t[0]", at: range)
      }
      let i = try integer(evaluate(e), at: e.range)
      let p = i < 0 ? i + elements.count : i
      guard p >= 0, p < elements.count else {
        throw RuntimeError(
          "index \(i) is out of range for a tuple of \(elements.count)", at: e.range)
      }
      return elements[p]
    default:
      throw RuntimeError("\(base.kindName) cannot be indexed", at: range)
    }
  }

  /// `t[a:b:c]` of a tuple, as Python slices one. A slice of layers (`net.layers[0:2]`) is a
  /// model made of those same layers, shared rather than copied, so training it trains them.
  private func slice(_ elements: [Value], _ items: [IndexItem], at range: SourceRange) throws
    -> Value
  {
    let positions: [Int]
    do {
      guard case .range(let start, let end, let step) = try tensorIndices(items).1.first else {
        throw RuntimeError("a tuple takes one index: t[0] or t[0:2]", at: range)
      }
      positions = try Tensor.rangePositions(start, end, step, size: elements.count)
    } catch let error as TensorError {
      throw RuntimeError(error.message, at: range)
    }
    let picked = positions.map { elements[$0] }
    let layers = picked.compactMap { value -> (any Layer)? in
      if case .layer(let layer) = value { return layer }
      return nil
    }
    if !picked.isEmpty && layers.count == picked.count { return .layer(Sequential(layers)) }
    return .tuple(picked)
  }

  /// The samples one index picks from a data set: a position, a slice, a list of positions
  /// or a mask of one truth value per sample.
  private func samplePositions(_ item: IndexItem, of d: Dataset, at range: SourceRange) throws
    -> [Int]
  {
    let (mask, indices) = try tensorIndices([item])
    if let mask {
      guard mask.count == d.count, mask.rank <= 2, mask.shape.first == d.count else {
        throw RuntimeError(
          "a mask selecting samples needs one value per sample ([\(d.count)] or "
            + "[\(d.count), 1]), not \(Shape.describe(mask.shape))", at: range)
      }
      return mask.scalars.indices.filter { mask.scalars[$0] != 0 }
    }
    func checked(_ i: Int) throws -> Int {
      let p = i < 0 ? i + d.count : i
      guard p >= 0, p < d.count else {
        throw RuntimeError("sample \(i) is out of range for \(d.count) samples", at: range)
      }
      return p
    }
    switch indices[0] {
    case .at(let i): return [try checked(i)]
    case .positions(let list): return try list.map(checked)
    case .range(let start, let end, let step):
      return try Tensor.rangePositions(start, end, step, size: d.count)
    }
  }

  /// The engine's form of an index: a mask (a comparison's result, first), then one entry per
  /// axis — a position, a slice, or a list of positions (at most one list, since numpy would
  /// pair several element by element).
  private func tensorIndices(_ items: [IndexItem]) throws -> (mask: Tensor?, [TensorIndex]) {
    var mask: Tensor?
    var indices: [TensorIndex] = []
    var listRange: SourceRange?
    for (k, item) in items.enumerated() {
      switch item {
      case .single(let e):
        let value = try evaluate(e)
        guard let t = Arguments.asTensor(value), t.rank >= 1 else {
          indices.append(.at(try integer(value, at: e.range)))
          continue
        }
        if t.isMask {
          guard k == 0 else {
            throw RuntimeError(
              "a mask must be the first index, as in x[mask] or x[mask, 0]", at: e.range)
          }
          mask = t
          continue
        }
        guard t.rank == 1 else {
          throw RuntimeError(
            "a list index is a vector of positions like [0, 2], not a tensor of shape "
              + "\(Shape.describe(t.shape)); to select by truth values use a comparison, "
              + "x[y == 0]", at: e.range)
        }
        if let listRange {
          throw RuntimeError(
            "only one list index at a time; take one selection after the other, "
              + "x[[0, 1]][:, [1, 2]]", at: e.range,
            notes: ["the first list is at column \(listRange.start.column)"])
        }
        listRange = e.range
        indices.append(.positions(try t.scalars.map { try wholeNumber($0, at: e.range) }))
      case .slice(let a, let b, let c):
        func bound(_ e: Expr?) throws -> Int? {
          try e.map { try integer(evaluate($0), at: $0.range) }
        }
        indices.append(.range(start: try bound(a), end: try bound(b), step: try bound(c)))
      }
    }
    return (mask, indices)
  }

  // MARK: Assignment

  /// `target = value` for an index or member target; gives the value the target's owner
  /// now holds (the whole tensor after `w[0, 1] = 0.5`), which the REPL shows.
  ///
  /// A parameter (a layer's weights, or `param(…)`) is changed in place, so the layer and
  /// every name bound to it see the change. A plain tensor is a value: the name the target
  /// starts from is rebound to a changed copy, and other names bound to the old tensor keep
  /// it.
  private func store(_ value: Value, into target: Expr, at range: SourceRange) throws -> Value {
    switch target.kind {
    case .identifier(let name):
      bind(name, value)
      return value
    case .index(let baseExpr, let items):
      let base = try evaluate(baseExpr)
      guard case .tensor(let t) = base else {
        switch base {
        case .tuple:
          throw RuntimeError(
            "a tuple cannot be changed in place; build a new one, e.g. t = (x, t[1])",
            at: baseExpr.range)
        default:
          throw RuntimeError(
            "cannot assign into \(base.kindName); only a tensor's elements can be assigned",
            at: baseExpr.range)
        }
      }
      let v = try assignedTensor(value, into: "a tensor's elements", at: range)
      let (mask, indices) = try tensorIndices(items)
      do {
        if t.isParameter {
          try t.assign(mask: mask, indices, v)
          return .tensor(t)
        }
        return try store(
          .tensor(t.replacing(mask: mask, indices, with: v)), into: baseExpr, at: range)
      } catch let error as TensorError {
        throw RuntimeError(error.message, at: target.range)
      }
    case .member(let baseExpr, let name):
      let base = try evaluate(baseExpr)
      guard case .layer = base, name == "w" || name == "b" else {
        throw RuntimeError(
          "cannot assign to .\(name) of \(base.kindName); a layer's .w and .b can be assigned, "
            + "and a tensor's elements (x[0] = …)", at: target.range)
      }
      // member(of:) gives the layer's own parameter, or says why there is none.
      let current: Value
      do {
        current = try member(of: base, name)
      } catch var error as RuntimeError {
        if error.range == nil { error.range = target.range }
        throw error
      }
      guard case .tensor(let p) = current else { return current }
      let v = try assignedTensor(value, into: ".\(name)", at: range)
      guard v.shape == p.shape || v.rank == 0 else {
        throw RuntimeError(
          ".\(name) has shape \(Shape.describe(p.shape)) but the new value has shape "
            + "\(Shape.describe(v.shape)); give the same shape (or one number for all)",
          at: range)
      }
      try p.assign(mask: nil, [], v)
      return .tensor(p)
    default:
      throw RuntimeError("cannot assign to this expression", at: target.range)
    }
  }

  private func assignedTensor(_ value: Value, into what: String, at range: SourceRange) throws
    -> Tensor
  {
    guard let t = Arguments.asTensor(value) else {
      throw RuntimeError(
        "only numbers and tensors can be assigned to \(what), not \(value.kindName)", at: range)
    }
    return t
  }

  /// An address on the current stack: where this call's frame lies.
  @inline(never)
  private static func stackAddress() -> Int {
    var marker = 0
    return withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
  }

  // MARK: Conversions

  private func number(_ value: Value, at range: SourceRange, what: String) throws -> Double {
    guard let t = Arguments.asTensor(value), t.count == 1 else {
      throw RuntimeError("\(what) must be a number, not \(value.kindName)", at: range)
    }
    return t.scalars[0]
  }

  private func integer(_ value: Value, at range: SourceRange) throws -> Int {
    try wholeNumber(number(value, at: range, what: "an index"), at: range)
  }

  private func wholeNumber(_ x: Double, at range: SourceRange) throws -> Int {
    guard x == x.rounded(), abs(x) < 1e15 else {
      throw RuntimeError("an index must be a whole number, not \(x)", at: range)
    }
    return Int(x)
  }

  /// The truth of a condition: a bool, or a single number (nonzero is true; nan is an error).
  private func truth(_ value: Value, at range: SourceRange) throws -> Bool {
    switch value {
    case .bool(let b): return b
    case .tensor(let t) where t.count == 1:
      // nan compares unequal to everything, so `nan != 0` would make it silently true.
      guard !t.scalars[0].isNaN else {
        throw RuntimeError(
          "a condition is nan, neither true nor false (0/0, or a nan from earlier work); "
            + "test for it with x != x", at: range)
      }
      return t.scalars[0] != 0
    case .tensor(let t):
      throw RuntimeError(
        "a condition needs a single value, not a tensor of shape \(Shape.describe(t.shape)); "
          + "reduce it, e.g. with sum or max", at: range)
    default:
      throw RuntimeError(
        "a condition needs true, false or a number, not \(value.kindName)", at: range)
    }
  }
}
