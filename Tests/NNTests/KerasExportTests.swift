import Foundation
import Testing
import Tensor
@testable import NN

/// The model scripts/check_npz_in_keras.py rebuilds in Keras: the tutorial's CNN on 32x32x3
/// (small enough for a debug build, all thirteen layers kept), glorot kernels and, so that a
/// swapped or dropped bias shows, seeded biases in [-0.5, 0.5) instead of zeros; the output
/// kernel is 20 times glorot's so the four predictions spread out from 0.5.
private func kerasCheckModel() throws -> (model: Sequential, weights: ModelWeights, input: Tensor<Float>) {
    let model = try ModelZoo.tutorial(input: [32, 32, 3])
    var w = ModelWeights.glorotUniform(for: model, seed: 2024)
    for i in w.tensors.indices where w.tensors[i].count == 2 {
        let b = Tensor<Float>.random(shape: w.tensors[i][1].shape, seed: 900 + UInt64(i))
        w.tensors[i][1] = Tensor(shape: b.shape, scalars: b.scalars.map { $0 - 0.5 })
    }
    let last = w.tensors.count - 1
    w.tensors[last][0] = Tensor(shape: w.tensors[last][0].shape, scalars: w.tensors[last][0].scalars.map { $0 * 20 })
    return (model, w, Tensor<Float>.random(shape: [4, 32, 32, 3], seed: 77))
}

/// Keras 3.15.1 (TensorFlow backend, CPU) predictions for `kerasCheckModel`'s input, printed by
/// scripts/check_npz_in_keras.py after loading the .npz this test writes (cnnlearn then
/// predicted 0.36654073, 0.34684974, 0.278594255, 0.35425666: at most 7.8e-7 away).
private let kerasPredictions: [Float] = [0.366541177, 0.346849144, 0.27859354, 0.354255885]

/// One entry of a zip archive as read back from its local header.
private struct ZipEntry { let name: String; let crc: UInt32; let payload: [UInt8] }

/// Reads a stored-only zip the way a strict reader does: every local header, its CRC-32, the
/// central directory's agreement with the local headers, and the end record's counts.
private func readStoredZip(_ bytes: [UInt8]) throws -> [ZipEntry] {
    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
    let end = bytes.count - 22
    #expect(u32(end) == 0x0605_4B50)
    let count = u16(end + 10), directorySize = Int(u32(end + 12)), directoryStart = Int(u32(end + 16))
    #expect(directoryStart + directorySize == end)
    var entries: [ZipEntry] = []
    var at = 0, central = directoryStart
    for _ in 0..<count {
        #expect(u32(at) == 0x0403_4B50)
        #expect(u16(at + 8) == 0)  // stored
        let crc = u32(at + 14), size = Int(u32(at + 18)), nameLength = u16(at + 26), extra = u16(at + 28)
        #expect(Int(u32(at + 22)) == size)
        let name = String(decoding: bytes[(at + 30)..<(at + 30 + nameLength)], as: UTF8.self)
        let start = at + 30 + nameLength + extra
        let payload = Array(bytes[start..<(start + size)])
        #expect(CRC32.checksum(payload) == crc)
        #expect(u32(central) == 0x0201_4B50)
        #expect(u32(central + 16) == crc)
        #expect(Int(u32(central + 42)) == at)
        #expect(String(decoding: bytes[(central + 46)..<(central + 46 + u16(central + 28))], as: UTF8.self) == name)
        central += 46 + u16(central + 28) + u16(central + 30) + u16(central + 32)
        entries.append(ZipEntry(name: name, crc: crc, payload: payload))
        at = start + size
    }
    #expect(at == directoryStart)
    return entries
}

@Test func npzHoldsEveryKernelAndBiasUnderKerasNamesInModelOrder() throws {
    let (model, weights, _) = try kerasCheckModel()
    let entries = try readStoredZip(try KerasExport.encode(weights, for: model))
    #expect(entries.map(\.name) == [
        "conv_1/kernel.npy", "conv_1/bias.npy", "conv_2/kernel.npy", "conv_2/bias.npy",
        "conv_3/kernel.npy", "conv_3/bias.npy", "conv_4/kernel.npy", "conv_4/bias.npy",
        "dense_1/kernel.npy", "dense_1/bias.npy", "dense_2/kernel.npy", "dense_2/bias.npy",
        "output/kernel.npy", "output/bias.npy",
    ])
    let arrays = try entries.map { try NPY.decode($0.payload, path: $0.name) }
    let expected = weights.tensors.flatMap { $0 }
    #expect(arrays == expected.map { NPYArray.float($0) })
    // Keras' layouts: conv (KH,KW,CIN,COUT), dense (IN,OUT); 32x32 pooled four times is 2x2x128.
    #expect(arrays.map(\.shape) == [[3, 3, 3, 32], [32], [3, 3, 32, 64], [64], [3, 3, 64, 128], [128],
                                    [3, 3, 128, 128], [128], [512, 512], [512], [512, 256], [256], [256, 1], [1]])
    // float32 little-endian, as numpy's '<f4'.
    #expect(String(decoding: entries[0].payload[10..<30], as: UTF8.self) == "{'descr': '<f4', 'fo")
}

@Test func automaticNamesAndLayersWithoutBiasExportAsKerasNamesThem() throws {
    let model = try Sequential(input: [6, 6, 1], layers: [
        Conv2D(2, kernelSize: (3, 3), activation: .relu), Conv2D(2, kernelSize: (3, 3)), Flatten(),
        Dense(3, useBias: false), Dense(2),
    ])
    let weights = ModelWeights.glorotUniform(for: model, seed: 3)
    let names = try KerasExport.arrays(weights, for: model).map(\.name)
    #expect(names == ["conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias", "dense/kernel", "dense_1/kernel", "dense_1/bias"])
}

@Test func theSameWeightsExportTheSameBytes() throws {
    let (model, weights, _) = try kerasCheckModel()
    let a = try KerasExport.encode(weights, for: model)
    #expect(a == (try KerasExport.encode(weights, for: model)))
    var other = weights
    other.tensors[0][1] = Tensor(repeating: 0, shape: [32])
    #expect(a != (try KerasExport.encode(other, for: model)))
}

@Test func writingIsAtomicAndLeavesNoTemporaryFile() throws {
    let (model, weights, _) = try kerasCheckModel()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keras-export-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("weights.npz").path
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    try KerasExport.write(weights, for: model, to: path)
    #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == (try KerasExport.encode(weights, for: model)))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["weights.npz"])
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o644)
    // A failed rename (a folder in the way) is an error naming the path and removes the temporary file.
    let blocked = folder.appendingPathComponent("taken.npz")
    try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
    #expect {
        try KerasExport.write(weights, for: model, to: blocked.path)
    } throws: { error in
        guard case let NNError.checkpoint(path, message) = error else { return false }
        return path == blocked.path && message == "cannot write the file (Is a directory)"
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["taken.npz", "weights.npz"])
}

@Test func exportErrorsNameTheFileOrTheLayer() throws {
    let (model, weights, _) = try kerasCheckModel()
    let missing = "/nonexistent-folder-\(ProcessInfo.processInfo.processIdentifier)/w.npz"
    #expect {
        try KerasExport.write(weights, for: model, to: missing)
    } throws: { error in
        guard case let NNError.checkpoint(path, message) = error else { return false }
        return path == missing && message == "cannot write the file (No such file or directory)"
    }
    #expect(throws: NNError.invalidModel("weights hold 1 layers but model tutorial has 13")) {
        try KerasExport.encode(ModelWeights(tensors: [[]]), for: model)
    }
    let slashed = try Sequential(input: [4], layers: [Dense(2, name: "block/fc")])
    #expect {
        try KerasExport.arrays(.zeros(for: slashed), for: slashed)
    } throws: { error in
        (error as? NNError).map { "\($0)".contains("layer name 'block/fc' contains '/'") } ?? false
    }
}

/// Writes what scripts/check_npz_in_keras.py reads when CNNLEARN_KERAS_CHECK_DIR names a
/// folder (model.npz, input.npy, cnnlearn.npy, activations.npz), and holds cnnlearn's predictions to the ones
/// Keras made from that same .npz.
@Test func kerasPredictsWhatCnnlearnPredictsFromTheExportedWeights() throws {
    let (model, weights, input) = try kerasCheckModel()
    let predictions = try model.predict(input, weights: weights)
    #expect(predictions.shape == [4, 1])
    if let dir = ProcessInfo.processInfo.environment["CNNLEARN_KERAS_CHECK_DIR"] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try KerasExport.write(weights, for: model, to: dir + "/model.npz")
        try NPY.write(.float(input), path: dir + "/input.npy")
        try NPY.write(.float(predictions), path: dir + "/cnnlearn.npy")
        // Every layer's output too, so the script can say where a difference starts.
        let activations = try model.activations(of: input, weights: weights)
        try NPZ.write(zip(model.layers, activations).map { ($0.name, NPYArray.float($1)) }, path: dir + "/activations.npz")
    }
    #expect(kerasPredictions.count == 4)
    for (ours, theirs) in zip(predictions.scalars, kerasPredictions) {
        #expect(abs(ours - theirs) <= 1e-5, "cnnlearn \(ours), Keras \(theirs)")
    }
}
