import Foundation

/// What Jupyter knows Gradbook by: the kernelspec `gradbook kernel install` writes and the
/// names `gradbook export --to ipynb` puts in a notebook's metadata, kept in one place so an
/// exported notebook always names the kernel that was installed.
public enum KernelSpec {
  /// The kernelspec's folder name, which notebooks refer to (`metadata.kernelspec.name`,
  /// `jupyter console --kernel gradbook`).
  public static let name = "gradbook"
  /// What JupyterLab's launcher and kernel menu show.
  public static let displayName = "Gradbook"
  /// The language, as `kernel_info` and the notebook's `language_info` name it.
  public static let language = "gradbook"
  /// The extension of a Gradbook script.
  public static let fileExtension = ".gb"
  /// Our own mimetype: there is no Pygments lexer for Gradbook, so naming one would only
  /// make front ends guess.
  public static let mimetype = "text/x-gradbook"
  /// Pygments' plain-text lexer: without it `jupyter console` and nbconvert look for a lexer
  /// named `gradbook`, warn that there is none, and fall back to this one anyway.
  public static let pygmentsLexer = "text"

  /// How Jupyter interrupts the kernel: an `interrupt_request` on the control channel, which
  /// the kernel serves on its own thread while a cell runs, signed like every other request.
  /// The kernel obeys SIGINT as well, but a signal reaches it only when it is the process
  /// jupyter_client started: not through a wrapper (a script, `sudo`, a container) and not
  /// from a gateway on another machine, where a message still arrives.
  public static let interruptMode = "message"

  /// The files of the kernelspec folder, by name: `kernel.json` and the logos.
  ///
  /// - Parameter executable: the absolute path of the `gradbook` that Jupyter will start.
  public static func files(executable: String) -> [String: Data] {
    [
      "kernel.json": Data(kernelJSON(executable: executable).utf8),
      "logo-svg.svg": Data(logoSVG.utf8),
      "logo-32x32.png": png(logo32PNGBase64),
      "logo-64x64.png": png(logo64PNGBase64),
    ]
  }

  /// `kernel.json`: Jupyter starts `EXECUTABLE kernel CONNECTION_FILE`. It has no
  /// `metadata`; in particular no `supported_encryption`, since the kernel does not speak
  /// CurveZMQ and jupyter_client would otherwise put curve keys in the connection file.
  public static func kernelJSON(executable: String) -> String {
    JSON.object([
      "argv": .strings([executable, "kernel", "{connection_file}"]),
      "display_name": .string(displayName),
      "language": .string(language),
      "interrupt_mode": .string(interruptMode),
    ]).text
  }

  /// `metadata.kernelspec` of an exported notebook.
  static var notebookKernelspec: JSON {
    .object([
      "name": .string(name), "display_name": .string(displayName), "language": .string(language),
    ])
  }

  /// `metadata.language_info` of an exported notebook.
  static var notebookLanguageInfo: JSON {
    .object([
      "name": .string(language), "file_extension": .string(fileExtension),
      "mimetype": .string(mimetype), "pygments_lexer": .string(pygmentsLexer),
    ])
  }

  static func png(_ base64: String) -> Data {
    // The generated literal is wrapped over lines; the line breaks are not base64.
    guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
      preconditionFailure("KernelLogos.swift holds a PNG that is not base64")
    }
    return data
  }
}
