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
    #expect(abs(e.loss - (try Loss.binaryCrossEntropy.value(predictions: p, targets: test.y))) < 1e-5)
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


/// A few Adam steps of the tutorial model (every layer on oneDNN at this size) give the same
/// bits of loss and weights run after run, and with 1, 2 or 3 threads.
@Test func trainingStepsAreTheSameBitsAtAnyThreadCount() throws {
    let model = try ModelZoo.tutorial(input: [28, 28, 1])
    let data = bars(count: 16, size: 28, seed: 9)
    func run(threads: Int) throws -> ([UInt32], [[UInt32]]) {
        let before = Threads.count
        defer { Threads.set(before) }
        Threads.set(threads)
        var trainer = try Trainer(model: model, weights: .glorotUniform(for: model, seed: 2), optimizer: Adam(),
                                  loss: .binaryCrossEntropy, seed: 3)
        var losses: [UInt32] = []
        for _ in 0..<3 { losses.append(try trainer.trainStep(x: data.x, y: data.y).loss.bitPattern) }
        return (losses, trainer.weights.tensors.flatMap { $0 }.map { $0.scalars.map(\.bitPattern) })
    }
    let first = try run(threads: 1)
    #expect(first.0.count == 3 && Set(first.0).count == 3)  // the loss moves: real steps
    let again = try run(threads: 1)
    #expect(again.0 == first.0)
    #expect(again.1 == first.1)
    for threads in [2, 3] {
        let other = try run(threads: threads)
        #expect(other.0 == first.0, "loss at \(threads) threads")
        #expect(other.1 == first.1, "weights at \(threads) threads")
    }
}
