import Testing
@testable import Tensor

/// The direct thin-input convolution (module CKernels) against the im2col + sgemm path
/// and the plain reference loops. On a CPU without AVX2 and FMA the direct path never runs;
/// these tests then say so and check only the other path.
@Suite struct DirectConvTests {
    static let thin = ConvCase.all.filter { $0.kh * $0.kw * $0.c <= DirectConv.maximumWindow && $0.f % 8 == 0 }

    static func geometry(_ t: ConvCase) throws -> WindowGeometry {
        try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: t.kh, kernelWidth: t.kw,
                           stride: t.stride, dilation: t.dilation, padding: t.padding)
    }

    @Test func thinCasesRunDirectlyWhereTheCPUAllows() throws {
        #expect(Self.thin.count >= 5)
        if !DirectConv.available { print("notice: this CPU has no AVX2+FMA; the direct convolution kernels are not used"); return }
        for t in Self.thin { #expect(DirectConv.applies(try Self.geometry(t), channels: t.c, filters: t.f)) }
        // Wide windows and filter counts that are not multiples of 8 keep to im2col + sgemm.
        let g = try WindowGeometry(inputHeight: 8, inputWidth: 8, kernelHeight: 3, kernelWidth: 3, stride: (1, 1),
                                   dilation: (1, 1), padding: .same)
        #expect(!DirectConv.applies(g, channels: 8, filters: 32))
        #expect(!DirectConv.applies(g, channels: 3, filters: 12))
    }

    /// Forward, with and without bias and ReLU: the direct kernel and im2col + sgemm agree
    /// within the tolerance both keep to the Double reference.
    @Test(arguments: DirectConvTests.thin) func forwardMatchesSgemmPathAndReference(_ t: ConvCase) throws {
        let g = try Self.geometry(t)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 51)
        let k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 52)
        let bias = randomTensor([t.f], seed: 53)
        let tolerance = 1e-5 * Double(t.kh * t.kw * t.c + 1)
        for b in [bias, nil] {
            let reference = DoubleReference.conv2d(x, k, bias: b, g)
            for relu in [false, true] {
                let direct = Conv2DKernels.forward(x, k, bias: b, g, relu: relu)
                let viaSgemm = Conv2DKernels.forward(x, k, bias: b, g, relu: relu, direct: false)
                let expected = relu ? reference.map { Swift.max($0, 0) } : reference
                #expect(direct.shape == viaSgemm.shape)
                #expect(maxAbsDifference(direct.scalars, expected) < tolerance)
                #expect(maxAbsDifference(viaSgemm.scalars, expected) < tolerance)
                if relu { #expect(direct.scalars.allSatisfy { $0 >= 0 && $0.sign == .plus }) }
            }
        }
    }

    /// Non-temporal stores (used for outputs of 32 MB and more) write the same bits.
    @Test(arguments: DirectConvTests.thin) func streamedOutputHasTheSameBits(_ t: ConvCase) throws {
        let g = try Self.geometry(t)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 66)
        let k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 67)
        let b = randomTensor([t.f], seed: 68)
        for relu in [false, true] {
            let cached = Conv2DKernels.forward(x, k, bias: b, g, relu: relu, direct: true, keep: nil, streamingBytes: Int.max)
            let streamed = Conv2DKernels.forward(x, k, bias: b, g, relu: relu, direct: true, keep: nil, streamingBytes: 0)
            #expect(streamed.scalars.map(\.bitPattern) == cached.scalars.map(\.bitPattern))
        }
    }

    @Test(arguments: DirectConvTests.thin) func kernelGradientMatchesReference(_ t: ConvCase) throws {
        let g = try Self.geometry(t)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 54)
        let dy = randomTensor([t.n, g.outputHeight, g.outputWidth, t.f], seed: 55)
        let slow = try x.conv2dKernelGradientReference(dy, g).scalars.map(Double.init)
        let tolerance = 1e-5 * Double(t.n * g.outputHeight * g.outputWidth)
        #expect(maxAbsDifference(Conv2DKernels.kernelGradient(x, dy, g).scalars, slow) < tolerance)
        #expect(maxAbsDifference(Conv2DKernels.kernelGradient(x, dy, g, direct: false).scalars, slow) < tolerance)
    }

    /// The first-layer forward's ReLU keep bits, and the one-pass first-layer backward (ReLU
    /// mask from those bits, bias and kernel gradients together) against the separate passes
    /// it replaces, and through the tape.
    @Test(arguments: DirectConvTests.thin) func firstLayerGradientsMatchSeparatePasses(_ t: ConvCase) throws {
        guard DirectConv.available else { print("notice: no AVX2+FMA on this CPU; direct gradients not tested"); return }
        let g = try Self.geometry(t)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 56)
        let k = randomTensor([t.kh, t.kw, t.c, t.f], seed: 57)
        let b = randomTensor([t.f], seed: 58)
        let (y, keep) = Conv2DKernels.forwardKeepingReLUMask(x, k, bias: b, g)
        #expect(y.scalars.map(\.bitPattern) == Conv2DKernels.forward(x, k, bias: b, g, relu: true).scalars.map(\.bitPattern))
        #expect(keep.count * 8 == y.count)
        for e in 0..<y.count { #expect((keep[e / 8] >> (e % 8)) & 1 == (y.scalars[e] > 0 ? 1 : 0)) }
        let dy = randomTensor(y.shape, seed: 59)
        let rows = Double(t.n * g.outputHeight * g.outputWidth)
        for relu in [true, false] {
            let (db, masked) = Conv2DKernels.biasGradient(dy, reluOutput: relu ? y : nil)
            let (dk, dbDirect) = Conv2DKernels.directGradients(x, dy, keep: relu ? keep : nil, g, bias: true)
            let slowK = try x.conv2dKernelGradientReference(masked, g).scalars.map(Double.init)
            #expect(maxAbsDifference(dk.scalars, slowK) < 1e-5 * rows)
            let sums = (0..<t.f).map { j in stride(from: j, to: masked.count, by: t.f).reduce(0.0) { $0 + Double(masked.scalars[$1]) } }
            #expect(maxAbsDifference(dbDirect?.scalars ?? [], sums) < 1e-6 * rows)
            #expect(maxAbsDifference(db.scalars, sums) < 1e-6 * rows)
            #expect(Conv2DKernels.directGradients(x, dy, keep: relu ? keep : nil, g, bias: false).bias == nil)
        }
        // On the tape: a constant input (a first layer) keeps the bits and takes the one-pass path.
        let tape = Tape()
        let (kv, bv) = (tape.variable(k), tape.variable(b))
        let out = try tape.conv2d(tape.constant(x), kv, bias: bv, stride: t.stride, padding: t.padding,
                                  dilation: t.dilation, relu: true)
        #expect(out.tensor.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
        let grads = try tape.gradients(of: out, seed: dy, wrt: [kv, bv])
        let masked = Conv2DKernels.biasGradient(dy, reluOutput: y).masked
        #expect(maxAbsDifference(grads[0].scalars, try x.conv2dKernelGradientReference(masked, g).scalars.map(Double.init)) < 1e-5 * rows)
        let sums = (0..<t.f).map { j in stride(from: j, to: masked.count, by: t.f).reduce(0.0) { $0 + Double(masked.scalars[$1]) } }
        #expect(maxAbsDifference(grads[1].scalars, sums) < 1e-6 * rows)
    }

    @Test func repeatedFirstLayerStepsGiveTheSameBits() throws {
        let x = randomTensor([4, 30, 30, 3], seed: 60)
        let k = randomTensor([3, 3, 3, 32], seed: 61), b = randomTensor([32], seed: 62)
        func run() throws -> [[UInt32]] {
            let tape = Tape()
            let (kv, bv) = (tape.variable(k), tape.variable(b))
            let y = try tape.conv2d(tape.constant(x), kv, bias: bv, padding: .same, relu: true)
            let grads = try tape.gradients(of: y, seed: randomTensor(y.shape, seed: 63), wrt: [kv, bv])
            return ([y.tensor] + grads).map { $0.scalars.map(\.bitPattern) }
        }
        let first = try run()
        for _ in 0..<3 { #expect(try run() == first) }
    }

    @Test func seedMustHaveTheOutputShape() throws {
        let tape = Tape()
        let v = tape.variable(randomTensor([2, 3], seed: 64))
        let y = try tape.relu(v)
        #expect(throws: TensorError.self) { try tape.gradients(of: y, seed: randomTensor([3, 2], seed: 65), wrt: [v]) }
        let g = try tape.gradients(of: y, seed: Tensor(repeating: 2, shape: [2, 3]), wrt: [v])
        #expect(g[0].scalars == v.tensor.scalars.map { $0 > 0 ? 2 : 0 })
    }
}

@Suite struct RunConcurrentlyTests {
    @Test func partsReturnInOrderAndKeepTheirLoopsOnTheirThread() throws {
        #expect(!Parallel.onPartThread)
        let results = runConcurrently(3) { i in (i * i, Parallel.onPartThread || Parallel.cores == 1) }
        #expect(results.map(\.0) == [0, 1, 4])
        #expect(results.allSatisfy { $0.1 })
        #expect(!Parallel.onPartThread)
        // A convolution inside a part gives the same bits whether the parts run concurrently
        // or one after another (as on one core: nested parts run in order on their thread),
        // and stays within rounding of the same convolution outside (cut into other pieces).
        let x = randomTensor([4, 20, 20, 8], seed: 70), k = randomTensor([3, 3, 8, 16], seed: 71)
        let g = try WindowGeometry(inputHeight: 20, inputWidth: 20, kernelHeight: 3, kernelWidth: 3, stride: (1, 1),
                                    dilation: (1, 1), padding: .same)
        let outside = Conv2DKernels.forward(x, k, bias: nil, g)
        let inside = runConcurrently(2) { _ in Conv2DKernels.forward(x, k, bias: nil, g) }
        let inOrder = runConcurrently(2) { _ in runConcurrently(2) { _ in Conv2DKernels.forward(x, k, bias: nil, g) } }.flatMap { $0 }
        for t in inside + inOrder {
            #expect(t.scalars.map(\.bitPattern) == inside[0].scalars.map(\.bitPattern))
            #expect(maxAbsDifference(t.scalars, outside.scalars.map(Double.init)) < 1e-5 * 73)
        }
    }
}
