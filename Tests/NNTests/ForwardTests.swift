import Testing
import Tensor
import NN

/// A small model touching every layer kind that has a forward pass.
func everyLayerModel() throws -> Sequential {
    try Sequential(input: [6, 6, 2], layers: [
        Input(shape: [6, 6, 2]), Conv2D(3, kernelSize: (3, 3), padding: .same, activation: .relu),
        AveragePooling2D(poolSize: (2, 2)), Activation(.tanh), Conv2D(4, kernelSize: (2, 2), strides: (1, 1)),
        GlobalAveragePooling2D(), NN.Dropout(0.5), Dense(3), Activation(.softmax),
    ])
}

@Test func layerOutputsMatchPlainReferenceOperations() throws {
    let m = try everyLayerModel()
    let w = ModelWeights.glorotUniform(for: m, seed: 3)
    let x = Tensor<Float>.random(shape: [2, 6, 6, 2], seed: 9)
    let acts = try m.activations(of: x, weights: w)
    #expect(acts.map(\.shape) == [[2, 6, 6, 2], [2, 6, 6, 3], [2, 3, 3, 3], [2, 3, 3, 3], [2, 2, 2, 4], [2, 4], [2, 4], [2, 3], [2, 3]])
    // conv + bias + relu against the engine's plain-loop reference.
    let ref = try x.conv2dReference(w.tensors[1][0], bias: w.tensors[1][1], padding: .same).relu()
    for (a, b) in zip(acts[1].scalars, ref.scalars) { #expect(abs(a - b) < 1e-5) }
    // Global average pooling is the mean over rows and columns.
    let c = acts[4]
    for n in 0..<2 {
        for f in 0..<4 {
            var s: Float = 0
            for i in 0..<4 { s += c.scalars[(n * 4 + i) * 4 + f] }
            #expect(abs(acts[5].scalars[n * 4 + f] - s / 4) < 1e-6)
        }
    }
    // Dropout is the identity at inference; softmax rows sum to one.
    #expect(acts[6] == acts[5])
    for n in 0..<2 { #expect(abs(acts[8].scalars[(n * 3)..<(n * 3 + 3)].reduce(0, +) - 1) < 1e-6) }
    #expect(try m.predict(x, weights: w) == acts[8])
}

@Test func modelGradientMatchesFiniteDifferences() throws {
    let m = try Sequential(input: [5, 5, 1], layers: [
        Conv2D(2, kernelSize: (3, 3), activation: .tanh), MaxPooling2D(poolSize: (2, 2), padding: .same), Flatten(),
        Dense(1, activation: .sigmoid),
    ])
    let w = ModelWeights.glorotUniform(for: m, seed: 11)
    let x = Tensor<Float>.random(shape: [3, 5, 5, 1], seed: 12)
    let y = Tensor<Float>(shape: [3, 1], scalars: [1, 0, 1])
    func loss(_ w: ModelWeights) throws -> (Float, [[Tensor<Float>]]) {
        let tape = Tape()
        let p = w.tensors.map { $0.map { tape.variable($0) } }
        let out = try m.forward(tape.constant(x), parameters: p, tape: tape, context: ForwardContext(training: false))
        let l = try tape.binaryCrossEntropy(out, tape.constant(y))
        let g = try tape.gradients(of: l, wrt: p.flatMap { $0 })
        var k = 0
        return (l.tensor.scalars[0], p.map { $0.map { _ in defer { k += 1 }; return g[k] } })
    }
    let (_, grads) = try loss(w)
    // Central differences on a few weights of each tensor (h = 1e-2 in float32).
    for (i, ts) in w.tensors.enumerated() {
        for (j, t) in ts.enumerated() {
            for e in stride(from: 0, to: t.count, by: max(1, t.count / 3)) {
                var plus = w, minus = w
                plus.tensors[i][j].scalars[e] += 1e-2
                minus.tensors[i][j].scalars[e] -= 1e-2
                let numeric = (Double(try loss(plus).0) - Double(try loss(minus).0)) / 2e-2
                #expect(abs(numeric - Double(grads[i][j].scalars[e])) < 2e-3, "layer \(i) tensor \(j) element \(e)")
            }
        }
    }
}

@Test func categoricalTrainingLowersTheLoss() throws {
    let m = try Sequential(input: [4], layers: [Dense(8, activation: .relu), Dense(3)])
    // Class k has a large k-th feature.
    var xs: [Float] = [], ys: [Float] = []
    for i in 0..<30 {
        let k = i % 3
        for f in 0..<4 { xs.append(f == k ? 1 : 0.1 * Float(f)) }
        for c in 0..<3 { ys.append(c == k ? 1 : 0) }
    }
    let x = Tensor(shape: [30, 4], scalars: xs), y = Tensor(shape: [30, 3], scalars: ys)
    var t = try Trainer(model: m, weights: .glorotUniform(for: m, seed: 5), optimizer: RMSprop(learningRate: 0.01),
                        loss: .categoricalCrossEntropyFromLogits, seed: 1)
    let h = try t.fit(x: x, y: y, batchSize: 10, epochs: 40)
    #expect(h.loss.last! < 0.25 * h.loss.first!)
    #expect(h.accuracy.last! == 1)
    #expect(throws: NNError.self) { try t.trainStep(x: x, y: Tensor(repeating: 0, shape: [30, 2])) }
}
