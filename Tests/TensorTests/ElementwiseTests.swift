import Testing
@testable import Tensor

@Suite struct ElementwiseTests {
    @Test func broadcastsTrailingAxes() throws {
        let a = try Tensor<Int>(rows: [[1], [2], [3]])          // 3x1
        let b = Tensor<Int>(shape: [4], scalars: [10, 20, 30, 40])
        let c = try a.adding(b)
        #expect(c.shape == [3, 4])
        #expect(c.scalars == [11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43])
        #expect(try Tensor<Int>.broadcastShape([4, 1, 3], [5, 1]) == [4, 5, 3])
    }

    @Test func fastBroadcastCasesKeepOperandOrder() throws {
        let m = try Tensor<Int>(rows: [[1, 2, 3], [4, 5, 6]])
        let row = Tensor<Int>(shape: [3], scalars: [10, 20, 30])
        #expect(try m.subtracting(row) == (try Tensor(rows: [[-9, -18, -27], [-6, -15, -24]])))
        #expect(try row.subtracting(m) == (try Tensor(rows: [[9, 18, 27], [6, 15, 24]])))
        #expect(try Tensor<Int>(scalar: 10).subtracting(m) == (try Tensor(rows: [[9, 8, 7], [6, 5, 4]])))
        #expect(try m.subtracting(Tensor(shape: [1, 1], scalars: [1])) == (try Tensor(rows: [[0, 1, 2], [3, 4, 5]])))
        #expect(throws: TensorError.self) { try m.multiplying(Tensor(scalar: Int.max)) }
    }

    @Test func incompatibleShapesNameBoth() throws {
        let a = Tensor<Int>(repeating: 1, shape: [2, 3])
        let b = Tensor<Int>(repeating: 1, shape: [4])
        #expect(throws: TensorError.shapeMismatch("cannot broadcast 2x3 with 4")) { try a.adding(b) }
    }

    @Test func intArithmeticIsChecked() throws {
        let big = Tensor<Int>(scalar: Int.max)
        #expect(throws: TensorError.self) { try big.adding(Tensor(scalar: 1)) }
        #expect(throws: TensorError.self) { try big.multiplying(Tensor(scalar: 2)) }
        #expect(throws: TensorError.self) { try Tensor<Int>(scalar: Int.min).negated() }
        #expect(try Tensor<Int>(scalar: 7).subtracting(Tensor(scalar: 10)) == Tensor(scalar: -3))
    }

    @Test func intDivisionGivesFloatAndZeroIsAnError() throws {
        let a = Tensor<Int>(shape: [3], scalars: [1, 2, 7])
        let q = try a.dividing(Tensor(scalar: 2))
        #expect(q.scalars == [0.5, 1, 3.5])
        #expect(throws: TensorError.self) { try a.dividing(Tensor(shape: [3], scalars: [1, 0, 1])) }
        let f = try Tensor<Float>(scalar: 1).dividing(Tensor(scalar: 0))
        #expect(f.scalars == [Float.infinity])
    }

    @Test func reluKeepsIntsExact() throws {
        let x = Tensor<Int>(shape: [4], scalars: [-3, 0, 2, Int.max])
        #expect(x.relu().scalars == [0, 0, 2, Int.max])
    }

    @Test func comparisonsGiveZeroOne() throws {
        let x = Tensor<Int>(shape: [3], scalars: [1, 5, 3])
        #expect(try x.compared(Tensor(scalar: 3), .greaterOrEqual).scalars == [0, 1, 1])
    }
}

@Suite struct FastElementwiseTests {
    @Test(arguments: [1, 7, 8, 1003, 200_001]) func reluAndItsGradientMatchPlainLoops(_ n: Int) {
        let x = randomTensor([n], seed: UInt64(n)).relu()   // about half exact zeros
        let g = randomTensor([n], seed: 7)
        #expect(x.scalars == x.scalars.map { Swift.max($0, 0) })
        let d = LargeArray.reluGradient(g.scalars, x.scalars)
        #expect(d == zip(g.scalars, x.scalars).map { $1 > 0 ? $0 : 0 })
    }
}
