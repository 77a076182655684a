import Foundation
import Testing
import Tensor
@testable import NN

@Test func aSigmoidOutputIsTheSecondClassProbability() throws {
    let p = try classProbabilities(outputs: Tensor(shape: [3, 1], scalars: [0.25, 0.9, 0.5]), loss: .binaryCrossEntropy)
    #expect(p == [[0.75, 0.25], [1 - Float(0.9), 0.9], [0.5, 0.5]])
    // A linear output is not a probability.
    #expect(throws: NNError.invalidModel("output 1 is 1.5, not a probability in [0, 1]: a binary cross-entropy model ends in Dense 1 sigmoid")) {
        try classProbabilities(outputs: Tensor(shape: [2, 1], scalars: [0.5, 1.5]), loss: .binaryCrossEntropy)
    }
    #expect(throws: NNError.self) {
        try classProbabilities(outputs: Tensor(shape: [1, 1], scalars: [.nan]), loss: .binaryCrossEntropy)
    }
}

@Test func logitsBecomeTheirSoftmax() throws {
    let logits = Tensor<Float>(shape: [3, 3], scalars: [1, 2, 3, 101, 102, 103, 0, 0, Float(log(2.0))])
    let p = try classProbabilities(outputs: logits, loss: .categoricalCrossEntropyFromLogits)
    // e^k / (e + e^2 + e^3) for k = 1, 2, 3; shifting the logits changes nothing; [1, 1, 2] / 4.
    for row in p.prefix(2) {
        for (got, want) in zip(row, [0.090030573, 0.244728471, 0.665240956] as [Float]) { #expect(abs(got - want) < 1e-6) }
    }
    for (got, want) in zip(p[2], [0.25, 0.25, 0.5] as [Float]) { #expect(abs(got - want) < 1e-6) }
    for row in p { #expect(abs(row.reduce(0, +) - 1) < 1e-6) }
}

@Test func aModelsClassProbabilitiesForEitherHead() throws {
    // sigmoid(1 * 1 + 2 * 0.5 + 0) = sigmoid(2) = 0.880797.
    let binary = try Sequential(input: [2], layers: [Dense(1, activation: .sigmoid)])
    let bw = ModelWeights(tensors: [[Tensor(shape: [2, 1], scalars: [1, 2]), Tensor(shape: [1], scalars: [0])]])
    let x = Tensor<Float>(shape: [2, 2], scalars: [1, 0.5, 0, 0])
    let pb = try classProbabilities(model: binary, weights: bw, loss: .binaryCrossEntropy, batch: x)
    #expect(abs(pb[0][1] - 0.880797078) < 1e-6 && abs(pb[0][0] - 0.119202922) < 1e-6)
    #expect(pb[1] == [0.5, 0.5])
    // Logits (x0 + 1, x1, -x0) -> softmax of (2, 0.5, -1) and of (1, 0, 0).
    let softmax = try Sequential(input: [2], layers: [Dense(3)])
    let sw = ModelWeights(tensors: [[Tensor(shape: [2, 3], scalars: [1, 0, -1, 0, 1, 0]), Tensor(shape: [3], scalars: [1, 0, 0])]])
    let ps = try classProbabilities(model: softmax, weights: sw, loss: .categoricalCrossEntropyFromLogits, batch: x)
    let e = [exp(2.0), exp(0.5), exp(-1.0)], s = e.reduce(0, +)
    for (got, want) in zip(ps[0], e.map { Float($0 / s) }) { #expect(abs(got - want) < 1e-6) }
    for (got, want) in zip(ps[1], [Float(M_E / (M_E + 2)), Float(1 / (M_E + 2)), Float(1 / (M_E + 2))]) { #expect(abs(got - want) < 1e-6) }
    #expect(throws: NNError.invalidModel("a binary cross-entropy model has one sigmoid output, got outputs 2x3")) {
        try classProbabilities(model: softmax, weights: sw, loss: .binaryCrossEntropy, batch: x)
    }
    #expect(throws: NNError.invalidModel("a categorical model has one logit per class (at least two), got outputs 2x1")) {
        try classProbabilities(model: binary, weights: bw, loss: .categoricalCrossEntropyFromLogits, batch: x)
    }
}

@Test func theConfusionMatrixOfAnEvaluationAgreesWithItsAccuracy() throws {
    // p = sigmoid(x): class 1 exactly when x > 0 (sigmoid(0) = 0.5 is class 0, as binary_accuracy).
    let model = try Sequential(input: [1], layers: [Dense(1, activation: .sigmoid)])
    let w = ModelWeights(tensors: [[Tensor(shape: [1, 1], scalars: [1]), Tensor(shape: [1], scalars: [0])]])
    let xs: [Float] = [-3, -2, -1, 0, 1, 2, 3, 4, -4, 5]
    let ys: [Float] = [0, 0, 1, 0, 0, 1, 1, 1, 1, 1]
    let data = try TensorDataset(x: Tensor(shape: [10, 1], scalars: xs), y: Tensor(shape: [10, 1], scalars: ys))
    let e = try model.evaluateWithPredictions(data, weights: w, loss: .binaryCrossEntropy, batchSize: 3)
    let m = try ConfusionMatrix(classNames: ["tshirt", "shirt"], rows: e.rows, loss: .binaryCrossEntropy)
    // True 0: x = -3, -2, 0 predicted 0, x = 1 predicted 1. True 1: x = -1, -4 predicted 0; 2, 3, 4, 5 predicted 1.
    #expect(m.counts == [[3, 1], [2, 4]])
    #expect(m.total == 10 && m.correct == 7)
    #expect(abs(m.accuracy - e.accuracy) < 1e-6)  // evaluate weights per-batch means: 0.70000005
    #expect(m.rendered == """
        true \\ predicted  tshirt  shirt
        tshirt                 3      1
        shirt                  2      4
        """)
}

@Test func aSoftmaxConfusionMatrixTakesTheFirstLargestLogit() throws {
    let rows: [(prediction: [Float], target: [Float])] = [
        ([2, 1, 0], [1, 0, 0]), ([0, 5, 5], [0, 1, 0]), ([0, 0, 9], [0, 1, 0]), ([1, 1, 1], [0, 0, 1]),
        ([0, 0, 3], [0, 0, 1]),
    ] + Array(repeating: ([0, 0, 1], [0, 0, 1]), count: 1200)
    let m = try ConfusionMatrix(classNames: ["T-shirt/top", "Trouser", "Pullover"], rows: rows, loss: .categoricalCrossEntropyFromLogits)
    #expect(m.counts == [[1, 0, 0], [0, 1, 1], [1, 0, 1201]])
    #expect(m.rendered == """
        true \\ predicted  T-shirt/top  Trouser  Pullover
        T-shirt/top                 1        0         0
        Trouser                     0        1         1
        Pullover                    1        0      1201
        """)
    let predictions = Tensor<Float>(shape: [rows.count, 3], scalars: rows.flatMap(\.prediction))
    let targets = Tensor<Float>(shape: [rows.count, 3], scalars: rows.flatMap(\.target))
    #expect(m.accuracy == (try Metrics.categoricalAccuracy(labels: targets, predictions: predictions)))
}

@Test func confusionMatrixInputsThatDoNotFitAreErrors() throws {
    #expect {
        try ConfusionMatrix(classNames: ["a", "b", "c"], rows: [([0.2], [1])], loss: .binaryCrossEntropy)
    } throws: { error in
        "\(error)" == "prediction 0 has 1 outputs and 1 targets, which do not fit 3 classes (a, b, c) under binary_crossentropy"
    }
    #expect(throws: NNError.self) {
        try ConfusionMatrix(classNames: ["a", "b"], rows: [([0.2, 0.1, 0.7], [0, 0, 1])], loss: .categoricalCrossEntropyFromLogits)
    }
    #expect(throws: NNError.self) { try ConfusionMatrix(classNames: ["a", "b"], counts: [[1, 2]]) }
}
