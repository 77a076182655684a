import Testing
@testable import Tensor

@Suite struct PoolingTests {
    let x = try! Tensor<Int>(rows: [[1, 3, 2, 4], [5, 6, 1, 2], [7, 0, 9, 8], [3, 4, 1, 0]])

    @Test func maxPoolTwoByTwo() throws {
        #expect(try x.maxPool(size: (2, 2)) == (try Tensor(rows: [[6, 4], [7, 9]])))
        #expect(try x.maxPool(size: (3, 3), stride: (1, 1)) == (try Tensor(rows: [[9, 9], [9, 9]])))
    }

    @Test func paddedCellsNeverWinOnNegativeInput() throws {
        let neg = try Tensor<Int>(rows: [[-5, -2, -7], [-1, -9, -3], [-8, -6, -4]])
        // 'same' with a 2x2 window, stride 2: one padded row and column at the bottom/right.
        #expect(try neg.maxPool(size: (2, 2), padding: .same) == (try Tensor(rows: [[-1, -3], [-6, -4]])))
        // explicit padding all round: a zero would win if padded cells counted.
        let y = try neg.maxPool(size: (2, 2), stride: (1, 1), padding: .uniform(1))
        #expect(y.shape == [4, 4])
        #expect(y.scalars.allSatisfy { $0 < 0 })
        #expect(y[[0, 0]] == -5)
        #expect(throws: TensorError.self) { try neg.maxPool(size: (2, 2), padding: .uniform(2)) }
    }

    @Test func avgPoolCountsOnlyRealCells() throws {
        let neg = try Tensor<Int>(rows: [[-5, -2, -7], [-1, -9, -3], [-8, -6, -4]])
        let y = try neg.avgPool(size: (2, 2), padding: .same)
        let expected: [Float] = [-4.25, -5, -7, -4]  // (-5-2-1-9)/4, (-7-3)/2, (-8-6)/2, -4/1
        #expect(y.scalars == expected)
        #expect(try x.avgPool(size: (2, 2)).scalars == [3.75, 2.25, 3.5, 4.5])
    }

    @Test func poolsChannelsAndBatches() throws {
        let img = try Tensor.concatenate([try x.reshaped([4, 4, 1]), try x.negated().reshaped([4, 4, 1])], axis: 2)
        let y = try img.maxPool(size: (2, 2))
        #expect(y.shape == [2, 2, 2])
        #expect(y.scalars == [6, -1, 4, -1, 7, 0, 9, 0])
        let batch = try img.reshaped([1, 4, 4, 2])
        #expect(try batch.avgPool(size: (4, 4)).shape == [1, 1, 1, 2])
    }
}

@Suite struct ActivationTests {
    @Test func sigmoidAndTanhMatchDouble() throws {
        let x = Tensor<Float>(shape: [6], scalars: [-100, -3, -0.5, 0, 2, 100])
        let s = x.sigmoid(), t = x.tanh()
        for i in 0..<6 {
            let d = Double(x.scalars[i])
            #expect(abs(Double(s.scalars[i]) - 1 / (1 + Foundation.exp(-d))) < 1e-7)
            #expect(abs(Double(t.scalars[i]) - Foundation.tanh(d)) < 1e-7)
        }
    }

    @Test func softmaxIsStableAndSumsToOne() throws {
        let x = try Tensor<Float>(rows: [[1000, 1001, 1002], [-5, 0, 5]])
        let s = try x.softmax()
        let e = [Foundation.exp(-2.0), Foundation.exp(-1.0), 1.0]
        let total = e.reduce(0, +)
        for i in 0..<3 { #expect(abs(Double(s.scalars[i]) - e[i] / total) < 1e-6) }
        for row in 0..<2 { #expect(abs(s.scalars[(row * 3)..<(row * 3 + 3)].reduce(0, +) - 1) < 1e-6) }
        let cols = try x.softmax(axis: 0)
        #expect(abs(cols.scalars[0] + cols.scalars[3] - 1) < 1e-6)
    }

    @Test func dropoutIsInvertedAndSeeded() throws {
        let x = Tensor<Float>(repeating: 1, shape: [1000])
        let a = try x.dropout(rate: 0.5, seed: 42)
        let b = try x.dropout(rate: 0.5, seed: 42)
        #expect(a == b)
        #expect(a.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        let kept = a.scalars.filter { $0 == 2 }.count
        #expect(kept > 430 && kept < 570)
        #expect(try x.dropout(rate: 0.5, training: false) == x)
        #expect(try x.dropout(rate: 0.5, seed: 43) != a)
        #expect(throws: TensorError.self) { try x.dropout(rate: 1) }
        #expect(try Tensor<Int>(repeating: 3, shape: [4]).dropout(rate: 0, seed: 1).scalars == [3, 3, 3, 3])
    }

    @Test func generatorIsSplitMix64() throws {
        // First outputs of SplitMix64 seeded with 0 (the published reference values).
        var g = SeededGenerator(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
        let r = Tensor<Float>.random(shape: [100], seed: 7)
        #expect(r.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(r == Tensor<Float>.random(shape: [100], seed: 7))
    }

    @Test func crossEntropiesAsKeras() throws {
        let p = Tensor<Float>(shape: [4, 1], scalars: [0.9, 0.2, 0, 1])
        let t = Tensor<Float>(shape: [4, 1], scalars: [1, 0, 1, 1])
        let bce = try p.binaryCrossEntropy(targets: t)
        let expected = (-Foundation.log(0.9) - Foundation.log(0.8) - Foundation.log(1e-7) - Foundation.log(1 - 1e-7)) / 4
        #expect(abs(Double(bce.scalars[0]) - expected) < 1e-5)
        let z = try Tensor<Float>(rows: [[2, 1, 0], [0, 0, 0]])
        let y = try Tensor<Float>(rows: [[1, 0, 0], [0, 0, 1]])
        let cce = try z.categoricalCrossEntropyFromLogits(targets: y)
        let lse = Foundation.log(Foundation.exp(2.0) + Foundation.exp(1.0) + 1)
        #expect(abs(Double(cce.scalars[0]) - ((lse - 2) + Foundation.log(3.0)) / 2) < 1e-6)
    }
}

import Foundation

@Suite struct MaxPoolFastPathTests {
    static let cases: [((Int, Int), (Int, Int)?, Padding)] = [
        ((2, 2), nil, .valid), ((3, 3), (2, 2), .same), ((2, 3), (1, 2), .explicit(top: 1, bottom: 0, left: 2, right: 1)),
    ]

    /// Float with 8k channels takes the vector path; Int takes the plain loop. Same winners,
    /// ties included (values in -3...3 repeat often: the first cell must win in both).
    @Test(arguments: cases) func vectorPathPicksTheSameWinners(_ t: ((Int, Int), (Int, Int)?, Padding)) throws {
        let xi = randomIntTensor([2, 7, 9, 16], seed: 51, range: 3)
        let xf = xi.asFloat
        let (_, g) = try xi.poolingLayout(size: t.0, stride: t.1, padding: t.2, "maxPool")
        let slow = xi.maxPoolWithIndices(g), fast = xf.maxPoolWithIndices(g)
        #expect(fast.indices == slow.indices)
        #expect(fast.values == slow.values.asFloat)
        #expect(try xf.maxPool(size: t.0, stride: t.1, padding: t.2) == xi.maxPool(size: t.0, stride: t.1, padding: t.2).asFloat)
    }
}

/// oneDNN's pooling against the plain loops: values, and the gradients routed to the same
/// winners (max) or shared by the same real cells (average), with Keras' padding rules.
@Suite struct OneDNNPoolingTests {
    static let cases: [((Int, Int), (Int, Int)?, Padding)] = [
        ((2, 2), nil, .valid), ((3, 3), (2, 2), .same), ((2, 3), (1, 2), .explicit(top: 1, bottom: 0, left: 2, right: 1)),
        ((3, 3), (3, 3), .valid), ((2, 2), (2, 2), .same),
    ]

    @Test(arguments: cases) func matchesThePlainLoops(_ t: ((Int, Int), (Int, Int)?, Padding)) throws {
        for (n, h, w, c) in [(2, 7, 9, 16), (3, 11, 10, 5), (1, 5, 5, 1)] {
            // Distinct values (a random permutation scaled): no ties, so the winner is unique.
            let count = n * h * w * c
            var generator = SeededGenerator(seed: 52)
            let values = (0..<count).shuffled(using: &generator).map { Float($0) / Float(count) - 0.5 }
            let x = Tensor<Float>(shape: [n, h, w, c], scalars: values)
            let (_, g) = try x.poolingLayout(size: t.0, stride: t.1, padding: t.2, "maxPool")
            let (plainMax, indices) = x.maxPoolWithIndices(g)
            let plainAvg = try x.avgPoolReference(g)
            let (fastMax, workspace) = Conv2DKernels.poolingForward(x, g, max: true)
            let (fastAvg, _) = Conv2DKernels.poolingForward(x, g, max: false)
            #expect(fastMax == plainMax)
            #expect(maxAbsDifference(fastAvg.scalars, plainAvg.scalars.map(Double.init)) < 1e-6)
            let dy = randomTensor(plainMax.shape, seed: 53)
            let plainDMax = Tensor<Float>.maxPoolGradient(dy, indices: indices, inputShape: x.shape)
            let fastDMax = Conv2DKernels.poolingBackward(dy, g, inputShape: x.shape, max: true, workspace: workspace)
            #expect(maxAbsDifference(fastDMax.scalars, plainDMax.scalars.map(Double.init)) < 1e-6)
            let plainDAvg = Tensor<Float>.avgPoolGradient(dy, g, inputShape: x.shape)
            let fastDAvg = Conv2DKernels.poolingBackward(dy, g, inputShape: x.shape, max: false, workspace: nil)
            #expect(maxAbsDifference(fastDAvg.scalars, plainDAvg.scalars.map(Double.init)) < 1e-6)
        }
    }
}
