import NeuralNet
import TensorEngine

/// Image data sets and what a classifier makes of them.
extension Builtins {
  static let images: [Builtin] = [
    Builtin(
      "digits", [P("scaled", "bool", default: "true", keywordOnly: true)], group: "data",
      summary: "the 1,797 8×8 handwritten digits of UCI (Alpaydin & Kaynak, CC BY 4.0; "
        + "scikit-learn's load_digits), x [1797, 1, 8, 8] with pixels 0…16 divided by 16 to "
        + "0…1 (scaled: false keeps 0…16), 10 classes; carried with Gradbook, no network",
      example: "train, test = split(digits(), 0.8)"
    ) { args, _ in
      do {
        return .dataset(try Dataset.digits(scaled: args.bool("scaled", default: true)))
      } catch let error as DatasetError {
        throw RuntimeError(error.description, at: args.callRange)
      }
    },
    idx("load_idx"),
    Builtin(
      "confusion", [P("model", "model"), P("data", "dataset")], group: "training",
      summary: "the confusion matrix of a classifier on a data set: counts [k, k], rows the "
        + "true class, columns the predicted one (as scikit-learn); prints as a table, "
        + "plot() draws it as a heat map; .counts, .accuracy",
      example: "plot(confusion(net, test))"
    ) { args, _ in
      .confusion(try args.layer("model").confusion(on: args.dataset("data")))
    },
  ]

  /// `load(images, labels)` of IDX files: the form `load` takes when its first argument names
  /// one (told by its first bytes), reading them as `load_idx` does.
  static let loadIDXForm: Builtin = {
    var form = idx("load")
    form.selects = { items in
      guard case .string(let file)? = items.first?.value else { return false }
      return Dataset.isIDX(file)
    }
    return form
  }()

  /// `load_idx`, or `load`'s form for IDX files.
  private static func idx(_ name: String) -> Builtin {
    Builtin(
      name,
      [
        P("images", "string"), P("labels", "string"),
        P("classes", "int", default: "largest label + 1", keywordOnly: true),
        P("n", "int", default: "all", keywordOnly: true),
      ],
      group: "data",
      summary: "images and labels in MNIST's IDX format (plain or .gz), x [n, 1, rows, cols] "
        + "with pixels / 255 in 0…1, y the labels as classes; n: reads only the first n"
        + (name == "load" ? " (load of an IDX file is load_idx)" : ""),
      example: "train = \(name)(\"train-images-idx3-ubyte.gz\", \"train-labels-idx1-ubyte.gz\")"
    ) { args, _ in
      let images = try args.string("images")
      let labels = try args.string("labels")
      let classes = args.has("classes") ? try args.int("classes", atLeast: 1) : nil
      let limit = args.has("n") ? try args.int("n", atLeast: 1) : nil
      do {
        return .dataset(
          try Dataset.load(idxImages: images, labels: labels, classes: classes, limit: limit))
      } catch let error as DatasetError {
        let place = error.file == labels ? args.item("labels") : args.item("images")
        throw RuntimeError(error.description, at: place?.range ?? args.callRange)
      }
    }
  }
}
