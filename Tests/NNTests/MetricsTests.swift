import Foundation
import Testing
import Tensor
import NN

@Test func binaryCrossEntropyClipsAsKeras() throws {
    let y = Tensor<Float>(shape: [4, 1], scalars: [1, 0, 1, 0])
    let p = Tensor<Float>(shape: [4, 1], scalars: [0.9, 0.2, 0, 1])
    // As in Keras (float32), 1 - clip(1) is 1 - 0.99999988 = 1.19e-7, not 1e-7.
    let eps = Tensor<Float>.crossEntropyEpsilon
    let top = Double(Float(1) - eps)
    let expected = -(log(Double(Float(0.9))) + log(1 - Double(Float(0.2))) + log(Double(eps)) + log(1 - top)) / 4
    #expect(abs(Double(try Loss.binaryCrossEntropy.value(predictions: p, targets: y)) - expected) < 1e-5)
    // The largest per-example loss is -log(1e-7), about 16.12.
    let worst = try Loss.binaryCrossEntropy.value(predictions: Tensor(shape: [1], scalars: [0]), targets: Tensor(shape: [1], scalars: [1]))
    #expect(abs(worst - 16.118) < 1e-3)
    #expect(try Metrics.binaryAccuracy(labels: y, predictions: p) == 0.5)
    #expect(try Loss.binaryCrossEntropy.accuracy(predictions: p, targets: y) == 0.5)
    #expect(throws: NNError.self) { try Metrics.binaryAccuracy(labels: y, predictions: Tensor(shape: [3], scalars: [0, 0, 0])) }
}

@Test func categoricalCrossEntropyFromLogits() throws {
    let y = try Tensor<Float>(rows: [[0, 1, 0], [1, 0, 0]])
    let z = try Tensor<Float>(rows: [[1, 2, 3], [1000, 0, -1000]])
    let row0 = -(2 - (3 + log(exp(-2.0) + exp(-1.0) + 1)))
    #expect(abs(Double(try Loss.categoricalCrossEntropyFromLogits.value(predictions: z, targets: y)) - row0 / 2) < 1e-5)
    #expect(try Metrics.categoricalAccuracy(labels: y, predictions: z) == 0.5)
}
