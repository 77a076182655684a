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
