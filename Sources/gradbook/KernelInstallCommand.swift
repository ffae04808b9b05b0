import ArgumentParser
import Foundation
import NotebookFormat

/// `gradbook kernel install [--user | --prefix DIR]`: writes the kernelspec that lets
/// Jupyter (JupyterLab, Notebook, `jupyter console`, nbclient, papermill) start Gradbook.
struct KernelInstall: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Install the Jupyter kernelspec, so Jupyter can start Gradbook.",
    discussion: """
      Writes the folder gradbook/ (kernel.json and the logos) where jupyter kernelspec \
      install would: for every user in /usr/local/share/jupyter/kernels (needs root), with \
      --user in your own Jupyter data folder ($JUPYTER_DATA_DIR/kernels, else \
      ~/.local/share/jupyter/kernels), with --prefix DIR in DIR/share/jupyter/kernels. \
      kernel.json starts this very gradbook by its absolute path; install again after \
      moving it. An earlier install is replaced.
      """)

  @Flag(help: "Install for you only, in your Jupyter data folder.")
  var user = false

  @Option(
    help: ArgumentHelp(
      "Install into DIR/share/jupyter/kernels (a virtualenv, a conda environment).",
      valueName: "DIR"))
  var prefix: String?

  func run() throws {
    try reportingFailures {
      let location: KernelSpec.Location
      switch (user, prefix) {
      case (true, .some):
        throw CommandFailure(message: "--user and --prefix name two places; choose one")
      case (_, .some(let prefix)) where prefix.isEmpty:
        throw CommandFailure(message: "--prefix needs a folder")
      case (_, .some(let prefix)): location = .prefix(absolute(prefix))
      case (true, nil): location = .user
      case (false, nil): location = .system
      }
      let environment = ProcessInfo.processInfo.environment
      // $HOME first, as Python's expanduser("~") (and so Jupyter) reads it.
      let home =
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        ?? FileManager.default.homeDirectoryForCurrentUser.path
      let kernels = KernelSpec.kernelsFolder(at: location, environment: environment, home: home)
      let executable = try runningExecutable()
      let folder: String
      do {
        folder = try KernelSpec.install(executable: executable, into: kernels)
      } catch let error as KernelSpec.InstallError {
        let instead =
          switch location {
          case .system:
            "; install it for yourself with gradbook kernel install --user, "
              + "or into an environment with --prefix DIR"
          case .user, .prefix: ""
          }
        throw CommandFailure(message: error.message + instead)
      }
      print("Installed the Jupyter kernel \(KernelSpec.name) in \(folder)")
      print("It starts \(executable) kernel {connection_file}")
      if case .prefix(let prefix) = location {
        let data = prefix.hasSuffix("/") ? prefix + "share/jupyter" : prefix + "/share/jupyter"
        print(
          "Jupyter finds it there when that prefix is its own (a virtualenv, conda), "
            + "or with JUPYTER_PATH=\(data)")
      }
      print(
        """
        Use it: jupyter lab (choose Gradbook in the launcher), \
        jupyter console --kernel \(KernelSpec.name),
        or re-run an exported notebook: gradbook export NAME.nb.md --to ipynb && \
        jupyter nbconvert --to notebook --execute NAME.ipynb
        """)
    }
  }

  /// The path of this gradbook, absolute, for `kernel.json`: Jupyter starts the kernel from
  /// its own working folder and with its own PATH.
  func runningExecutable() throws -> String {
    if let path = Bundle.main.executablePath, path.hasPrefix("/") { return path }
    let named = CommandLine.arguments.first ?? ""
    guard named.contains("/") else {
      throw CommandFailure(message: "cannot tell where this gradbook is installed")
    }
    return absolute(named)
  }

  func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }
}
