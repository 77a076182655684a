import Testing
@testable import Tensor

/// The engine's own kernel gradient for thin inputs (`ThinKernelGradient`, a C kernel),
/// which training uses for the first layer: held to the reference loops within 1e-5 per term
/// summed, with odd sizes, 'same', 'valid' and uneven explicit padding, 1 to 4 channels,
/// batch 1 and batch > 1; and the same bits at 1, 2 and 3 threads.
@Suite(.serialized) struct ThinKernelGradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let n, h, w, c, k, f: Int
        let padding: Padding
        var testDescription: String { "x \(n)x\(h)x\(w)x\(c) k \(k)x\(k) -> \(f) \(padding)" }
    }
    static let cases = [
        Case(n: 2, h: 23, w: 30, c: 3, k: 3, f: 32, padding: .same),
        Case(n: 3, h: 17, w: 9, c: 1, k: 3, f: 64, padding: .valid),
        Case(n: 1, h: 12, w: 13, c: 4, k: 5, f: 32, padding: .explicit(top: 0, bottom: 3, left: 4, right: 1)),
        Case(n: 2, h: 8, w: 7, c: 2, k: 2, f: 96, padding: .explicit(top: 1, bottom: 0, left: 0, right: 1)),
    ]

    /// Swift Testing prints a test this skips, with this reason.
    static let hasVectorUnit = Testing.ConditionTrait.enabled(if: ThinKernelGradient.width > 0,
        "no AVX2 or AVX-512 here: the thin kernel gradient is not used, nothing to test")

    @Test(hasVectorUnit, arguments: cases) func matchesTheReference(_ t: Case) throws {
        let g = try WindowGeometry(inputHeight: t.h, inputWidth: t.w, kernelHeight: t.k, kernelWidth: t.k, padding: t.padding)
        let x = randomTensor([t.n, t.h, t.w, t.c], seed: 121), dy = randomTensor([t.n, g.outputHeight, g.outputWidth, t.f], seed: 122)
        #expect(ThinKernelGradient.applies(channels: t.c, filters: t.f, g))
        let got = try #require(ThinKernelGradient.compute(x, dy, g))
        let slowK = try x.conv2dKernelGradientReference(dy, g)
        var slowBias = [Double](repeating: 0, count: t.f)
        for (i, v) in dy.scalars.enumerated() { slowBias[i % t.f] += Double(v) }
        let tolerance = 1e-5 * Double(t.n * g.outputHeight * g.outputWidth)
        #expect(got.kernel.shape == [t.k, t.k, t.c, t.f] && got.bias.shape == [t.f])
        #expect(maxAbsDifference(got.kernel.scalars, slowK.scalars.map(Double.init)) < tolerance)
        #expect(maxAbsDifference(got.bias.scalars, slowBias) < tolerance)
        // Values of order 1 to 10: a wrong sum cannot hide under the tolerance.
        #expect(slowK.scalars.map { abs($0) }.max()! > 100 * Float(tolerance))
    }

    /// The fused ReLU's mask applied as dy is read gives the bits of masking first, NaN and
    /// -0 outputs included.
    @Test(hasVectorUnit) func fusedReLUMaskIsTheSameBits() throws {
        let g = try WindowGeometry(inputHeight: 11, inputWidth: 13, kernelHeight: 3, kernelWidth: 3, padding: .same)
        let x = randomTensor([2, 11, 13, 3], seed: 141), dy = randomTensor([2, 11, 13, 32], seed: 142)
        var y = randomTensor([2, 11, 13, 32], seed: 143).scalars
        y[5] = .nan; y[6] = -0.0; y[7] = 0
        let relu = Tensor(shape: dy.shape, scalars: y)
        let masked = Tensor(shape: dy.shape, scalars: LargeArray.reluGradient(dy.scalars, y))
        let fused = try #require(ThinKernelGradient.compute(x, dy, g, reluOutput: relu))
        let first = try #require(ThinKernelGradient.compute(x, masked, g))
        #expect(fused.kernel.scalars.map(\.bitPattern) == first.kernel.scalars.map(\.bitPattern))
        #expect(fused.bias.scalars.map(\.bitPattern) == first.bias.scalars.map(\.bitPattern))
        #expect(masked.scalars.filter { $0 == 0 }.count > 1000)  // the mask does something
    }

    @Test func declinesWhatItWasNotMadeFor() throws {
        let g = try WindowGeometry(inputHeight: 9, inputWidth: 9, kernelHeight: 3, kernelWidth: 3, padding: .same)
        let strided = try WindowGeometry(inputHeight: 9, inputWidth: 9, kernelHeight: 3, kernelWidth: 3, stride: (2, 2), padding: .same)
        #expect(!ThinKernelGradient.applies(channels: 5, filters: 32, g))
        #expect(!ThinKernelGradient.applies(channels: 3, filters: 24, g))
        #expect(!ThinKernelGradient.applies(channels: 3, filters: 32, strided))
    }

    @Test(hasVectorUnit) func sameBitsAtAnyThreadCount() throws {
        let g = try WindowGeometry(inputHeight: 40, inputWidth: 40, kernelHeight: 3, kernelWidth: 3, padding: .same)
        let x = randomTensor([5, 40, 40, 3], seed: 131), dy = randomTensor([5, 40, 40, 32], seed: 132)
        let before = Threads.count
        defer { Threads.set(before) }
        var results: [[UInt32]] = []
        for n in [1, 2, 3, 1] {
            Threads.set(n)
            let r = try #require(ThinKernelGradient.compute(x, dy, g))
            results.append((r.kernel.scalars + r.bias.scalars).map(\.bitPattern))
        }
        #expect(Set(results).count == 1)
        // And the automatic path uses it for such a layer (enough work for the fast kernels).
        let auto = Conv2DKernels.kernelGradient(x, dy, g, bias: true)
        #expect(auto.kernel.scalars.map(\.bitPattern) + (auto.bias?.scalars.map(\.bitPattern) ?? []) == results[0])
    }
}
