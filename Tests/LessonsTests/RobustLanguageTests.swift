import Foundation
import Testing
import Tensor
@testable import Lessons

/// Inputs that trapped, ran away or misbehaved before (issue 15), through the cell language.
@Suite struct RobustLanguageTests {
    @Test func shapeTrapsAreErrors() throws {
        #expect(output("[1][::9223372036854775807]") == "[1]")
        #expect(output("[1, 2, 3][::-9223372036854775807]") == "[3]")
        let reshape = try #require(failure("reshape(ones([2]), [4294967296, 4294967296, 2])"))
        #expect(reshape.message.contains("too large"))
        let zero = try #require(failure("transpose(zeros([0, 4294967296, 4294967296]))"))
        #expect(zero.message.contains("too large"))
        #expect(zero.location.column == 17)
    }

    @Test func broadcastingOverTheBudgetNamesTheSize() throws {
        let e = try #require(failure("ones([4000000]) * reshape(ones([4000000]), [4000000, 1])"))
        #expect(e.message == "the broadcast of 4000000 and 4000000x1 (4000000x4000000) would need 116.4 TiB, over the memory budget of \(MemoryBudget.describe(Double(MemoryBudget.bytes)))")
        #expect(e.hint?.contains("CNNLEARN_MAX_MEMORY") == true)
        let z = try #require(failure("zeros([100000, 100000])"))
        #expect(z.message.contains("74.5 GiB") && z.message.contains("memory budget"))
    }

    @Test func nanPropagatesThroughMaxArgmaxAndMaxpoolAsInNumpy() throws {
        // numpy: np.max([1, nan, 2]) is nan, np.argmax gives the first nan's index.
        #expect(output("max([1.0, 0.0 / 0.0, 2.0])") == "nan")
        #expect(output("argmax([1.0, 0.0 / 0.0, 2.0, 0.0 / 0.0])") == "1")
        #expect(output("max([0.0 / 0.0, 1.0])") == "nan")
        #expect(output("argmax([3.0, 1.0 / 0.0, 2.0])") == "1")
        #expect(output("maxpool([[1.0, 0.0 / 0.0], [3.0, 4.0]], size: 2)") == "nan")
        #expect(output("maxpool([[0.0 / 0.0, 1.0], [3.0, 4.0]], size: 2)") == "nan")
        // Eight channels take the vector path.
        #expect(output("x = zeros([2, 2, 8]) * 1.0\ny = reshape([0.0/0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1, 1, 8])\nmax(maxpool(x + pad(y, [0, 1, 0, 1]), size: 2))").hasPrefix("nan"))
    }

    @Test func printedControlSequencesAreShownEscaped() throws {
        let esc = "\u{1b}"
        let interpreter = Interpreter(file: "t.md", baseDirectory: ".")
        // The string holds the raw bytes, as a hostile lesson file would.
        let out = try interpreter.run(cell: "print(\"a\(esc)[2Jb\(esc)]52;c;aGk=\u{7}c\u{9b}d\")", firstLine: 1)
        #expect(out == "a\\u{1b}[2Jb\\u{1b}]52;c;aGk=\\u{7}c\\u{9b}d\n")
        #expect(!out.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x9b })
        #expect(TerminalSafety.escaped("tab\tand\nnew line") == "tab\tand\nnew line")
    }

    @Test func didYouMeanOnAHugeNameIsBounded() throws {
        let name = String(repeating: "a", count: 1_000_000)
        let start = Date()
        let e = try #require(failure(name))
        #expect(e.message.hasPrefix("unknown name"))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(closest("kernal", among: ["kernel", "k"]) == "kernel")
    }

    @Test func figuresWithNanInfOrHugeValuesAreRefusedOrDrawn() throws {
        func run(_ code: String) -> LessonError? {
            runCell(code, in: Interpreter(file: "f.md", baseDirectory: ".", figures: FigureCollector())).error
        }
        #expect(run("figure(\"relu\", [[0.0 / 0.0, 1.0]])")?.message == "figure: an argument holds NaN, which a figure cannot draw")
        #expect(run("figure(\"relu\", [[1.0 / 0.0, 1.0]])")?.message.contains("an infinite value") == true)
        #expect(run("figure(\"maxpool-2x2\", [[1e20, 1.0], [2.0, 3.0]])")?.message.contains("as large as") == true)
        #expect(run("figure(\"dropout-validation-loss\", [[1.0, 0.0 / 0.0, 0.5, 0.5]], [[1.0, 0.5, 0.5, 0.5]], names: [\"a\", \"b\"])") != nil)
        // Large but placeable values draw, and an odd-sided input to the pooling figure too.
        #expect(run("figure(\"maxpool-2x2\", [[9e11, 1.0, 3.0], [2.0, 3.0, 4.0], [-8e11, 0.0, 1.0]])") == nil)
        #expect(run("figure(\"relu\", [[9e11, -8e11]])") == nil)
    }
}
