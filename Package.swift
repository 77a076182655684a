// swift-tools-version:6.0
// cnnlearn: a notebook-style step-through explorer of convolutional neural networks.
// Dependencies point one way: cnnlearn -> Lessons -> (Figures, Imaging, NN) -> Tensor -> (CDNNL, CKernels); NN -> CKernels;
// Lessons -> CLibEdit (the REPL's line editor).
import PackageDescription

/// The engine is compiled with optimization in debug builds too: the tests and the lesson
/// checker (`make test`) train small networks on the engine's plain loops, which run 20-50
/// times slower unoptimized. (Assertions and `@testable import` still work.)
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "cnnlearn",
    products: [
        .executable(name: "cnnlearn", targets: ["cnnlearn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        // The browser notebook's HTTP server (`cnnlearn serve`): SwiftNIO underneath, async/await
        // handlers, streaming response bodies for the live training curves.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // System libraries: module.modulemap + shim.h, found through pkg-config, installed by scripts/setup.
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CLibJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // oneDNN ships no pkg-config file in Debian: the module map names the header and the library.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CRSVG", pkgConfig: "librsvg-2.0", providers: [.apt(["librsvg2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libedit (BSD editline): line editing, history and completion in `cnnlearn repl`. Its
        // header is in /usr/include; its pkg-config file adds -pthread, which SwiftPM refuses.
        .systemLibrary(name: "CLibEdit", providers: [.apt(["libedit-dev"])]),
        // Sixel encoding of figures shown inline in terminals that speak sixel.
        .systemLibrary(name: "CLibSixel", pkgConfig: "libsixel", providers: [.apt(["libsixel-dev"])]),
        // libhdf5 (serial): Keras weight files (.h5, .weights.h5 and the one inside .keras).
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),

        // C kernels: Adam's update, the FMA peak loop, the thin-input kernel gradient and Winograd's
        // tile transforms on AVX2, their instructions chosen at run time
        // (intrinsics and per-function target attributes, so the rest of the build stays
        // baseline x86-64).
        // Optimised in debug builds too, like the engine: the tests train through them.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // PNG reading through libpng's full API (stored values, no gamma transform); the
        // setjmp that libpng's errors need lives in C.
        .target(name: "CPNGRead", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "Tensor", dependencies: ["CDNNL", "CZlib", "CKernels"], swiftSettings: optimizedInDebug),
        .target(name: "NN", dependencies: ["Tensor", "CKernels"], swiftSettings: optimizedInDebug),
        .target(name: "Imaging", dependencies: ["Tensor", "CLibPNG", "CPNGRead", "CLibJPEG", "CZlib"]),
        .target(name: "Figures", dependencies: ["Tensor", "NN", "Imaging", "CRSVG"]),
        // Looking inside a trained model: Keras weight files, feature maps, filter patterns by
        // gradient ascent, class outputs, saliency and Grad-CAM (issue 13).
        .target(name: "Inspect", dependencies: ["Tensor", "NN", "Imaging", "Training", "Figures", "CHDF5", "CZlib"], swiftSettings: optimizedInDebug),
        // Training runs and their folders: data, model, trainer, checkpoints, history, curves.
        .target(name: "Training", dependencies: ["Tensor", "NN", "Imaging", "Figures"]),
        .target(name: "Lessons", dependencies: ["Tensor", "NN", "Imaging", "Figures", "Training", "Inspect", "CLibEdit", "CLibSixel", .product(name: "Ink", package: "Ink")]),
        // The notebook as HTML: lesson pages, per-page sessions, the static site (`cnnlearn html`).
        .target(name: "Notebook", dependencies: ["Lessons", "Figures", "NN", "Tensor", .product(name: "Ink", package: "Ink")]),
        // `cnnlearn serve`: the notebook over HTTP on 127.0.0.1, token and Host checked.
        .target(name: "NotebookServer", dependencies: ["Notebook", "Lessons", .product(name: "Hummingbird", package: "hummingbird"),
                                                 .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "cnnlearn", dependencies: [
            "Lessons", "Notebook", "NotebookServer", "Training", "Figures", "NN", "Imaging", "Tensor", "Inspect",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "TestSupport"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons", "Figures", "Imaging", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "NotebookServer", "Lessons", "TestSupport"]),
        .testTarget(name: "InspectTests", dependencies: ["Inspect", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["cnnlearn", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (Sources/cnnlearn-fuzz), only when scripts/fuzz builds them with
// CNNLEARN_FUZZ=1 and -sanitize=fuzzer,address: libFuzzer supplies their main, so an
// ordinary build leaves them out.
if Context.environment["CNNLEARN_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "cnnlearn-fuzz", dependencies: ["Lessons", "Imaging", "NN", "Tensor"]))
}
