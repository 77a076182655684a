import Testing
@testable import Tensor

@Suite struct LayoutTests {
    let x = Tensor<Int>(shape: [2, 3, 4], scalars: Array(0..<24))

    @Test func transposeReversesAxes() throws {
        let t = x.transposed()
        #expect(t.shape == [4, 3, 2])
        #expect(t[[3, 1, 0]] == x[[0, 1, 3]])
        let m = try Tensor<Int>(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(m.transposed() == (try Tensor(rows: [[1, 4], [2, 5], [3, 6]])))
    }

    @Test func permuteMovesAxes() throws {
        let p = try x.permuted([1, 2, 0])
        #expect(p.shape == [3, 4, 2])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(p[[j, k, i]] == x[[i, j, k]]) } } }
        #expect(throws: TensorError.self) { try x.permuted([0, 0, 1]) }
    }

    @Test func sliceFollowsPython() throws {
        // x[1, ::-1, 1:3]
        let s = try x.slice([.index(1), .range(start: nil, end: nil, step: -1), .range(start: 1, end: 3, step: nil)])
        #expect(s.shape == [3, 2])
        #expect(s.scalars == [21, 22, 17, 18, 13, 14])
        // x[-1, -2:] with the last axis taken whole
        let t = try x.slice([.index(-1), .range(start: -2, end: nil, step: nil)])
        #expect(t.shape == [2, 4])
        #expect(t.scalars == Array(16..<24))
        // out-of-range bounds clamp; a step of 2 from 5 backwards: list(range(10))[8:-20:-3]
        let v = Tensor<Int>(shape: [10], scalars: Array(0..<10))
        #expect(try v.slice([.range(start: 8, end: -20, step: -3)]).scalars == [8, 5, 2])
        #expect(try v.slice([.range(start: 7, end: 3, step: nil)]).scalars == [])
        #expect(throws: TensorError.self) { try v.slice([.index(10)]) }
        #expect(throws: TensorError.self) { try v.slice([.range(start: nil, end: nil, step: 0)]) }
    }

    @Test func paddedPlacesTheTensor() throws {
        let m = try Tensor<Int>(rows: [[1, 2], [3, 4]])
        let p = try m.padded([(1, 0), (0, 2)], value: -1)
        #expect(p == (try Tensor(rows: [[-1, -1, -1, -1], [1, 2, -1, -1], [3, 4, -1, -1]])))
    }

    @Test func concatenateAlongAnAxis() throws {
        let a = try Tensor<Int>(rows: [[1, 2], [3, 4]])
        let b = try Tensor<Int>(rows: [[5], [6]])
        #expect(try Tensor.concatenate([a, b], axis: -1) == (try Tensor(rows: [[1, 2, 5], [3, 4, 6]])))
        #expect(try Tensor.concatenate([a, a], axis: 0).shape == [4, 2])
        #expect(throws: TensorError.self) { try Tensor.concatenate([a, b], axis: 0) }
    }

    @Test func reductionsAlongAxes() throws {
        let m = try Tensor<Int>(rows: [[1, 5, 3], [4, 2, 6]])
        #expect(try m.sum() == Tensor(scalar: 21))
        #expect(try m.sum(axis: 0).scalars == [5, 7, 9])
        #expect(try m.sum(axis: -1).scalars == [9, 12])
        #expect(try m.mean(axis: 1).scalars == [3, 4])
        #expect(try m.max(axis: 0).scalars == [4, 5, 6])
        #expect(try m.argmax(axis: 1).scalars == [1, 2])
        #expect(try m.argmax() == Tensor(scalar: 5))
        #expect(throws: TensorError.self) { try m.sum(axis: 2) }
        #expect(throws: TensorError.self) { try Tensor<Int>(repeating: Int.max, shape: [2]).sum() }
    }

    @Test func matmulIntExactAndNumpyRanks() throws {
        let a = try Tensor<Int>(rows: [[1, 2, 3], [4, 5, 6]])
        let b = try Tensor<Int>(rows: [[7, 8], [9, 10], [11, 12]])
        #expect(try a.matmul(b) == (try Tensor(rows: [[58, 64], [139, 154]])))
        let v = Tensor<Int>(shape: [3], scalars: [1, 0, -1])
        #expect(try a.matmul(v).scalars == [-2, -2])
        #expect(try v.matmul(v) == Tensor(scalar: 2))
        #expect(throws: TensorError.self) { try a.matmul(a) }
    }
}

@Suite struct EmptyTensorTests {
    @Test func emptyBatchesFlowThrough() throws {
        let x = Tensor<Float>(shape: [0, 5, 5, 2], scalars: [])
        let k = randomTensor([3, 3, 2, 4], seed: 1)
        let y = try x.conv2d(k, bias: Tensor(repeating: 1, shape: [4]), padding: .same)
        #expect(y.shape == [0, 5, 5, 4])
        #expect(try y.maxPool(size: (2, 2)).shape == [0, 2, 2, 4])
        #expect(try y.sum() == Tensor(scalar: 0))
        #expect(throws: TensorError.self) { try y.mean() }
        #expect(try y.conv2dTranspose(k, padding: .same).shape == [0, 5, 5, 2])
    }
}
