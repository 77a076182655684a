import Testing
@testable import Tensor

@Suite struct ElementwiseGradientTests {
    static let shapePairs: [([Int], [Int])] = [([3, 4], [3, 4]), ([2, 3, 4], [4]), ([3, 1], [1, 5]), ([2, 1, 3], [])]

    @Test(arguments: shapePairs) func arithmetic(_ shapes: ([Int], [Int])) throws {
        let a = randomTensor(shapes.0, seed: 1)
        let b = Tensor(shape: shapes.1, scalars: randomTensor(shapes.1, seed: 2).scalars.map { $0 + 2 })  // b in [1, 3)
        try checkGradients([a, b]) { (t, v) throws(TensorError) in try t.add(v[0], v[1]) }
        try checkGradients([a, b]) { (t, v) throws(TensorError) in try t.subtract(v[0], v[1]) }
        try checkGradients([a, b]) { (t, v) throws(TensorError) in try t.multiply(v[0], v[1]) }
        try checkGradients([a, b]) { (t, v) throws(TensorError) in try t.divide(v[0], v[1]) }
    }

    @Test(arguments: [[5], [2, 3], [2, 3, 4]]) func activations(_ shape: [Int]) throws {
        let x = awayFromZero(shape, seed: 3)
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.relu(v[0]) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.sigmoid(v[0]) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.tanh(v[0]) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.softmax(v[0]) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.softmax(v[0], axis: 0) }
    }

    @Test(arguments: [nil, 0, 1, -1] as [Int?]) func reductionsAndShapes(_ axis: Int?) throws {
        let x = randomTensor([3, 4, 2], seed: 4)
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.sum(v[0], axis: axis) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.mean(v[0], axis: axis) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.transpose(t.reshape(v[0], [4, 6])) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.transpose(v[0], axes: [1, 2, 0]) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.flatten(v[0]) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.dropout(v[0], rate: 0.3, seed: 5) }
    }

    @Test(arguments: [(1, 3, 1), (4, 5, 3), (2, 7, 6)]) func matmul(_ d: (Int, Int, Int)) throws {
        let a = randomTensor([d.0, d.1], seed: 6), b = randomTensor([d.1, d.2], seed: 7)
        try checkGradients([a, b]) { (t, v) throws(TensorError) in try t.matmul(v[0], v[1]) }
        let w = randomTensor([d.1], seed: 8)
        try checkGradients([a, w]) { (t, v) throws(TensorError) in try t.matmul(v[0], v[1]) }
    }

    @Test func losses() throws {
        let p = Tensor<Float>(shape: [4, 1], scalars: randomTensor([4, 1], seed: 9).scalars.map { 0.5 + $0 * 0.4 })
        let targets = Tensor<Float>(shape: [4, 1], scalars: [1, 0, 1, 0])
        try checkGradients([p]) { (t, v) throws(TensorError) in try t.binaryCrossEntropy(v[0], t.constant(targets)) }
        let z = randomTensor([3, 4], seed: 10)
        let y = try Tensor<Float>(rows: [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]])
        try checkGradients([z]) { (t, v) throws(TensorError) in try t.categoricalCrossEntropyFromLogits(v[0], t.constant(y)) }
    }

    @Test func clippedPredictionsGetNoGradient() throws {
        let tape = Tape()
        let p = tape.variable(Tensor(shape: [2], scalars: [0, 0.5]))
        let loss = try tape.binaryCrossEntropy(p, tape.constant(Tensor(shape: [2], scalars: [1, 1])))
        let g = try tape.gradients(of: loss, wrt: [p])[0]
        #expect(g.scalars[0] == 0)
        #expect(abs(g.scalars[1] - (-1 / 0.5 / 2)) < 1e-6)
    }

    @Test func sharedUseAccumulatesAndUnusedIsZero() throws {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [3, -2]))
        let unused = tape.variable(Tensor(shape: [3], scalars: [1, 2, 3]))
        let y = try tape.sum(tape.multiply(x, x))   // sum x^2 -> 2x
        let g = try tape.gradients(of: y, wrt: [x, unused])
        #expect(g[0].scalars == [6, -4])
        #expect(g[1].scalars == [0, 0, 0])
        #expect(throws: TensorError.self) { try tape.gradients(of: x, wrt: [x]) }
        #expect(throws: TensorError.self) { try Tape().gradients(of: y, wrt: [x]) }
    }
}

@Suite struct ConvGradientTests {
    /// Small cases: every shape, stride, padding and dilation kind.
    static let cases: [ConvCase] = [
        ConvCase(n: 1, h: 4, w: 4, c: 1, kh: 3, kw: 3, f: 1, stride: (1, 1), dilation: (1, 1), padding: .valid),
        ConvCase(n: 2, h: 5, w: 4, c: 2, kh: 3, kw: 2, f: 3, stride: (2, 1), dilation: (1, 1), padding: .same),
        ConvCase(n: 1, h: 6, w: 6, c: 2, kh: 2, kw: 2, f: 2, stride: (2, 2), dilation: (2, 1), padding: .explicit(top: 1, bottom: 0, left: 0, right: 2)),
        ConvCase(n: 2, h: 5, w: 5, c: 1, kh: 3, kw: 3, f: 2, stride: (1, 2), dilation: (2, 2), padding: .same),
        // Thin windows (few values per window) with filters in multiples of 8.
        ConvCase(n: 2, h: 4, w: 5, c: 1, kh: 3, kw: 3, f: 8, stride: (1, 1), dilation: (1, 1), padding: .same),
        ConvCase(n: 1, h: 5, w: 4, c: 3, kh: 2, kw: 2, f: 8, stride: (2, 1), dilation: (1, 1), padding: .valid),
    ]

    /// Seeded random cases: shapes, strides, dilations and every padding kind drawn at random
    /// (keeping only those whose window fits).
    static let randomCases: [ConvCase] = {
        var g = SeededGenerator(seed: 2026)
        var out: [ConvCase] = []
        while out.count < 8 {
            let (kh, kw) = (Int.random(in: 1...3, using: &g), Int.random(in: 1...3, using: &g))
            let paddings: [Padding] = [.valid, .same, .explicit(top: Int.random(in: 0...2, using: &g), bottom: Int.random(in: 0...2, using: &g),
                                                                 left: Int.random(in: 0...2, using: &g), right: Int.random(in: 0...2, using: &g))]
            let c = ConvCase(n: Int.random(in: 1...2, using: &g), h: Int.random(in: 3...7, using: &g), w: Int.random(in: 3...7, using: &g),
                             c: Int.random(in: 1...3, using: &g), kh: kh, kw: kw, f: Int.random(in: 1...3, using: &g),
                             stride: (Int.random(in: 1...2, using: &g), Int.random(in: 1...2, using: &g)),
                             dilation: (Int.random(in: 1...2, using: &g), Int.random(in: 1...2, using: &g)),
                             padding: paddings[Int.random(in: 0...2, using: &g)])
            if (try? WindowGeometry(inputHeight: c.h, inputWidth: c.w, kernelHeight: c.kh, kernelWidth: c.kw,
                                    stride: c.stride, dilation: c.dilation, padding: c.padding)) != nil {
                out.append(c)
            }
        }
        return out
    }()

    @Test(arguments: randomCases) func conv2dRandomCases(_ c: ConvCase) throws {
        try conv2d(c)
        try conv2dTranspose(c)
    }

    @Test(arguments: cases) func conv2d(_ c: ConvCase) throws {
        let x = randomTensor([c.n, c.h, c.w, c.c], seed: 11)
        let k = randomTensor([c.kh, c.kw, c.c, c.f], seed: 12)
        let b = randomTensor([c.f], seed: 13)
        try checkGradients([x, k, b]) { (t, v) throws(TensorError) in
            try t.conv2d(v[0], v[1], bias: v[2], stride: c.stride, padding: c.padding, dilation: c.dilation)
        }
    }

    @Test(arguments: cases) func conv2dTranspose(_ c: ConvCase) throws {
        let g = try WindowGeometry(inputHeight: c.h, inputWidth: c.w, kernelHeight: c.kh, kernelWidth: c.kw,
                                   stride: c.stride, dilation: c.dilation, padding: c.padding)
        let y = randomTensor([c.n, g.outputHeight, g.outputWidth, c.f], seed: 14)
        let k = randomTensor([c.kh, c.kw, c.c, c.f], seed: 15)
        try checkGradients([y, k]) { (t, v) throws(TensorError) in
            try t.conv2dTranspose(v[0], v[1], stride: c.stride, padding: c.padding, dilation: c.dilation)
        }
    }

    @Test func planeAndImageRanks() throws {
        let x = randomTensor([5, 5], seed: 16), k = randomTensor([2, 3], seed: 17)
        try checkGradients([x, k]) { (t, v) throws(TensorError) in try t.conv2d(v[0], v[1], padding: .same) }
        let img = randomTensor([4, 5, 2], seed: 18), k4 = randomTensor([3, 3, 2, 2], seed: 19)
        try checkGradients([img, k4]) { (t, v) throws(TensorError) in try t.conv2d(v[0], v[1], stride: (2, 2)) }
    }

    static let poolCases: [([Int], (Int, Int), (Int, Int)?, Padding)] = [
        ([1, 4, 4, 2], (2, 2), nil, .valid),
        ([2, 5, 5, 1], (2, 2), nil, .same),
        ([1, 5, 4, 3], (3, 2), (1, 2), .explicit(top: 1, bottom: 1, left: 0, right: 1)),
        ([6, 6], (3, 3), (2, 2), .same),
        ([5, 6, 2], (2, 3), (1, 1), .valid),
    ]

    @Test(arguments: poolCases) func pooling(_ p: ([Int], (Int, Int), (Int, Int)?, Padding)) throws {
        let x = distinctValues(p.0, seed: 20)
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.maxPool(v[0], size: p.1, stride: p.2, padding: p.3) }
        try checkGradients([x]) { (t, v) throws(TensorError) in try t.avgPool(v[0], size: p.1, stride: p.2, padding: p.3) }
    }

    @Test func smallNetwork() throws {
        // conv -> relu -> maxpool -> flatten -> dense -> sigmoid -> BCE, all parameters at once.
        let x = randomTensor([2, 6, 6, 1], seed: 21)
        let k = randomTensor([3, 3, 1, 2], seed: 22), b = randomTensor([2], seed: 23)
        let w = randomTensor([8, 1], seed: 24)
        let targets = Tensor<Float>(shape: [2, 1], scalars: [1, 0])
        try checkGradients([k, b, w], tolerance: 3e-3) { (t, v) throws(TensorError) in
            let h = try t.maxPool(t.relu(t.conv2d(t.constant(x), v[0], bias: v[1])), size: (2, 2))
            let p = try t.sigmoid(t.matmul(t.flatten(h), v[2]))
            return try t.binaryCrossEntropy(p, t.constant(targets))
        }
    }
}
