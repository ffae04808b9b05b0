// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Gradbook",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "gradbook", targets: ["gradbook"]),
    .library(name: "TensorEngine", targets: ["TensorEngine"]),
    .library(name: "NeuralNet", targets: ["NeuralNet"]),
    .library(name: "TensorLanguage", targets: ["TensorLanguage"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
  ],
  targets: [
    // OpenBLAS's C interface (Debian libopenblas-dev); Scripts/setup installs it.
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // BSD line editing (Debian libedit-dev); Scripts/setup installs it.
    .systemLibrary(
      name: "CLibEdit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    // zlib (Debian zlib1g-dev), which inflates gzip data files; Scripts/setup installs it.
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    // OpenSSL's libcrypto (Debian libssl-dev), the one library for hashes and HMACs;
    // Scripts/setup installs it.
    .systemLibrary(
      name: "COpenSSL",
      pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]
    ),
    // ZeroMQ (Debian libzmq3-dev), the Jupyter kernel's sockets; Scripts/setup installs it.
    // No pkgConfig: libzmq's .pc lists -isystem flags of its own dependencies, which SwiftPM
    // refuses with a warning on every build; zmq.h is in /usr/include.
    .systemLibrary(name: "CZeroMQ"),
    // SLEEF's vectorised elementary functions (Debian libsleef-dev); Scripts/setup installs
    // it.
    .systemLibrary(
      name: "CSleef",
      pkgConfig: "sleef",
      providers: [.apt(["libsleef-dev"])]
    ),
    // Elementwise exp, log, tanh and sigmoid over arrays: SLEEF's AVX2 or AVX-512 loops,
    // chosen at run time, or libm's.
    .target(name: "CVectorMath", dependencies: ["CSleef"]),
    // Linux calls that Swift's Glibc module does not import: placing a thread on a core
    // (sched_setaffinity) and malloc's options (mallopt).
    .target(name: "CLinux"),
    .target(name: "TensorEngine", dependencies: ["CBLAS", "CVectorMath", "CLinux"]),
    // SHA-256 and HMAC-SHA256 over libcrypto.
    .target(name: "Digests", dependencies: ["COpenSSL"]),
    // Plot descriptions, their gnuplot scripts and the gnuplot process; no engine inside.
    .target(name: "Plotting"),
    // The .nb.md format: reading and writing, no engine.
    .target(
      name: "NotebookFormat",
      dependencies: ["Digests", .product(name: "Ink", package: "Ink")]),
    // Resources: the digits data set with its attribution and licence (DIGITS.md).
    .target(
      name: "NeuralNet", dependencies: ["TensorEngine", "CZlib"],
      resources: [.copy("Datasets/Resources")]),
    .target(name: "TensorLanguage", dependencies: ["NeuralNet", "TensorEngine", "Plotting"]),
    .target(
      name: "Workspace",
      dependencies: ["TensorLanguage", "TensorEngine", "Plotting", "NotebookFormat"]),
    .target(name: "LineEditing", dependencies: ["CLibEdit"]),
    // The Jupyter messaging protocol over ZeroMQ; evaluation comes through `KernelBackend`.
    .target(name: "Kernel", dependencies: ["CZeroMQ", "Digests"]),
    .target(
      name: "REPL",
      dependencies: [
        "Workspace", "TensorLanguage", "NeuralNet", "TensorEngine", "LineEditing", "Plotting",
        "NotebookFormat",
      ]),
    .executableTarget(
      name: "gradbook",
      dependencies: [
        "TensorEngine", "NeuralNet", "TensorLanguage", "Workspace", "REPL", "LineEditing",
        "NotebookFormat", "Plotting", "Kernel",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The engine's side of Scripts/bench measured through the Swift API, without the language.
    .executableTarget(name: "gradbook-bench", dependencies: ["TensorEngine", "NeuralNet"]),
    .testTarget(name: "TensorEngineTests", dependencies: ["TensorEngine", "CLinux"]),
    .testTarget(name: "DigestsTests", dependencies: ["Digests"]),
    .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
    .testTarget(name: "TensorLanguageTests", dependencies: ["TensorLanguage"]),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
    .testTarget(name: "NotebookFormatTests", dependencies: ["NotebookFormat"]),
    .testTarget(name: "LineEditingTests", dependencies: ["LineEditing"]),
    // The Python scripts beside the Swift tests drive the kernel through jupyter_client.
    .testTarget(
      name: "KernelTests", dependencies: ["Kernel", "Digests"],
      exclude: [
        "kernel_support.py", "kernel_protocol.py", "kernel_signatures.py", "kernel_interrupts.py",
        "kernel_figures.py",
      ]),
    .testTarget(name: "REPLTests", dependencies: ["REPL", "LineEditing", "Workspace"]),
    .testTarget(
      name: "WorkspaceTests", dependencies: ["Workspace", "NotebookFormat"], exclude: ["Support"],
      resources: [.copy("Fixtures")]),
  ]
)
