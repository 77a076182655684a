import Testing
import Tensor
@testable import NN

/// Seeded bars: `count` images (S,S,1), each with one full bright row (label 0, horizontal) or
/// column (label 1, vertical) on a noisy background; labels (count,1).
func bars(count: Int, size: Int, seed: UInt64) -> (x: Tensor<Float>, y: Tensor<Float>) {
    var g = SeededGenerator(seed: seed)
    var x = [Float](), y = [Float]()
    for _ in 0..<count {
        let vertical = g.next() % 2 == 1
        let at = Int(g.next() % UInt64(size))
        for r in 0..<size {
            for c in 0..<size {
                let onBar = vertical ? c == at : r == at
                x.append((onBar ? 0.8 : 0) + 0.2 * g.nextUnitFloat())
            }
        }
        y.append(vertical ? 1 : 0)
    }
    return (Tensor(shape: [count, size, size, 1], scalars: x), Tensor(shape: [count, 1], scalars: y))
}

func trainBars() throws -> (history: TrainingHistory, weights: ModelWeights, testAccuracy: Float) {
    let model = try Sequential(input: [8, 8, 1], layers: [
        Conv2D(4, kernelSize: (3, 3), activation: .relu), MaxPooling2D(), Flatten(), NN.Dropout(0.1),
        Dense(1, activation: .sigmoid),
    ])
    var trainer = try Trainer(model: model, weights: .glorotUniform(for: model, seed: 42),
                              optimizer: Adam(learningRate: 0.01), loss: .binaryCrossEntropy, seed: 7)
    let train = bars(count: 64, size: 8, seed: 1)
    // 100 epochs of 4 batches: 400 updates.
    let history = try trainer.fit(x: train.x, y: train.y, batchSize: 16, epochs: 100)
    let test = bars(count: 200, size: 8, seed: 2)
    let p = try model.predict(test.x, weights: trainer.weights)
    let accuracy = try Metrics.binaryAccuracy(labels: test.y, predictions: p)
    // Evaluating in batches of 7 gives the same accuracy as one batch.
    let e = try model.evaluate(x: test.x, y: test.y, weights: trainer.weights, loss: .binaryCrossEntropy, batchSize: 7)
    #expect(abs(e.accuracy - accuracy) < 1e-6)
    #expect(abs(e.loss - (try Metrics.binaryCrossEntropy(labels: test.y, predictions: p))) < 1e-5)
    return (history, trainer.weights, accuracy)
}

@Test func tinyNetworkLearnsBarsWithTheSameBitsEveryRun() throws {
    let a = try trainBars()
    // Chance is 50%; a network that learned the task gets nearly every unseen image right.
    #expect(a.testAccuracy >= 0.9)
    let last = try #require(a.history.loss.last)
    #expect(last < 0.2)
    #expect(a.history.loss[0] > 3 * last)
    let b = try trainBars()
    #expect(a.history.loss.map(\.bitPattern) == b.history.loss.map(\.bitPattern))
    #expect(a.weights == b.weights)
}

@Test func glorotUniformLimitsAndZeroBiases() throws {
    let m = try ModelZoo.tutorial()
    let w = ModelWeights.glorotUniform(for: m, seed: 1)
    let conv1 = w.tensors[0][0], dense1 = w.tensors[10][0]
    let l1 = (6.0 / (27 + 288)).squareRoot(), l2 = (6.0 / (10368 + 512)).squareRoot()
    #expect(conv1.scalars.allSatisfy { abs(Double($0)) <= l1 * (1 + 1e-6) })
    #expect(conv1.scalars.map { abs(Double($0)) }.max()! > 0.95 * l1)
    #expect(dense1.scalars.allSatisfy { abs(Double($0)) <= l2 * (1 + 1e-6) })
    #expect(w.tensors[0][1].scalars.allSatisfy { $0 == 0 })
    #expect(w == ModelWeights.glorotUniform(for: m, seed: 1))
    #expect(w != ModelWeights.glorotUniform(for: m, seed: 2))
}

@Test func predictChecksTheInputShape() throws {
    let m = try Sequential(input: [4, 4, 1], layers: [Flatten(), Dense(2)])
    let w = ModelWeights.glorotUniform(for: m, seed: 0)
    #expect(throws: NNError.self) { try m.predict(Tensor(repeating: 0, shape: [2, 4, 4, 3]), weights: w) }
    let out = try m.predict(Tensor(repeating: 1, shape: [3, 4, 4, 1]), weights: w)
    #expect(out.shape == [3, 2])
    // Dense on all-ones rows sums each kernel column.
    let k = w.tensors[1][0]
    let col0 = (0..<16).reduce(Float(0)) { $0 + k.scalars[$1 * 2] }
    #expect(abs(out.scalars[0] - col0) < 1e-5)
}

/// A training step cuts the batch into two parts run on tapes of their own; the combined loss
/// and gradients are the whole batch's (within Float rounding), with each part's Dropout
/// masks its rows of the whole batch's masks, for even and odd batches.
@Test(arguments: [16, 5]) func splitBatchStepMatchesTheWholeBatch(_ n: Int) throws {
    let model = try Sequential(input: [8, 8, 1], layers: [
        Conv2D(8, kernelSize: (3, 3), activation: .relu), MaxPooling2D(), Flatten(), NN.Dropout(0.5),
        Dense(4, activation: .relu), Dense(1, activation: .sigmoid),
    ])
    let trainer = try Trainer(model: model, weights: .glorotUniform(for: model, seed: 5),
                              optimizer: Adam(), loss: .binaryCrossEntropy, seed: 11)
    let data = bars(count: n, size: 8, seed: 3)
    #expect(trainer.parts(ofBatch: n) == 2)
    let (loss, accuracy, grads) = try trainer.lossAndGradients(x: data.x, y: data.y)
    let (wholeLoss, wholeAccuracy, wholeGrads) = try trainer.partLossAndGradients(x: data.x, y: data.y, rows: 0..<n, batchSize: n)
    #expect(abs(loss - wholeLoss) < 1e-6 * max(1, abs(wholeLoss)))
    #expect(abs(accuracy - wholeAccuracy) < 1e-6)
    for (layer, wholeLayer) in zip(grads, wholeGrads) {
        for (g, w) in zip(layer, wholeLayer) {
            #expect(g.shape == w.shape)
            let scale = w.scalars.reduce(Float(0)) { max($0, abs($1)) }
            let diff = zip(g.scalars, w.scalars).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            #expect(diff <= 1e-5 * max(scale, 1e-3))
        }
    }
    // A wrong mask for a part (e.g. the first rows of the whole mask for both parts) would move
    // the dense gradients far more than rounding does: the masks drop half the units.
    #expect(grads[4][0].scalars.contains { $0 != 0 })
}

/// Large activations (the tutorial model at 150x150x3) keep one tape per batch; at 28x28x1 two.
@Test func onlySmallActivationsSplitTheBatch() throws {
    for (input, parts) in [([150, 150, 3], 1), ([28, 28, 1], 2)] {
        let model = try ModelZoo.tutorial(input: input)
        let trainer = try Trainer(model: model, weights: .glorotUniform(for: model, seed: 1), optimizer: Adam(),
                                  loss: .binaryCrossEntropy)
        #expect(trainer.parts(ofBatch: 32) == parts)
        #expect(trainer.parts(ofBatch: 1) == 1)
    }
}
