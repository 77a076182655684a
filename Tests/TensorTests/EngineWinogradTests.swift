import Testing
@testable import Tensor

/// The engine's own Winograd F(4x4, 3x3) (`Winograd4x3`: AVX2 tile transforms around oneDNN's
/// matrix products), which training uses for the 3x3 layers where oneDNN has no
/// Winograd (CPUs without AVX-512): held to the Double reference within
/// `Winograd4x3.tolerance` per term summed, forward (bias and ReLU fused) and all three
/// gradients (with the ReLU mask fused too), on odd sizes, channel counts that are not whole
/// vectors, outputs smaller than a tile, 'valid', 'same' and explicit padding, batch 1 and
/// batch > 1. Where the CPU cannot run the transforms, each test says so and stops.
@Suite(.serialized) struct EngineWinogradTests {
    typealias Case = WinogradTests.Case
    static let cases = [
        Case(n: 2, h: 12, w: 12, c: 16, f: 32, padding: .same),
        Case(n: 1, h: 13, w: 9, c: 24, f: 40, padding: .same),
        Case(n: 3, h: 10, w: 11, c: 16, f: 16, padding: .valid),
        Case(n: 2, h: 7, w: 7, c: 13, f: 21, padding: .same),          // lanes left over in both
        Case(n: 1, h: 3, w: 5, c: 9, f: 5, padding: .same),            // one partial tile row
        Case(n: 2, h: 9, w: 8, c: 8, f: 12, padding: .explicit(top: 2, bottom: 0, left: 1, right: 2)),
        Case(n: 1, h: 3, w: 3, c: 16, f: 16, padding: .valid),         // a 1x1 output
    ]

    static var available: Bool {
        if Winograd4x3.available { return true }
        print("notice: the engine's Winograd transforms do not run here (oneDNN dispatches to \(OneDNN.effectiveISA), "
              + "which has Winograd of its own, or the CPU lacks AVX2 + FMA); EngineWinogradTests checked nothing")
        return false
    }

    @Test(arguments: cases) func matchesDoubleReference(_ t: Case) throws {
        guard Self.available else { return }
        let g = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: 3, kernelWidth: 3, padding: t.padding)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 201), k = randomTensor([3, 3, t.c, t.f], seed: 202)
        let b = randomTensor([t.f], seed: 203), dy = randomTensor([t.n, g.outputHeight, g.outputWidth, t.f], seed: 204)
        let y = Conv2DKernels.forward(x, k, bias: b, g, relu: true, path: .engineWinograd)
        let forwardTolerance = Winograd4x3.tolerance * Double(9 * t.c + 1)
        let reference = DoubleReference.conv2d(x, k, bias: b, g)
        #expect(y.shape == [t.n, g.outputHeight, g.outputWidth, t.f])
        #expect(maxAbsDifference(y.scalars, reference.map { Swift.max($0, 0) }) < forwardTolerance)
        #expect(forwardTolerance < 1e-3)   // values are of order 1 to 10: a wrong one cannot pass
        let plain = Conv2DKernels.forward(x, k, bias: nil, g, path: .engineWinograd)
        let noBias = DoubleReference.conv2d(x, k, bias: nil, g)
        #expect(maxAbsDifference(plain.scalars, noBias) < forwardTolerance)

        let d = Conv2DKernels.backward(x, dy, k, g, input: true, kernel: true, bias: true, path: .engineWinograd)
        let slowX = try dy.conv2dTransposeReference(k, g), slowK = try x.conv2dKernelGradientReference(dy, g)
        let pixels = t.n * g.outputHeight * g.outputWidth
        var slowBias = [Double](repeating: 0, count: t.f)
        for (i, v) in dy.scalars.enumerated() { slowBias[i % t.f] += Double(v) }
        #expect(d.input?.shape == x.shape && d.kernel?.shape == k.shape)
        #expect(maxAbsDifference(d.input?.scalars ?? [], slowX.scalars.map(Double.init)) < Winograd4x3.tolerance * Double(9 * t.f))
        #expect(maxAbsDifference(d.kernel?.scalars ?? [], slowK.scalars.map(Double.init)) < Winograd4x3.tolerance * Double(pixels))
        #expect(maxAbsDifference(d.bias?.scalars ?? [], slowBias) < 1e-6 * Double(pixels))

        // With the ReLU's output: dy is masked where y <= 0, as LargeArray.reluGradient does.
        let masked = Tensor(shape: dy.shape, scalars: LargeArray.reluGradient(dy.scalars, y.scalars))
        let r = Conv2DKernels.backward(x, dy, k, g, input: true, kernel: true, bias: true, reluOutput: y, path: .engineWinograd)
        let m = Conv2DKernels.backward(x, masked, k, g, input: true, kernel: true, bias: true, path: .engineWinograd)
        #expect(r.input?.scalars.map(\.bitPattern) == m.input?.scalars.map(\.bitPattern))
        #expect(r.kernel?.scalars.map(\.bitPattern) == m.kernel?.scalars.map(\.bitPattern))
        #expect(r.bias?.scalars.map(\.bitPattern) == m.bias?.scalars.map(\.bitPattern))
        let maskedX = try masked.conv2dTransposeReference(k, g)
        #expect(maxAbsDifference(r.input?.scalars ?? [], maskedX.scalars.map(Double.init)) < Winograd4x3.tolerance * Double(9 * t.f))
        #expect(masked.scalars != dy.scalars || t.f < 8)

        // Only what is asked for is computed, with the same bits.
        let only = Conv2DKernels.backward(x, dy, k, g, input: false, kernel: true, bias: false, path: .engineWinograd)
        #expect(only.input == nil && only.bias == nil)
        #expect(only.kernel?.scalars.map(\.bitPattern) == d.kernel?.scalars.map(\.bitPattern))
        let dataOnly = Conv2DKernels.backward(x, dy, k, g, input: true, kernel: false, bias: false, path: .engineWinograd)
        #expect(dataOnly.input?.scalars.map(\.bitPattern) == d.input?.scalars.map(\.bitPattern))
    }

    /// The automatic path takes the engine's Winograd for the tutorial model's conv_2 to conv_4
    /// at both input sizes, and not for conv_1 (three channels) or other kernels and strides.
    @Test func whichShapesItTakes() throws {
        guard Self.available else { return }
        func suits(_ h: Int, _ c: Int, _ f: Int, kernel: Int = 3, stride: Int = 1, dilation: Int = 1) throws -> Bool {
            let g = try WindowGeometry(inputHeight: h, inputWidth: h, kernelHeight: kernel, kernelWidth: kernel,
                                       stride: (stride, stride), dilation: (dilation, dilation), padding: .same)
            return Winograd4x3.suits(OneDNN.Convolution(n: 32, c: c, f: f, g: g))
        }
        #expect(try suits(75, 32, 64) && suits(37, 64, 128) && suits(18, 128, 128))
        #expect(try suits(14, 32, 64) && suits(7, 64, 128) && suits(3, 128, 128))
        #expect(try !suits(150, 3, 32))
        #expect(try !suits(75, 32, 64, kernel: 5))
        #expect(try !suits(75, 32, 64, stride: 2))
        #expect(try !suits(75, 32, 64, dilation: 2))
        // Buffers over the memory budget: the direct kernels instead (conv_2 at 150x150x3 needs
        // 36 x 32 x 19 x 19 tiles x 64 filters x 4 bytes, 106 MB).
        let g = try WindowGeometry(inputHeight: 75, inputWidth: 75, kernelHeight: 3, kernelWidth: 3, padding: .same)
        let conv2 = OneDNN.Convolution(n: 32, c: 32, f: 64, g: g)
        #expect(Winograd4x3.largestBuffer(conv2) == 36 * 32 * 19 * 19 * 64 * 4)
        MemoryBudget.$scoped.withValue(100 << 20) { #expect(!Winograd4x3.suits(conv2)) }
        MemoryBudget.$scoped.withValue(107 << 20) { #expect(Winograd4x3.suits(conv2)) }
    }

    /// The same bits run after run and at one thread and at two: every tile row is computed in
    /// a fixed order, and each of the 36 products is one single-threaded oneDNN sgemm.
    @Test func sameBitsRunAfterRunAndAcrossThreads() throws {
        guard Self.available else { return }
        let g = try WindowGeometry(inputHeight: 37, inputWidth: 37, kernelHeight: 3, kernelWidth: 3, padding: .same)
        let x = randomTensor([4, 37, 37, 64], seed: 211), k = randomTensor([3, 3, 64, 128], seed: 212)
        let b = randomTensor([128], seed: 213), dy = randomTensor([4, 37, 37, 128], seed: 214)
        func all() -> [[UInt32]] {
            let y = Conv2DKernels.forward(x, k, bias: b, g, relu: true, path: .engineWinograd)
            let d = Conv2DKernels.backward(x, dy, k, g, input: true, kernel: true, bias: true, reluOutput: y, path: .engineWinograd)
            return [y, d.input!, d.kernel!, d.bias!].map { $0.scalars.map(\.bitPattern) }
        }
        // From one thread first as well: oneDNN's batched matmul primitive, made at one thread
        // and run at two, gave other bits (see `OneDNN.batchedMatmul`).
        expectSameBitsRunAfterRunAndAt([1, 2], all)
        expectSameBitsRunAfterRunAndAt([2, 1], startingAt: 1, all)
    }
}
