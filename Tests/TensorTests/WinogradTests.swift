import Testing
@testable import Tensor

/// oneDNN's Winograd convolution (F(4x4, 3x3), AVX-512 only), which training uses for the
/// 3x3 layers `suitsWinograd` picks: held to the Double reference within
/// `OneDNN.winogradTolerance` per term summed, forward (bias and ReLU fused) and all three
/// gradients, on shapes with odd sizes, 'valid' and 'same' padding, batch 1 and batch > 1.
@Suite(.serialized) struct WinogradTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let n, h, w, c, f: Int
        let padding: Padding
        var testDescription: String { "x \(n)x\(h)x\(w)x\(c) -> \(f) \(padding)" }
    }
    static let cases = [
        Case(n: 2, h: 12, w: 12, c: 32, f: 32, padding: .same),
        Case(n: 1, h: 13, w: 9, c: 48, f: 64, padding: .same),
        Case(n: 3, h: 10, w: 11, c: 32, f: 48, padding: .valid),
    ]

    /// Whether oneDNN has Winograd kernels on this CPU (within ONEDNN_MAX_CPU_ISA).
    static var available: Bool { OneDNN.effectiveISA.hasPrefix("AVX-512") }

    @Test(arguments: cases) func matchesDoubleReference(_ t: Case) throws {
        let g = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: 3, kernelWidth: 3, padding: t.padding)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 101), k = randomTensor([3, 3, t.c, t.f], seed: 102)
        let b = randomTensor([t.f], seed: 103), dy = randomTensor([t.n, g.outputHeight, g.outputWidth, t.f], seed: 104)
        let y = Conv2DKernels.forward(x, k, bias: b, g, relu: true, path: .winograd)
        let forwardTolerance = OneDNN.winogradTolerance * Double(9 * t.c + 1)
        let expected = DoubleReference.conv2d(x, k, bias: b, g).map { Swift.max($0, 0) }
        #expect(y.shape == [t.n, g.outputHeight, g.outputWidth, t.f])
        #expect(maxAbsDifference(y.scalars, expected) < forwardTolerance)
        // A tolerance that a wrong result cannot meet: values are of order 1 to 10.
        #expect(forwardTolerance < 0.05)

        let d = Conv2DKernels.backward(x, dy, k, g, input: true, kernel: true, bias: true, path: .winograd)
        let slowX = try dy.conv2dTransposeReference(k, g), slowK = try x.conv2dKernelGradientReference(dy, g)
        var slowBias = [Double](repeating: 0, count: t.f)
        for (i, v) in dy.scalars.enumerated() { slowBias[i % t.f] += Double(v) }
        let pixels = t.n * g.outputHeight * g.outputWidth
        #expect(maxAbsDifference(d.input?.scalars ?? [], slowX.scalars.map(Double.init)) < OneDNN.winogradTolerance * Double(9 * t.f))
        #expect(maxAbsDifference(d.kernel?.scalars ?? [], slowK.scalars.map(Double.init)) < OneDNN.winogradTolerance * Double(pixels))
        #expect(maxAbsDifference(d.bias?.scalars ?? [], slowBias) < OneDNN.winogradTolerance * Double(pixels))
        #expect(d.input?.shape == x.shape && d.kernel?.shape == k.shape)

        // Only what is asked for is computed.
        let only = Conv2DKernels.backward(x, dy, k, g, input: false, kernel: true, bias: false, path: .winograd)
        #expect(only.input == nil && only.bias == nil)
        #expect(only.kernel?.scalars.map(\.bitPattern) == d.kernel?.scalars.map(\.bitPattern))

        let names = OneDNN.implementations().filter { $0.contains("wino") }
        if Self.available {
            #expect(!names.isEmpty, "no Winograd primitive was made on \(OneDNN.effectiveISA)")
        } else {
            let ran = Winograd4x3.available ? "the engine's Winograd (EngineWinogradTests)" : "the direct kernels"
            print("notice: oneDNN has no Winograd kernels on \(OneDNN.effectiveISA); \(ran) ran (tested the same way)")
            #expect(names.isEmpty)
        }
    }

    /// The automatic path picks Winograd for the tutorial's conv_2 to conv_4 at 150x150x3, not for
    /// thin inputs, small outputs or other kernels.
    @Test func whichShapesSuitWinograd() throws {
        func suits(_ h: Int, _ c: Int, _ f: Int, kernel: Int = 3, stride: Int = 1) throws -> Bool {
            let g = try WindowGeometry(inputHeight: h, inputWidth: h, kernelHeight: kernel, kernelWidth: kernel,
                                       stride: (stride, stride), padding: .same)
            return OneDNN.Convolution(n: 32, c: c, f: f, g: g).suitsWinograd
        }
        #expect(try suits(75, 32, 64) && suits(37, 64, 128) && suits(18, 128, 128))
        #expect(try !suits(150, 3, 32))           // conv_1: three channels
        #expect(try !suits(14, 32, 64))           // 14x14 outputs (conv_2 at 28x28x1)
        #expect(try !suits(75, 32, 64, kernel: 5))
        #expect(try !suits(75, 32, 64, stride: 2))
        #expect(try !suits(75, 24, 64))           // not whole 16-lane blocks
    }

    /// Run after run the same bits; across thread counts Winograd's kernel gradient sums its
    /// tiles per thread, so the bits there are compared and the distance reported.
    @Test func sameBitsRunAfterRun() throws {
        let g = try WindowGeometry(inputHeight: 37, inputWidth: 37, kernelHeight: 3, kernelWidth: 3, padding: .same)
        let x = randomTensor([2, 37, 37, 64], seed: 111), k = randomTensor([3, 3, 64, 128], seed: 112)
        let b = randomTensor([128], seed: 113), dy = randomTensor([2, 37, 37, 128], seed: 114)
        func all() -> [[UInt32]] {
            let y = Conv2DKernels.forward(x, k, bias: b, g, relu: true)
            let d = Conv2DKernels.backward(x, dy, k, g, input: true, kernel: true, bias: true)
            return [y, d.input!, d.kernel!, d.bias!].map { $0.scalars.map(\.bitPattern) }
        }
        expectSameBitsRunAfterRunAndAt([1, 2], all)
    }
}
