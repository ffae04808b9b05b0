import NeuralNet
import TensorEngine

/// Label-preserving augmentation of training images (`fit(…, augment: […])`) and early
/// stopping (`fit(…, stop: early(…))`).
extension Builtins {
  static let augmentation: [Builtin] = [
    Builtin(
      "flip", [P("p", "number", default: "0.5", keywordOnly: true)], group: "training",
      summary: "an augmentation for fit(augment:): mirrors each training image left to right "
        + "with probability p (AlexNet's reflections)",
      example: "fit(net, data, loss: cross_entropy, augment: [flip()])"
    ) { args, _ in
      .augmentation(try Flip(probability: args.double("p", default: 0.5)))
    },
    Builtin(
      "shift", [P("k", "int")], group: "training",
      summary: "an augmentation for fit(augment:): moves each training image by a random whole "
        + "offset in -k..k on each axis, filling with 0 (k below the image's size)",
      example: "fit(net, data, loss: cross_entropy, augment: [shift(2)])"
    ) { args, _ in
      .augmentation(try Shift(args.int("k", atLeast: 0)))
    },
    Builtin(
      "crop",
      [P("size", "int"), P("pad", "int", default: "0", keywordOnly: true)],
      group: "training",
      summary: "an augmentation for fit(augment:): pads each training image with pad zeros and "
        + "takes a random size×size crop; size must be the images' own (the model evaluates "
        + "whole images), as CIFAR's crop(32, pad: 4)",
      example: "fit(net, data, loss: cross_entropy, augment: [crop(8, pad: 1)])"
    ) { args, _ in
      .augmentation(
        try Crop(args.int("size", atLeast: 1), pad: args.int("pad", atLeast: 0, default: 0)))
    },
    Builtin(
      "pca_color", [P("sigma", "number", default: "0.1")], group: "training",
      summary: "an augmentation for fit(augment:): AlexNet's colour shift, adding sum_i p_i a_i "
        + "l_i to every pixel of an RGB image, a_i ~ N(0, sigma²), p_i and l_i the "
        + "eigenvectors and eigenvalues of the training set's RGB covariance",
      example: "fit(net, data, loss: cross_entropy, augment: [flip(), pca_color(0.1)])"
    ) { args, _ in
      .augmentation(try PCAColor(sigma: args.double("sigma", default: 0.1)))
    },
    Builtin(
      "early",
      [
        P("patience", "int", default: "10", keywordOnly: true),
        P("restore", "bool", default: "true", keywordOnly: true),
      ],
      group: "training",
      summary: "a stop rule for fit(stop:): ends training when the loss (validation loss with "
        + "val:, else training loss) has not improved for patience epochs; restore: true puts "
        + "back the weights of the best epoch",
      example: "fit(net, train, val: test, epochs: 500, stop: early(patience: 10))"
    ) { args, _ in
      .stopRule(
        try EarlyStopping(
          patience: args.int("patience", atLeast: 0, default: 10),
          restoresBest: args.bool("restore", default: true)))
    },
  ]
}

extension Arguments {
  /// `augment:` as one augmentation or a list of them; none when left out or `[]`.
  func augmentations(_ name: String) throws -> [any Augmentation] {
    guard let v = value(name) else { return [] }
    switch v {
    case .augmentation(let a): return [a]
    case .tuple(let elements):
      return try elements.map { element in
        guard case .augmentation(let a) = element else {
          throw error(
            name, "\(name) must list augmentations like flip() or shift(2), not \(element.kindName)"
          )
        }
        return a
      }
    case .tensor(let t) where t.count == 0: return []
    default:
      throw error(
        name,
        "\(name) must be a list of augmentations like [flip(), shift(2)], not \(v.kindName)")
    }
  }

  /// `stop:`, a stop rule like early(patience: 10), when one was given.
  func stopRule(_ name: String) throws -> EarlyStopping? {
    guard let v = value(name) else { return nil }
    guard case .stopRule(let rule) = v else {
      throw error(name, "\(name) must be a stop rule like early(patience: 10), not \(v.kindName)")
    }
    return rule
  }
}
