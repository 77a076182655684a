import Testing
@testable import Tensor

@Suite struct Conv2DExactTests {
    @Test func tutorialFiveByFive() throws {
        let x = try Tensor<Int>(rows: [[1,1,1,0,0],[0,1,1,1,0],[0,0,1,1,1],[0,0,1,1,0],[0,1,1,0,0]])
        let k = try Tensor<Int>(rows: [[1,0,1],[0,1,0],[1,0,1]])
        #expect(try x.conv2d(k) == Tensor(rows: [[4,3,4],[2,4,3],[2,3,4]]))
    }

    @Test func textbookThreeByThree() throws {
        let x = try Tensor<Int>(rows: [[0,1,2],[3,4,5],[6,7,8]])
        let k = try Tensor<Int>(rows: [[0,1],[2,3]])
        #expect(try x.conv2d(k) == Tensor(rows: [[19,25],[37,43]]))
    }

    @Test func sameStrideTwoPadsBottomOnly() throws {
        let g = try WindowGeometry(inputHeight: 6, inputWidth: 6, kernelHeight: 3, kernelWidth: 3,
                                   stride: (2, 2), padding: .same)
        #expect((g.padTop, g.padBottom, g.padLeft, g.padRight) == (0, 1, 0, 1))
        #expect((g.outputHeight, g.outputWidth) == (3, 3))
    }

    @Test func overflowIsAnError() throws {
        let x = Tensor<Int>(repeating: Int.max, shape: [2, 2])
        let k = Tensor<Int>(repeating: 2, shape: [1, 1])
        #expect(throws: TensorError.self) { try x.conv2d(k) }
    }
}

/// One random convolution case: shapes, stride, padding, dilation.
struct ConvCase: CustomTestStringConvertible, Sendable {
    let n, h, w, c, kh, kw, f: Int
    let stride, dilation: (Int, Int)
    let padding: Padding
    var testDescription: String { "x \(n)x\(h)x\(w)x\(c) k \(kh)x\(kw)x\(c)x\(f) s \(stride) d \(dilation) \(padding)" }

    static let all: [ConvCase] = [
        ConvCase(n: 1, h: 5, w: 5, c: 1, kh: 3, kw: 3, f: 1, stride: (1, 1), dilation: (1, 1), padding: .valid),
        ConvCase(n: 2, h: 6, w: 6, c: 3, kh: 3, kw: 3, f: 4, stride: (2, 2), dilation: (1, 1), padding: .same),
        ConvCase(n: 3, h: 7, w: 5, c: 2, kh: 2, kw: 3, f: 5, stride: (1, 2), dilation: (1, 1), padding: .same),
        ConvCase(n: 2, h: 9, w: 8, c: 4, kh: 3, kw: 2, f: 3, stride: (2, 1), dilation: (2, 2), padding: .explicit(top: 1, bottom: 0, left: 2, right: 1)),
        ConvCase(n: 1, h: 8, w: 8, c: 5, kh: 1, kw: 1, f: 7, stride: (3, 3), dilation: (1, 1), padding: .valid),
        ConvCase(n: 4, h: 10, w: 11, c: 3, kh: 5, kw: 4, f: 6, stride: (3, 2), dilation: (1, 2), padding: .same),
        // Stride 1: the input gradient runs as a convolution with the rotated kernel...
        ConvCase(n: 3, h: 9, w: 7, c: 16, kh: 3, kw: 2, f: 4, stride: (1, 1), dilation: (2, 3), padding: .explicit(top: 2, bottom: 0, left: 1, right: 3)),
        // ...unless a padding reaches the effective kernel size: then by col2im.
        ConvCase(n: 2, h: 4, w: 5, c: 16, kh: 1, kw: 2, f: 3, stride: (1, 1), dilation: (1, 1), padding: .explicit(top: 1, bottom: 1, left: 0, right: 2)),
        // Thin first layers: few values per window, filters in multiples of 8.
        ConvCase(n: 3, h: 9, w: 8, c: 3, kh: 3, kw: 3, f: 16, stride: (2, 1), dilation: (1, 2), padding: .same),
        ConvCase(n: 1, h: 6, w: 7, c: 2, kh: 2, kw: 3, f: 8, stride: (1, 1), dilation: (1, 1), padding: .explicit(top: 0, bottom: 2, left: 1, right: 0)),
        // Thin first layers as in the tutorial model (1 and 3 channels, 32 and 40 filters).
        ConvCase(n: 3, h: 28, w: 28, c: 1, kh: 3, kw: 3, f: 32, stride: (1, 1), dilation: (1, 1), padding: .same),
        ConvCase(n: 2, h: 23, w: 30, c: 3, kh: 3, kw: 3, f: 40, stride: (1, 1), dilation: (1, 1), padding: .same),
        // Strides (2, 3) and a dilated y axis; 24 filters.
        ConvCase(n: 2, h: 10, w: 11, c: 2, kh: 3, kw: 3, f: 24, stride: (2, 3), dilation: (2, 1), padding: .same),
        // A window of 8 (2x2x2).
        ConvCase(n: 2, h: 7, w: 9, c: 2, kh: 2, kw: 2, f: 8, stride: (1, 1), dilation: (1, 1), padding: .valid),
        // A 4x4x4 window, 56 filters (32 + 24), odd output width.
        ConvCase(n: 2, h: 11, w: 13, c: 4, kh: 4, kw: 4, f: 56, stride: (1, 1), dilation: (1, 1), padding: .same),
        // Large enough for oneDNN on the automatic path.
        ConvCase(n: 2, h: 20, w: 20, c: 16, kh: 3, kw: 3, f: 32, stride: (1, 1), dilation: (1, 1), padding: .same),
    ]
}

@Suite struct Conv2DRanksAndFloatTests {
    @Test func imageAndBatchRanksWithBias() throws {
        let plane = try Tensor<Int>(rows: [[1,1,1,0,0],[0,1,1,1,0],[0,0,1,1,1],[0,0,1,1,0],[0,1,1,0,0]])
        let k = try Tensor<Int>(rows: [[1,0,1],[0,1,0],[1,0,1]])
        let image = try plane.reshaped([5, 5, 1])
        let k4 = try k.reshaped([3, 3, 1, 1])
        let y = try image.conv2d(k4, bias: Tensor(shape: [1], scalars: [10]))
        #expect(y.shape == [3, 3, 1])
        #expect(y.scalars == [14, 13, 14, 12, 14, 13, 12, 13, 14])
        let batch = try Tensor.concatenate([try image.reshaped([1, 5, 5, 1]), try image.reshaped([1, 5, 5, 1])], axis: 0)
        #expect(try batch.conv2d(k4, padding: .same).shape == [2, 5, 5, 1])
        #expect(throws: TensorError.self) { try image.conv2d(Tensor<Int>(repeating: 1, shape: [3, 3, 2, 1])) }
        #expect(throws: TensorError.self) { try image.conv2d(k4, bias: Tensor(repeating: 0, shape: [2])) }
    }

    @Test func sameStrideTwoOnSixBySix() throws {
        // 6x6 of ones, 3x3 kernel of ones, stride 2, 'same': padding is one row at the bottom
        // and one column at the right, so the top-left window sees 9 cells and the last row 6.
        let x = Tensor<Int>(repeating: 1, shape: [6, 6])
        let k = Tensor<Int>(repeating: 1, shape: [3, 3])
        let y = try x.conv2d(k, stride: (2, 2), padding: .same)
        #expect(y == (try Tensor(rows: [[9, 9, 6], [9, 9, 6], [6, 6, 4]])))
    }

    /// Both Float paths (oneDNN and the plain loops), with and without a bias, against the
    /// Double reference; and the public conv2d, whichever path it takes.
    @Test(arguments: ConvCase.all) func floatMatchesDoubleReference(_ t: ConvCase) throws {
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 1)
        let k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 2)
        let bias = randomTensor([t.f], seed: 3)
        let y = try x.conv2d(k, bias: bias, stride: t.stride, padding: t.padding, dilation: t.dilation)
        let g = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: t.kh, kernelWidth: t.kw,
                                   stride: t.stride, dilation: t.dilation, padding: t.padding)
        #expect(y.shape == [t.n, g.outputHeight, g.outputWidth, t.f])
        // |x|, |k| < 1: each output sums at most KH*KW*C products; Float error stays below 1e-5 * that count.
        let tolerance = 1e-5 * Double(t.kh * t.kw * t.c + 1)
        #expect(maxAbsDifference(y.scalars, DoubleReference.conv2d(x, k, bias: bias, g)) < tolerance)
        for path in [Conv2DKernels.Path.oneDNN, .reference] {
            for b in [bias, nil] {
                let p = Conv2DKernels.forward(x, k, bias: b, g, path: path)
                #expect(p.shape == y.shape)
                #expect(maxAbsDifference(p.scalars, DoubleReference.conv2d(x, k, bias: b, g)) < tolerance)
            }
        }
    }

    @Test(arguments: ConvCase.all) func transposeIsExactAdjointOnInt(_ t: ConvCase) throws {
        // The transpose maps OHxOW back to the input size its formula gives; start from there.
        let g0 = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: t.kh, kernelWidth: t.kw,
                                    stride: t.stride, dilation: t.dilation, padding: t.padding)
        let g = try Tensor<Int>.transposeGeometry(outputHeight: g0.outputHeight, outputWidth: g0.outputWidth, kernelHeight: t.kh,
                                                  kernelWidth: t.kw, stride: t.stride, padding: t.padding, dilation: t.dilation)
        let x = randomIntTensor([t.n, g.inputHeight, g.inputWidth, t.c], seed: 4)
        let k = randomIntTensor([t.kh, t.kw, t.c, t.f], seed: 5)
        let cx = try x.conv2d(k, stride: t.stride, padding: t.padding, dilation: t.dilation)
        #expect(cx.shape == [t.n, g0.outputHeight, g0.outputWidth, t.f])
        let y = randomIntTensor(cx.shape, seed: 6)
        let ty = try y.conv2dTranspose(k, stride: t.stride, padding: t.padding, dilation: t.dilation)
        #expect(ty.shape == x.shape)
        #expect(try cx.multiplying(y).sum() == x.multiplying(ty).sum())
    }

    @Test(arguments: ConvCase.all) func floatTransposeMatchesReference(_ t: ConvCase) throws {
        let g = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: t.kh, kernelWidth: t.kw,
                                   stride: t.stride, dilation: t.dilation, padding: t.padding)
        let k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 7)
        let dy = randomTensor([t.n, g.outputHeight, g.outputWidth, t.f], seed: 8)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 9)
        let tolerance = 1e-5 * Double(t.kh * t.kw * t.f + t.n * g.outputHeight * g.outputWidth)
        let slow = try dy.conv2dTransposeReference(k, g)
        let slowK = try x.conv2dKernelGradientReference(dy, g)
        var slowBias = [Double](repeating: 0, count: t.f)
        for (i, v) in dy.scalars.enumerated() { slowBias[i % t.f] += Double(v) }
        for path in [Conv2DKernels.Path.oneDNN, .reference, .automatic] {
            let dx = Conv2DKernels.inputGradient(dy, k, g, path: path)
            #expect(dx.shape == x.shape)
            #expect(maxAbsDifference(dx.scalars, slow.scalars.map(Double.init)) < tolerance)
            let (dk, db) = Conv2DKernels.kernelGradient(x, dy, g, bias: true, path: path)
            #expect(dk.shape == k.shape)
            #expect(maxAbsDifference(dk.scalars, slowK.scalars.map(Double.init)) < tolerance)
            #expect(maxAbsDifference(db?.scalars ?? [], slowBias) < tolerance)
            #expect(Conv2DKernels.kernelGradient(x, dy, g, path: path).bias == nil)
        }
    }

    @Test func transposeOutputSize() throws {
        // (OH-1)*s + (KH-1)*d + 1 - top - bottom = (3-1)*2 + (3-1)*1 + 1 - 1 - 0 = 6
        let y = Tensor<Int>(repeating: 1, shape: [3, 3])
        let k = Tensor<Int>(repeating: 1, shape: [3, 3])
        #expect(try y.conv2dTranspose(k, stride: (2, 2), padding: .explicit(top: 1, bottom: 0, left: 0, right: 0)).shape == [6, 7])
        #expect(try y.conv2dTranspose(k, stride: (2, 2), padding: .same).shape == [6, 6])
    }

    static let gemmCases: [(Int, Int, Int, Bool, Bool)] = [
        (1, 1, 1, false, false), (3, 5, 2, true, false), (256, 64, 200, false, false), (256, 64, 200, true, true),
        (8, 512, 600, false, true), (8, 512, 600, true, false), (300, 9, 1000, true, false),
    ]

    /// oneDNN's matmul and the plain loop, each transpose read through strides.
    @Test(arguments: gemmCases) func productMatchesReference(_ t: (Int, Int, Int, Bool, Bool)) throws {
        let (m, n, k, ta, tb) = t
        let a = randomTensor(ta ? [k, m] : [m, k], seed: 31), b = randomTensor(tb ? [n, k] : [k, n], seed: 32)
        let r = GEMM.reference(m: m, n: n, k: k, a.scalars, transposeA: ta, b.scalars, transposeB: tb)
        for path in [Conv2DKernels.Path.oneDNN, .reference] {
            let c = GEMM.product(a, b, transposeA: ta, transposeB: tb, path: path)
            #expect(c.shape == [m, n])
            // |a|, |b| < 1: the Float sum of K products is within 1e-6 * K of the exact one here.
            #expect(maxAbsDifference(c.scalars, r) < 1e-6 * Double(k) + 1e-6)
        }
    }

    @Test func matmulFloatMatchesReference() throws {
        for (m, k, n) in [(1, 1, 1), (3, 5, 2), (17, 33, 9), (64, 7, 100)] {
            let a = randomTensor([m, k], seed: UInt64(m)), b = randomTensor([k, n], seed: UInt64(n))
            let c = try a.matmul(b)
            let r = GEMM.reference(m: m, n: n, k: k, a.scalars, b.scalars)
            #expect(maxAbsDifference(c.scalars, r) < 1e-5 * Double(k))
        }
    }
}

@Suite struct DeterminismTests {
    @Test func repeatedRunsGiveTheSameBits() throws {
        // Large enough for oneDNN (3.3 million multiply-adds) and the parallel loops.
        let x = randomTensor([5, 24, 24, 8], seed: 41)
        let k = randomTensor([3, 3, 8, 16], seed: 42), b = randomTensor([16], seed: 43)
        func run() throws -> [Tensor<Float>] {
            let tape = Tape()
            let (xv, kv, bv) = (tape.variable(x), tape.variable(k), tape.variable(b))
            let y = try tape.maxPool(tape.relu(tape.conv2d(xv, kv, bias: bv, padding: .same)), size: (2, 2))
            let loss = try tape.sum(tape.multiply(y, tape.constant(randomTensor(y.shape, seed: 44))))
            return [y.tensor] + (try tape.gradients(of: loss, wrt: [xv, kv, bv]))
        }
        let first = try run()
        for _ in 0..<3 { #expect(try run() == first) }
    }
}

@Suite struct FusedConvReLUTests {
    /// The fused conv + ReLU gives the same bits as ReLU after the unfused convolution, and
    /// stays within the reference's tolerance of relu(conv2dReference).
    @Test(arguments: ConvCase.all) func fusedForwardMatchesUnfused(_ t: ConvCase) throws {
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 31)
        let k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 32)
        let bias = randomTensor([t.f], seed: 33)
        let g = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: t.kh, kernelWidth: t.kw,
                                   stride: t.stride, dilation: t.dilation, padding: t.padding)
        for b in [bias, nil] {
            for path in [Conv2DKernels.Path.oneDNN, .reference] {
                // (Equal values: oneDNN's ReLU may keep a -0 where max(-0, 0) gives +0.)
                let fused = Conv2DKernels.forward(x, k, bias: b, g, relu: true, path: path)
                let plain = Conv2DKernels.forward(x, k, bias: b, g, path: path).relu()
                #expect(fused.scalars == plain.scalars)
            }
            let fused = Conv2DKernels.forward(x, k, bias: b, g, relu: true)
            let r = try x.conv2dReference(k, bias: b, stride: t.stride, padding: t.padding, dilation: t.dilation).relu()
            #expect(maxAbsDifference(fused.scalars, r.scalars.map(Double.init)) < 1e-5 * Double(t.kh * t.kw * t.c + 1))
        }
    }

    /// The fused node's gradients are the same bits as those of relu(conv2d(...)).
    @Test(arguments: ConvCase.all) func fusedGradientsMatchUnfused(_ t: ConvCase) throws {
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 34)
        let k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 35)
        let bias = randomTensor([t.f], seed: 36)
        func grads(_ fused: Bool) throws -> [[UInt32]] {
            let tape = Tape()
            let (xv, kv, bv) = (tape.variable(x), tape.variable(k), tape.variable(bias))
            let y = fused
                ? try tape.conv2d(xv, kv, bias: bv, stride: t.stride, padding: t.padding, dilation: t.dilation, relu: true)
                : try tape.relu(tape.conv2d(xv, kv, bias: bv, stride: t.stride, padding: t.padding, dilation: t.dilation))
            let r = randomTensor(y.shape, seed: 37)
            let loss = try tape.sum(tape.multiply(y, tape.constant(r)))
            return try tape.gradients(of: loss, wrt: [xv, kv, bv]).map { $0.scalars.map(\.bitPattern) }
        }
        #expect(try grads(true) == grads(false))
    }

    @Test func fusedGradientsMatchFiniteDifferences() throws {
        // |conv| < 8 * 0.1 and biases of +1 and -1: every output stays clear of ReLU's kink
        // under the ±1e-2 moves, one filter always on and one always off.
        let x = randomTensor([2, 5, 5, 2], seed: 38)
        let k = Tensor(shape: [2, 2, 2, 2], scalars: randomTensor([2, 2, 2, 2], seed: 39).scalars.map { $0 * 0.1 })
        let b = Tensor<Float>(shape: [2], scalars: [1, -1])
        try checkGradients([x, k, b]) { (t, v) throws(TensorError) in
            try t.conv2d(v[0], v[1], bias: v[2], padding: .same, relu: true)
        }
    }
}

/// oneDNN's primitives give the same bits run after run and at any thread count: forward (bias
/// and ReLU fused), backward data, backward weights and bias, max and average pooling both
/// ways, and the matrix products of a dense layer, at sizes where they use their parallel
/// kernels (the tutorial model's layer shapes at a small batch).
@Suite(.serialized) struct ThreadCountTests {
    static func everything() throws -> [[UInt32]] {
        var out: [[UInt32]] = []
        for (n, h, c, f) in [(4, 28, 1, 32), (4, 14, 32, 64), (2, 37, 64, 128)] {
            let g = try WindowGeometry(inputHeight: h, inputWidth: h, kernelHeight: 3, kernelWidth: 3, padding: .same)
            let x = randomTensor([n, h, h, c], seed: 81), k = randomTensor([3, 3, c, f], seed: 82)
            let b = randomTensor([f], seed: 83), dy = randomTensor([n, h, h, f], seed: 84)
            let y = Conv2DKernels.forward(x, k, bias: b, g, relu: true, path: .oneDNN)
            let dx = Conv2DKernels.inputGradient(dy, k, g, path: .oneDNN)
            let (dk, db) = Conv2DKernels.kernelGradient(x, dy, g, bias: true, path: .oneDNN)
            let pg = try WindowGeometry(inputHeight: h, inputWidth: h, kernelHeight: 2, kernelWidth: 2, stride: (2, 2))
            let (pm, ws) = Conv2DKernels.poolingForward(y, pg, max: true)
            let (pa, _) = Conv2DKernels.poolingForward(y, pg, max: false)
            let pdy = randomTensor(pm.shape, seed: 85)
            let dm = Conv2DKernels.poolingBackward(pdy, pg, inputShape: y.shape, max: true, workspace: ws)
            let da = Conv2DKernels.poolingBackward(pdy, pg, inputShape: y.shape, max: false, workspace: nil)
            out += [y, dx, dk, db!, pm, pa, dm, da].map { $0.scalars.map(\.bitPattern) }
        }
        let a = randomTensor([32, 6272], seed: 86), w = randomTensor([6272, 512], seed: 87), g = randomTensor([32, 512], seed: 88)
        out += [GEMM.product(a, w, path: .oneDNN), GEMM.product(g, w, transposeB: true, path: .oneDNN),
                GEMM.product(a, g, transposeA: true, path: .oneDNN)].map { $0.scalars.map(\.bitPattern) }
        return out
    }

    @Test func sameBitsAtOneTwoAndFourThreads() throws {
        _ = OneDNN.version  // loads nothing new; the runtime is linked
        #expect(Threads.controlsOpenMP, "omp_set_num_threads not found: oneDNN would ignore the thread count")
        let before = Threads.count
        defer { Threads.set(before) }
        Threads.set(1)
        let one = try Self.everything()
        #expect(try Self.everything() == one)
        for n in [2, 4] {
            Threads.set(n)
            let many = try Self.everything()
            for (i, (a, b)) in zip(one, many).enumerated() where a != b {
                let differing = zip(a, b).filter { $0 != $1 }.count
                Issue.record("result \(i) differs at \(n) threads from 1 thread in \(differing) of \(a.count) elements")
            }
        }
    }
}

/// The plain Float loops (`PlainConv`) are the generic reference loops' own sums, reordered
/// only across independent elements: the same bits, forward, input gradient and kernel gradient.
@Suite struct PlainConvTests {
    @Test(arguments: ConvCase.all) func sameBitsAsTheGenericReference(_ t: ConvCase) throws {
        let g = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: t.kh, kernelWidth: t.kw,
                                   stride: t.stride, dilation: t.dilation, padding: t.padding)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 91), k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 92)
        let b = randomTensor([t.f], seed: 93), dy = randomTensor([t.n, g.outputHeight, g.outputWidth, t.f], seed: 94)
        #expect(PlainConv.forward(x, k, bias: b, g).scalars.map(\.bitPattern) == (try x.conv2dReference(k, bias: b, g)).scalars.map(\.bitPattern))
        #expect(PlainConv.forward(x, k, bias: nil, g).scalars.map(\.bitPattern) == (try x.conv2dReference(k, bias: nil, g)).scalars.map(\.bitPattern))
        #expect(PlainConv.inputGradient(dy, k, g).scalars.map(\.bitPattern) == (try dy.conv2dTransposeReference(k, g)).scalars.map(\.bitPattern))
        #expect(PlainConv.kernelGradient(x, dy, g).scalars.map(\.bitPattern) == (try x.conv2dKernelGradientReference(dy, g)).scalars.map(\.bitPattern))
    }
}
