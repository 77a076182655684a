import Foundation
import NN
import Tensor
import TestSupport
import Testing
@testable import Inspect

/// Tests/Fixtures/keras: weight files written by Keras 3.15 itself and the activations
/// TensorFlow computed for a fixed input (scripts/make_keras_fixtures.py).
let kerasFixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/keras").path

func fixtureArray(_ name: String) throws -> Tensor<Float> {
    guard case .float(let t) = try NPY.read(path: kerasFixtures + "/\(name).npy") else {
        throw InspectError("\(name).npy does not hold floats")
    }
    return t
}

/// The largest absolute difference between two tensors of one shape.
func maxDifference(_ a: Tensor<Float>, _ b: Tensor<Float>) -> Float {
    zip(a.scalars, b.scalars).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
}

struct KerasCase: Sendable, CustomTestStringConvertible {
    let file: String
    let model: String?
    let probes: [String]
    var testDescription: String { file }
}

let kerasCases: [KerasCase] = ["tutorial-28.h5", "tutorial-28.weights.h5", "tutorial-28.keras"].map {
    KerasCase(file: $0, model: nil, probes: ["conv_1", "maxpool_2", "conv_4", "dense_2", "output"])
} + ["tiny-vgg.h5", "tiny-vgg.weights.h5", "tiny-vgg.keras", "tiny-vgg-fixed-names.h5"].map {
    KerasCase(file: $0, model: kerasFixtures + "/tiny-vgg.txt", probes: ["block1_conv1", "block2_conv2", "block3_pool", "predictions"])
}

@Suite struct KerasWeightsTests {
    /// Our activations of every probed layer are TensorFlow's within 1e-4 (relative to the
    /// layer's largest value): the weights landed in the right layers, in the right order.
    @Test(arguments: kerasCases) func activationsMatchTensorFlow(_ c: KerasCase) throws {
        let m = try TrainedModel.open(kerasFixtures + "/" + c.file, model: c.model)
        // tiny-vgg-fixed-names.h5 holds tiny-vgg's weights under the old names of Keras' VGG16 files.
        let stem = c.file.components(separatedBy: ".").first!.replacingOccurrences(of: "-fixed-names", with: "")
        let x = try fixtureArray(stem + "-input")
        let acts = try m.model.activations(of: x, weights: m.weights)
        for probe in c.probes {
            let i = try #require(m.model.index(ofLayer: probe))
            let tf = try fixtureArray("\(stem)-\(probe)")
            #expect(acts[i].shape == tf.shape, "\(probe)")
            let scale = Swift.max(1, tf.scalars.map(abs).max() ?? 1)
            #expect(maxDifference(acts[i], tf) <= 1e-4 * scale, "\(c.file) \(probe)")
        }
    }

    @Test func theFormatsAreToldApartByContent() throws {
        #expect(try KerasWeights(path: kerasFixtures + "/tutorial-28.h5").format == .keras2)
        #expect(try KerasWeights(path: kerasFixtures + "/tutorial-28.weights.h5").format == .keras3)
        let k = try KerasWeights(path: kerasFixtures + "/tutorial-28.keras")
        #expect(k.format == .kerasArchive)
        #expect(k.inputShape == [28, 28, 1])
        #expect(k.layerNames == ["conv_1", "conv_2", "conv_3", "conv_4", "dense_1", "dense_2", "output"])
    }

    /// The layout of the VGG16 files Keras downloads: fixed-length byte strings, old weight names.
    @Test func fixedLengthNamesAreRead() throws {
        let k = try KerasWeights(path: kerasFixtures + "/tiny-vgg-fixed-names.h5")
        #expect(k.format == .keras2)
        #expect(k.layerNames == ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2", "block3_conv1", "fc1", "fc2", "predictions"])
        #expect(k.layers[0].tensors.map(\.shape) == [[3, 3, 3, 4], [4]])
    }

    @Test func theTutorialModelIsGuessedFromTheLayerNames() throws {
        let m = try TrainedModel.open(kerasFixtures + "/tutorial-28.h5")
        #expect(m.model.inputShape == [28, 28, 1])
        #expect(m.model.outputShape == [10])
        #expect(m.model.parameterCount == 440_202)
    }

    @Test func aMissingLayerNamesBothTheLayerAndTheFile() throws {
        let e = #expect(throws: InspectError.self) {
            _ = try TrainedModel.open(kerasFixtures + "/tiny-vgg.h5", model: "tutorial", input: [32, 32, 3])
        }
        #expect(e?.message.hasPrefix("layer conv_1 (Conv2D) of model tutorial is not in ") == true)
        #expect(e?.message.contains("block1_conv1") == true)
    }

    @Test func aMisShapedLayerNamesBothShapes() throws {
        let e = #expect(throws: InspectError.self) {
            _ = try TrainedModel.open(kerasFixtures + "/tutorial-28.weights.h5", model: "tutorial", input: [28, 28, 3])
        }
        #expect(e?.message.contains("layer conv_1 (Conv2D) of model tutorial needs weights 3x3x3x32, 32 but ") == true)
        #expect(e?.message.contains("holds 3x3x1x32, 32 for conv_1") == true)
    }

    @Test func badFilesGiveOneMessage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let notH5 = dir.appendingPathComponent("x.h5").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notH5))
        #expect(throws: InspectError("\(notH5): not an HDF5 file")) { _ = try KerasWeights(path: notH5) }
        // A .keras cut short: the zip's directory is gone.
        let whole = try Data(contentsOf: URL(fileURLWithPath: kerasFixtures + "/tiny-vgg.keras"))
        let cut = dir.appendingPathComponent("cut.keras").path
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
        #expect(throws: InspectError("\(cut): not a zip archive (no end-of-central-directory record)")) { _ = try KerasWeights(path: cut) }
        // One flipped byte inside the stored model.weights.h5 fails its CRC.
        var flipped = [UInt8](whole)
        flipped[flipped.count / 2] ^= 0xFF
        let bad = dir.appendingPathComponent("bad.keras").path
        try Data(flipped).write(to: URL(fileURLWithPath: bad))
        let e = #expect(throws: InspectError.self) { _ = try KerasWeights(path: bad) }
        #expect(e?.message.contains("fails its CRC-32 check") == true)
        #expect(throws: InspectError("\(dir.path)/none.h5: no such file or run folder")) { _ = try TrainedModel.open(dir.path + "/none.h5") }
    }

    @Test func deflatedEntriesInflate() throws {
        // "hello hello hello" deflated raw (Python: zlib.compressobj(9, zlib.DEFLATED, -15)).
        let raw: [UInt8] = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x00]
        #expect(try Zip.inflate(raw, size: 17, name: "t") == Array("hello hello hello".utf8))
        #expect(throws: Zip.Failure.self) { _ = try Zip.inflate(raw, size: 18, name: "t") }
    }
}
