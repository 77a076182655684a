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
        // Thin first layers: few values per window (KH*KW*C <= 64), filters in multiples of 8,
        // run by the direct kernel (DirectConv) where the CPU has AVX2 and FMA.
        ConvCase(n: 3, h: 9, w: 8, c: 3, kh: 3, kw: 3, f: 16, stride: (2, 1), dilation: (1, 2), padding: .same),
        ConvCase(n: 1, h: 6, w: 7, c: 2, kh: 2, kw: 3, f: 8, stride: (1, 1), dilation: (1, 1), padding: .explicit(top: 0, bottom: 2, left: 1, right: 0)),
        // Thin first layers as in the tutorial model (1 and 3 channels, 32 and 40 filters).
        ConvCase(n: 3, h: 28, w: 28, c: 1, kh: 3, kw: 3, f: 32, stride: (1, 1), dilation: (1, 1), padding: .same),
        ConvCase(n: 2, h: 23, w: 30, c: 3, kh: 3, kw: 3, f: 40, stride: (1, 1), dilation: (1, 1), padding: .same),
        // Read in place with strides (2, 3) and a dilated y axis; 24 filters.
        ConvCase(n: 2, h: 10, w: 11, c: 2, kh: 3, kw: 3, f: 24, stride: (2, 3), dilation: (2, 1), padding: .same),
        // A window of 8 (2x2x2): the kernel gradient's last tile holds 2 window cells.
        ConvCase(n: 2, h: 7, w: 9, c: 2, kh: 2, kw: 2, f: 8, stride: (1, 1), dilation: (1, 1), padding: .valid),
        // The largest direct window (4x4x4 = 64), 56 filters (32 + 24), odd output width.
        ConvCase(n: 2, h: 11, w: 13, c: 4, kh: 4, kw: 4, f: 56, stride: (1, 1), dilation: (1, 1), padding: .same),
        // Large enough that sgemm splits the product across cores.
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
        let r = try x.conv2dReference(k, bias: bias, stride: t.stride, padding: t.padding, dilation: t.dilation)
        #expect(maxAbsDifference(y.scalars, r.scalars.map(Double.init)) < tolerance)
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
        let fast = Conv2DKernels.inputGradient(dy, k, g)
        let slow = try dy.conv2dTransposeReference(k, g)
        #expect(maxAbsDifference(fast.scalars, slow.scalars.map(Double.init)) < tolerance)
        // Both input-gradient paths, whatever the size: the rotated-kernel convolution
        // (stride 1, 16+ channels) and the col2im scatter.
        let flipped = Conv2DKernels.inputGradient(dy, k, g, flipMinimumColumns: 0)
        #expect(maxAbsDifference(flipped.scalars, slow.scalars.map(Double.init)) < tolerance)
        let scattered = Conv2DKernels.scatterInputGradient(dy, k, g)
        #expect(maxAbsDifference(scattered.scalars, slow.scalars.map(Double.init)) < tolerance)
        let fastK = Conv2DKernels.kernelGradient(x, dy, g)
        let slowK = try x.conv2dKernelGradientReference(dy, g)
        #expect(maxAbsDifference(fastK.scalars, slowK.scalars.map(Double.init)) < tolerance)
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

    @Test(arguments: gemmCases) func sgemmMatchesReference(_ t: (Int, Int, Int, Bool, Bool)) throws {
        let (m, n, k, ta, tb) = t
        let a = randomTensor([m * k], seed: 31), b = randomTensor([k * n], seed: 32)
        var c = [Float](repeating: 0, count: m * n)
        a.scalars.withUnsafeBufferPointer { pa in b.scalars.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            GEMM.sgemm(m: m, n: n, k: k, pa.baseAddress!, transposeA: ta, pb.baseAddress!, transposeB: tb, pc.baseAddress!)
        } } }
        let r = GEMM.reference(m: m, n: n, k: k, a.scalars, transposeA: ta, b.scalars, transposeB: tb)
        // |a|, |b| < 1: the Float sum of K products is within 1e-6 * K of the exact one here.
        #expect(maxAbsDifference(c, r) < 1e-6 * Double(k) + 1e-6)
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

@Suite struct BiasGradientTests {
    @Test(arguments: [[3, 50, 40, 16], [2, 33, 31, 5], [1, 1, 1, 8]]) func matchesDoubleSum(_ shape: [Int]) {
        let dy = randomTensor(shape, seed: 61)
        let f = shape[3]
        var expected = [Double](repeating: 0, count: f)
        for (i, v) in dy.scalars.enumerated() { expected[i % f] += Double(v) }
        let db = Conv2DKernels.biasGradient(dy)
        #expect(db.shape == [f])
        // Float runs of 256 values in [-1, 1): within 256 * 2^-24 * 2 each, far below 1e-4.
        #expect(maxAbsDifference(db.scalars, expected) < 1e-4)
    }

    /// Masking by ReLU's output in the same pass gives the bits of the two passes.
    @Test(arguments: [[3, 50, 40, 16], [2, 33, 31, 5], [1, 1, 1, 8]]) func maskedMatchesTwoPasses(_ shape: [Int]) {
        let dy = randomTensor(shape, seed: 62)
        let y = randomTensor(shape, seed: 63).relu()  // about half exact zeros
        let (db, masked) = Conv2DKernels.biasGradient(dy, reluOutput: y)
        let plain = LargeArray.reluGradient(dy.scalars, y.scalars)
        #expect(masked.shape == dy.shape)
        #expect(masked.scalars.map(\.bitPattern) == plain.map(\.bitPattern))
        let expected = Conv2DKernels.biasGradient(Tensor(shape: shape, scalars: plain))
        #expect(db.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
    }
}

@Suite struct DeterminismTests {
    @Test func repeatedRunsGiveTheSameBits() throws {
        // Large enough for the per-block threads and the split GEMMs.
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
            let fused = Conv2DKernels.forward(x, k, bias: b, g, relu: true)
            let plain = Conv2DKernels.forward(x, k, bias: b, g).relu()
            #expect(fused.scalars.map(\.bitPattern) == plain.scalars.map(\.bitPattern))
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

@Suite struct RotatedKernelTests {
    @Test(arguments: [[3, 3, 16, 32], [2, 3, 5, 7], [1, 1, 1, 1], [3, 2, 64, 128]]) func matchesPlainLoop(_ shape: [Int]) {
        let k = randomTensor(shape, seed: 71)
        let fast = Conv2DKernels.rotatedKernel(k), slow = Conv2DKernels.rotatedKernelReference(k)
        #expect(fast.shape == [shape[0], shape[1], shape[3], shape[2]])
        #expect(fast.scalars.map(\.bitPattern) == slow.scalars.map(\.bitPattern))
    }
}
