import Foundation
import Testing
@testable import Lessons

/// The normative core of the cell language, through the interpreter's printed output.
@Suite struct LanguageTests {
    @Test func largeTensorsPrintTheirEdgesLikeNumpy() {
        let big = output("reshape(ones([30 * 30]), [30, 30]) * 2")
        let lines = big.components(separatedBy: "\n")
        #expect(lines.first == "Int tensor 30x30, shortened:")
        #expect(lines.count == 1 + 3 + 1 + 3)
        #expect(lines[1] == "2 2 2 ... 2 2 2" && lines[4] == "...")
        // Only the last columns are cut when a row would pass 71 characters.
        let wide = output("random([2, 12], seed: 1)").components(separatedBy: "\n")
        #expect(wide[0] == "Float tensor 2x12, shortened:" && wide.count == 3 && wide[1].contains(" ... "))
        #expect(output("zeros([30])") == "[0, 0, 0, ..., 0, 0, 0]")
        // Channels beyond eight: the first and last three.
        let volume = output("zeros([2, 2, 10])")
        #expect(volume.contains("channel 2:") && !volume.contains("channel 3:") && volume.contains("channel 7:"))
        #expect(output("[[1, 2], [3, 4]]") == "1 2\n3 4")
    }

    @Test func printLaysMatricesSideBySide() {
        #expect(output("print([[1, 2], [3, 4]], \"+\", [[10, 0], [0, 10]])") == "1 2  +  10  0\n3 4      0 10")
        #expect(output("print(\"a\", 1, 2.5)") == "a 1 2.5000")
    }

    @Test func floorAndCeilGiveExactInts() {
        #expect(output("floor((6 - 3) / 2) + 1") == "2")
        #expect(output("ceil(7 / 2)") == "4")
        #expect(output("floor([-1.5, 2.0, 2.5])") == "[-2, 2, 2]")
        #expect(output("floor(7)") == "7")
        #expect(failure("floor(1e30)")?.message.contains("has no Int value") == true)
    }

    @Test func integersStayExactAndDecimalsAreFloat() {
        #expect(output("2 + 3 * 4") == "14")
        #expect(output("(2 + 3) * 4") == "20")
        #expect(output("7 / 2") == "3.5000")
        #expect(output("1.5e1") == "15.0000")
        #expect(output("-3 - -4") == "1")
    }

    @Test func assignmentsPersistAndExpressionStatementsPrint() {
        #expect(output("a = 2\nb = a * a\nb\nb + 1") == "4\n5")
        #expect(output("x = 3") == "")
    }

    @Test func commentsAndMultiLineBrackets() {
        let code = """
        # a comment line
        x = [[1, 2],   # first row
             [3, 4]]
        x
        """
        #expect(output(code) == "1 2\n3 4")
    }

    @Test func nestedListsAreTensorsAndOneDecimalMakesFloat() {
        #expect(output("shape([[1, 0], [0, 1]])") == "2x2")
        #expect(output("[[1, 0], [0, 1.5]]") == "1.0000 0.0000\n0.0000 1.5000")
        #expect(output("[1, 2, 3]") == "[1, 2, 3]")
        #expect(output("[\"a\", 1]") == "[\"a\", 1]")
        #expect(output("true") == "true")
        #expect(output("\"hello\"") == "hello")
    }

    @Test func broadcastingWithNumbersAndRows() {
        #expect(output("[[1, 2], [3, 4]] * 10") == "10 20\n30 40")
        #expect(output("[[1, 2], [3, 4]] + [100, 200]") == "101 202\n103 204")
        #expect(output("2 - [1, 2]") == "[1, 0]")
        #expect(output("-[[1, -2]]") == "-1  2")
        #expect(output("[2, 4] / [4, 4]") == "[0.5000, 1.0000]")
    }

    @Test func matrixProduct() {
        #expect(output("[[1, 2], [3, 4]] @ [[5, 6], [7, 8]]") == "19 22\n43 50")
        #expect(output("[[1.0, 2.0]] @ [[1.0], [1.0]]") == "3.0000")
    }

    @Test func indexingAndSlicingFollowPython() {
        let x = "x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\n"
        #expect(output(x + "x[1]") == "[4, 5, 6]")
        #expect(output(x + "x[-1, -1]") == "9")
        #expect(output(x + "x[0:2, 1:3]") == "2 3\n5 6")
        #expect(output(x + "x[:, 0]") == "[1, 4, 7]")
        #expect(output(x + "x[::2, ::-1]") == "3 2 1\n9 8 7")
        #expect(output("shape([[[1, 2]], [[3, 4]]])[2]") == "2")
    }

    @Test func rank3PrintsChannelByChannel() {
        let code = "x = reshape([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])\nx"
        #expect(output(code) == "channel 0:\n1 3\n5 7\n\nchannel 1:\n2 4\n6 8")
    }

    @Test func intColumnsAreRightAligned() {
        #expect(output("[[1, -20], [300, 4]]") == "  1 -20\n300   4")
    }

    @Test func decimalsAreSettable() {
        #expect(output("decimals(2)\n1 / 3") == "0.33")
        #expect(output("print(\"x is\", 1 / 4)") == "x is 0.2500")
    }

    @Test func convolutionBuiltinsOnTheTutorialExample() {
        let setup = "x = [[1,1,1,0,0],[0,1,1,1,0],[0,0,1,1,1],[0,0,1,1,0],[0,1,1,0,0]]\nk = [[1,0,1],[0,1,0],[1,0,1]]\n"
        #expect(output(setup + "conv2d(x, k)") == "4 3 4\n2 4 3\n2 3 4")
        #expect(output(setup + "shape(conv2d(x, k, padding: \"same\"))") == "5x5")
        #expect(output(setup + "conv2d(x, k, stride: 2)") == "4 4\n2 4")
        #expect(output(setup + "shape(conv2d(x, k, padding: 1, stride: [1, 2]))") == "5x3")
        #expect(output(setup + "maxpool(x, size: 2)") == "1 1\n0 1")
        #expect(output(setup + "sum(x)") == "13")
    }

    @Test func activationsAndReductions() {
        #expect(output("relu([[-1, 2], [3, -4]])") == "0 2\n3 0")
        #expect(output("sigmoid(0)") == "0.5000")
        #expect(output("softmax([0.0, 0.0])") == "[0.5000, 0.5000]")
        #expect(output("max([[1, 9], [3, 4]], axis: 0)") == "[3, 9]")
        #expect(output("mean([1, 2])") == "1.5000")
        #expect(output("dropout([1.0, 1.0], rate: 0.5, training: false)") == "[1.0000, 1.0000]")
        #expect(output("flatten([[1, 2], [3, 4]])") == "[1, 2, 3, 4]")
        #expect(output("transpose([[1, 2], [3, 4]])") == "1 3\n2 4")
        #expect(output("pad([[5]], 1)") == "0 0 0\n0 5 0\n0 0 0")
        #expect(output("zeros([2, 2]) + ones([2])") == "1 1\n1 1")
    }

    @Test func randomIsSeeded() {
        #expect(output("random([3], seed: 7)") == output("random([3], seed: 7)"))
        #expect(output("random([3], seed: 7)") != output("random([3], seed: 8)"))
    }

    @Test func assertions() {
        #expect(output("assert_equal([1, 2], [1, 2])") == "")
        #expect(output("assert_close([1.0, 2.0], [1.0, 2.001], 0.01)") == "")
        let e = failure("assert_equal([[1, 2], [3, 4]], [[1, 2], [3, 5]])")
        #expect(e?.message.contains("[1, 1]") == true)
        #expect(e?.message.contains("4 vs 5") == true)
        #expect(failure("assert_close([1.0], [2.0], 0.1)")?.message.contains("[0]") == true)
    }
}

/// abs, sqrt, exp, log, round, clip, min and argmin: exact Ints where the answer is one, and
/// an error (never a NaN) where there is no answer.
@Suite struct MathBuiltinTests {
    @Test(arguments: [
        ("abs([[-3, 2], [5, -7]])", "3 2\n5 7"),
        ("abs(-2.5)", "2.5000"),
        ("min([[-3, 2], [5, -7]])", "-7"),
        ("min([[-3, 2], [5, -7]], axis: 0)", "[-3, -7]"),
        ("min([[1.5, -2.0], [0.5, 3.0]], axis: 1)", "[-2.0000, 0.5000]"),
        ("argmin([[-3, 2], [5, -7]])", "3"),
        ("argmin([4, 1, 1])", "1"),
        ("clip([[-3, 2], [5, -7]], -2, 3)", "-2  2\n 3 -2"),
        ("clip([0.5, 2.0], 0, 1)", "[0.5000, 1.0000]"),
        ("round([0.5, 1.5, -2.5, 2.4])", "[0, 2, -2, 2]"),
        ("sqrt([4.0, 9])", "[2.0000, 3.0000]"),
        ("exp(0)", "1.0000"),
        ("log([1.0])", "[0.0000]"),
    ])
    func values(code: String, expected: String) {
        #expect(output(code) == expected)
    }

    @Test func noAnswerIsAnError() {
        #expect(failure("log([1.0, 0.0])")?.message == "log: 0.0 is not above 0 at [1]")
        #expect(failure("sqrt(-1)")?.message == "sqrt: -1.0 is negative")
        #expect(failure("clip([1], 3, 2)")?.message == "clip: low (3) is above high (2)")
        #expect(failure("min(zeros([0]))") != nil)
    }
}

@Suite struct SaveVolumeTests {
    @Test func fourChannelsSayTheyAreRGBA() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-save-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let it = Interpreter(file: "t.md", baseDirectory: dir)
        let r = runCell("v = random([4, 4, 4], seed: 1)\nsave(v, \"vol.png\")\nsave(v[:, :, 0], \"one.png\")", in: it)
        #expect(r.error == nil)
        #expect(r.output == "save: wrote vol.png as RGBA, channel 3 as transparency; 4 feature maps may look blank: save(x[:, :, 0], \"vol.png\") saves one, save(normalize(grid(x)), \"vol.png\") all four\n")
        #expect(FileManager.default.fileExists(atPath: dir + "/vol.png"))
    }
}

@Suite struct PictureBuiltinTests {
    @Test func upscaleNormalizeAndHelp() {
        #expect(output("upscale([[1, 2], [3, 4]], 2)") == "1 1 2 2\n1 1 2 2\n3 3 4 4\n3 3 4 4")
        #expect(output("shape(upscale(zeros([2, 3, 4]), 3))") == "6x9x4")
        #expect(output("normalize([[1, 2], [3, 4]])") == "0.0000 0.3333\n0.6667 1.0000")
        #expect(output("normalize(ones([2]))") == "[0.0000, 0.0000]")
        #expect(output("help(upscale)") == "upscale(x, n)\n  every value of a map HxW(xC) repeated into an n x n block, so a small map is visible")
        #expect(output("help(\"abs\")").hasPrefix("abs(x)\n"))
        #expect(failure("help(convd)")?.hint == "did you mean 'conv2d'?")
        #expect(failure("upscale([[1]], 0)")?.message == "upscale: the scale must be at least 1, got 0")
    }

    @Test func saveScalesAPNG() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-scale-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let it = Interpreter(file: "t.md", baseDirectory: dir)
        let r = runCell("save([[0, 255], [255, 0]], \"m.png\", scale: 8)\nshape(load(\"m.png\"))", in: it)
        #expect(r.error == nil)
        #expect(r.output == "16x16x1\n")
        #expect(runCell("save([[1]], \"m.npy\", scale: 2)", in: it).error?.message == "save: scale: is for PNG images, not .npy arrays")
    }
}

@Suite struct PowerTests {
    @Test(arguments: [("2 ** 10", "1024"), ("[1, 2, 3] ** 2", "[1, 4, 9]"), ("-2 ** 2", "-4"), ("2 ** -1", "0.5000"),
                      ("2 ** 3 ** 2", "512"), ("[4.0, 9.0] ** 0.5", "[2.0000, 3.0000]"), ("3 * 2 ** 2", "12")])
    func values(code: String, expected: String) {
        #expect(output(code) == expected)
    }

    @Test func errorsAndGradient() {
        #expect(failure("10 ** 30")?.message == "integer overflow: 10 ** 30 does not fit in an Int")
        #expect(failure("(-8.0) ** 0.5")?.message == "-8.0 ** 0.5 is not a number (a negative base needs a whole exponent)")
        #expect(failure("[1, 2] ** [1, 2]")?.message == "'**' needs a number as the exponent, got a tensor of shape 2")
        // d/dx sum(x^3) = 3x^2, as the tape's products give it.
        #expect(output("x = [1.0, 2.0, 3.0]\ngrad(sum(x ** 3), x)") == "[3.0000, 12.0000, 27.0000]")
        #expect(failure("x = [1.0]\ngrad(sum(x ** 0.5), x)")?.message == "grad follows '**' only to a whole constant power from 1 to 16")
    }
}

@Suite struct SeveralAxesTests {
    static let v = "v = reshape([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2])\n"

    @Test(arguments: [("sum(v, axis: [0, 1])", "[36, 42]"), ("mean(v, axis: [0, 1])", "[6.0000, 7.0000]"),
                      ("max(v, axis: [0, 2])", "[8, 10, 12]"), ("min(v, axis: [1, -1])", "[1, 7]"),
                      ("sum(v, axis: [0, 1, 2])", "78")])
    func reductions(code: String, expected: String) {
        #expect(output(Self.v + code) == expected)
    }

    @Test func mistakes() {
        #expect(failure(Self.v + "sum(v, axis: [0, 0])")?.message == "sum: axis 0 is given twice")
        #expect(failure(Self.v + "sum(v, axis: [3])")?.message == "sum: axis 3 is out of range for a tensor of rank 3")
        #expect(failure(Self.v + "argmax(v, axis: [0, 1])") != nil)
    }
}

@Suite struct CombineTests {
    static let ab = "a = [[1, 2], [3, 4]]\nb = [[5, 6]]\n"

    @Test(arguments: [("concat(a, b)", "1 2\n3 4\n5 6"), ("concat(a, a * 1.5, axis: 1)", "1.0000 2.0000 1.5000 3.0000\n3.0000 4.0000 4.5000 6.0000"),
                      ("shape(stack(a, a, axis: 2))", "2x2x2"), ("shape(stack(b, b))", "2x1x2"),
                      ("grid(a, a * 2)", "1 2 0 2 4\n3 4 0 6 8"), ("grid(stack(a, a * 10, axis: 2), gap: 0)", " 1  2 10 20\n 3  4 30 40"),
                      ("shape(grid(zeros([4, 4, 3]), ones([4, 4, 3])))", "4x9x3")])
    func combines(code: String, expected: String) {
        #expect(output(Self.ab + code) == expected)
    }

    @Test func shapesMustFit() {
        #expect(failure(Self.ab + "stack(a, b)")?.message == "stack: argument 1 has shape 2x2 but argument 2 has 1x2")
        #expect(failure(Self.ab + "grid(a, b)")?.message == "grid: map 1 is 2x2 but map 2 is 1x2")
        #expect(failure(Self.ab + "concat(a, b, axis: 1)") != nil)
    }
}
