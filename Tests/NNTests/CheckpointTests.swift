import Foundation
import Testing
import Tensor
import NN

func smallModel(_ input: [Int] = [8, 8, 1], filters: Int = 2) throws -> Sequential {
    try Sequential(input: input, layers: [Conv2D(filters, kernelSize: (3, 3), activation: .relu), MaxPooling2D(),
                                          Flatten(), Dense(1, activation: .sigmoid)])
}

func numberedWeights(_ m: Sequential) -> ModelWeights {
    var k: Float = 0
    return ModelWeights(tensors: m.layers.map { l in
        l.parameterShapes.map { s in
            Tensor(shape: s, scalars: (0..<s.reduce(1, *)).map { _ in k += 0.25; return k - 7 })
        }
    })
}

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("nn-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
}

@Test func crc32MatchesZlib() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([UInt8]()) == 0)
}

@Test func weightsRoundTripThroughAFile() throws {
    let m = try smallModel()
    let w = numberedWeights(m)
    let path = temporaryPath("roundtrip.cnnw")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.save(w, for: m, to: path)
    #expect(try Checkpoint.load(from: path, for: m) == w)
    let bytes = try Checkpoint.encode(w, for: m)
    #expect(Array(bytes[0..<8]) == [0x43, 0x4E, 0x4E, 0x57, 1, 0, 0, 0])
    // 4 layers; parameters 3*3*1*2 + 2 + 18*1 + 1 floats.
    #expect(m.parameterCount == 39)
}

@Test func loadingAnotherModelsWeightsNamesTheLayerAndShapes() throws {
    let m = try smallModel()
    let bytes = try Checkpoint.encode(numberedWeights(m), for: m)
    let other = try smallModel(filters: 3)
    #expect(throws: CheckpointFormatError.self) { try Checkpoint.decode(bytes, for: other) }
    do {
        _ = try Checkpoint.decode(bytes, for: other)
    } catch {
        #expect(error.description == "made for another model: layer 'conv2d' (Conv2D) has parameters [\"3x3x1x2\", \"2\"] in the file but [\"3x3x1x3\", \"3\"] in model sequential")
    }
    let renamed = try Sequential(input: [8, 8, 1], layers: [Conv2D(2, kernelSize: (3, 3), name: "c1"), MaxPooling2D(),
                                                              Flatten(), Dense(1)])
    do {
        _ = try Checkpoint.decode(bytes, for: renamed)
        Issue.record("expected an error")
    } catch {
        #expect(error.description == "made for another model: layer 1 is 'conv2d' (Conv2D) in the file but 'c1' (Conv2D) in model sequential")
    }
}

@Test func damagedFilesAreClearErrors() throws {
    let m = try smallModel()
    var bytes = try Checkpoint.encode(numberedWeights(m), for: m)
    bytes[40] ^= 1
    #expect(throws: CheckpointFormatError.self) { try Checkpoint.decode(bytes, for: m) }
    #expect(throws: CheckpointFormatError.self) { try Checkpoint.decode(Array(bytes.prefix(30)), for: m) }
    #expect(throws: CheckpointFormatError.self) { try Checkpoint.decode(Array("hello world, not weights".utf8), for: m) }
    let path = temporaryPath("missing.cnnw")
    #expect(throws: NNError.self) { try Checkpoint.load(from: path, for: m) }
    do { _ = try Checkpoint.load(from: path, for: m) } catch { #expect(error.description.hasPrefix(path + ": cannot read weights")) }
}

@Test func reloadedWeightsPredictTheSameBits() throws {
    let m = try ModelZoo.tutorial(input: [32, 32, 3])
    let w = ModelWeights.glorotUniform(for: m, seed: 21)
    let path = temporaryPath("tutorial32.cnnw")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.save(w, for: m, to: path)
    let x = Tensor<Float>.random(shape: [2, 32, 32, 3], seed: 4)
    #expect(try m.predict(x, weights: Checkpoint.load(from: path, for: m)) == m.predict(x, weights: w))
    // The same file does not fit the model on another input size (dense_1 changes).
    do {
        _ = try Checkpoint.load(from: path, for: ModelZoo.tutorial(input: [64, 64, 3]))
        Issue.record("expected an error")
    } catch {
        #expect(error.description.contains("layer 'dense_1' (Dense) has parameters [\"512x512\", \"512\"] in the file but [\"2048x512\", \"512\"]"))
    }
}
