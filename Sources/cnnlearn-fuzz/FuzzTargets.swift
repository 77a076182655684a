import Foundation
import Imaging
import Lessons
import NN
import Tensor

/// libFuzzer entry points (built by `scripts/fuzz` with `-sanitize=fuzzer,address`; libFuzzer
/// supplies `main`). One binary, the target chosen by `CNNLEARN_FUZZ_TARGET`:
///
/// - `cell`: lesson cell source, parsed and run (under a 64 MiB budget, 2 s a cell);
/// - `npy`, `npz`: numpy files; `png`, `jpeg`: images; `idx`: idx or idx.gz;
/// - `checkpoint`: a weights file for a small CNN (`smallModel`); `model`: a model file.
///
/// `CNNLEARN_FUZZ_SEED=PATH` writes a valid weights file for `smallModel` to PATH and exits
/// (the checkpoint seed, made by scripts/make_fuzz_corpus).
///
/// Every input must end in a value or an error: a trap, a sanitizer report or a leak is a
/// crash libFuzzer keeps.
enum FuzzTarget: String, CaseIterable {
    case cell, npy, npz, png, jpeg, idx, checkpoint, model

    static let current: FuzzTarget = {
        guard let name = ProcessInfo.processInfo.environment["CNNLEARN_FUZZ_TARGET"], let t = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set CNNLEARN_FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        return t
    }()

    static let scratch: String = {
        let dir = NSTemporaryDirectory() + "cnnlearn-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// A small model, so a whole weights file fits in a fuzz input.
    static let smallModel: Sequential? = try? ModelFile.parse("input 6x6x1\nConv2D 2 3x3 relu\nMaxPooling2D 2\nFlatten\nDense 2\n")

    func run(_ bytes: [UInt8]) {
        MemoryBudget.$scoped.withValue(64 << 20) {
            switch self {
            case .cell:
                guard let source = String(validating: bytes, as: UTF8.self) else { return }
                let interpreter = Interpreter(file: "fuzz.md", baseDirectory: Self.scratch)
                interpreter.cellTimeLimit = 2
                interpreter.catchesCtrlC = false
                _ = try? interpreter.run(cell: source, firstLine: 1)
            case .npy: _ = try? NPY.decode(bytes, path: "fuzz.npy")
            case .npz: _ = try? NPZ.decode(bytes, path: "fuzz.npz")
            case .png: _ = try? PNGCodec.decodeSamples(bytes, path: "fuzz.png")
            case .jpeg: _ = try? JPEGCodec.decode(bytes, path: "fuzz.jpg")
            case .idx:
                let path = Self.scratch + "/input.idx"
                FileManager.default.createFile(atPath: path, contents: Data(bytes))
                _ = try? IDXFile.read(path: path)
            case .checkpoint:
                if let model = Self.smallModel { _ = try? Checkpoint.decode(bytes, for: model) }
            case .model:
                guard let text = String(validating: bytes, as: UTF8.self) else { return }
                _ = try? ModelFile.parse(text)
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.current.run(bytes)
    return 0
}


public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    if let path = ProcessInfo.processInfo.environment["CNNLEARN_FUZZ_SEED"] {
        guard let model = FuzzTarget.smallModel else { FileHandle.standardError.write(Data("the small model does not build\n".utf8)); exit(1) }
        do {
            try Checkpoint.save(ModelWeights.glorotUniform(for: model, seed: 1), for: model, to: path)
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(1)
        }
    }
    return 0
}
