import Foundation
import Testing
@testable import Tensor

/// The one shape check and the one memory budget: every input that trapped or ran away
/// before (issue 15) now gives a `TensorError` naming the size.
@Suite struct ShapeCheckTests {
    @Test func productsAreCheckedIncludingBesideAZeroExtent() throws {
        #expect(try ShapeCheck.count([2, 3, 4]) == 24)
        #expect(try ShapeCheck.count([]) == 1)
        #expect(try ShapeCheck.count([0, 5]) == 0)
        #expect(throws: TensorError.self) { try ShapeCheck.count([4294967296, 4294967296]) }
        // Zero elements, but its strides would overflow: refused where it enters.
        #expect(throws: TensorError.self) { try ShapeCheck.count([0, 4294967296, 4294967296]) }
        #expect(throws: TensorError.self) { try ShapeCheck.count([-1, 2]) }
    }

    @Test func reshapeToAnOverflowingShapeThrows() throws {
        let t = Tensor<Int>(repeating: 1, shape: [2])
        #expect(throws: TensorError.self) { try t.reshaped([4294967296, 4294967296, 2]) }
    }

    @Test func slicesWithHugeStepsGiveWhatPythonGives() throws {
        let t = Tensor<Int>(shape: [3], scalars: [1, 2, 3])
        // Python: [1, 2, 3][::9223372036854775807] == [1]; [::-9223372036854775807] == [3].
        #expect(try t.slice([.range(start: nil, end: nil, step: Int.max)]).scalars == [1])
        #expect(try t.slice([.range(start: nil, end: nil, step: -Int.max)]).scalars == [3])
        #expect(try t.slice([.range(start: nil, end: nil, step: Int.min)]).scalars == [3])
        #expect(try t.slice([.range(start: Int.min, end: Int.max, step: 2)]).scalars == [1, 3])
        #expect(try t.slice([.range(start: Int.max, end: Int.min, step: -2)]).scalars == [3, 1])
    }

    @Test func budgetIsCheckedBeforeBroadcastingMatmulConvAndPadding() throws {
        let row = Tensor<Float>(repeating: 1, shape: [4000])
        let column = Tensor<Float>(repeating: 1, shape: [4000, 1])
        try MemoryBudget.$scoped.withValue(1 << 20) { () throws in
        do {
            _ = try row.multiplying(column)
            Issue.record("a 4000x4000 broadcast passed a 1 MiB budget")
        } catch {
            #expect(error as? TensorError == .overBudget("the broadcast of 4000 and 4000x1 (4000x4000) would need 61.0 MiB, over the memory budget of 1.0 MiB"))
        }
        #expect(throws: TensorError.self) { try column.matmul(Tensor<Float>(repeating: 1, shape: [1, 4000])) }
        let image = Tensor<Float>(repeating: 1, shape: [1, 8, 8, 1])
        let kernel = Tensor<Float>(repeating: 1, shape: [1, 1, 1, 8192])
        #expect(throws: TensorError.self) { try image.conv2d(kernel) }
        #expect(throws: TensorError.self) { try Tensor<Int>(repeating: 0, shape: [2]).padded([(before: 0, after: 1 << 20)]) }
        #expect(throws: TensorError.self) { try Tensor<Int>(repeating: 0, shape: [2]).padded([(before: Int.max, after: 1)]) }
        }
        // Under the default budget the same operations run.
        #expect(try row.multiplying(column).shape == [4000, 4000])
    }

    @Test func budgetParsesUnits() {
        #expect(MemoryBudget.parse("512M") == 512 << 20)
        #expect(MemoryBudget.parse("8G") == 8 << 30)
        #expect(MemoryBudget.parse("1000") == 1000)
        #expect(MemoryBudget.parse("4gb") == 4 << 30)
        #expect(MemoryBudget.parse("lots") == nil)
        #expect(MemoryBudget.parse("-5") == nil)
        #expect(MemoryBudget.parse("99999999999T") == nil)
    }
}
