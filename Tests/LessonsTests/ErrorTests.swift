import Foundation
import Testing
@testable import Lessons

/// Parse and runtime errors: message, line and column.
@Suite struct ErrorTests {
    func at(_ code: String) -> (Int, Int, String, String?)? {
        guard let e = failure(code) else { return nil }
        return (e.location.line, e.location.column, e.message, e.hint)
    }

    @Test func unreadableLessonFilesSayWhy() throws {
        func message(_ path: String) -> String? {
            do { _ = try LessonDocument(contentsOf: path); return nil } catch { return error.message }
        }
        let dir = NSTemporaryDirectory() + "cnnlearn-bad-files-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let binary = dir + "/01-photo.md"
        _ = FileManager.default.createFile(atPath: binary, contents: Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00]))
        #expect(message(binary) == "is not UTF-8 text, so not a lesson (Markdown) file")
        #expect(message(dir + "/02-missing.md") == "no such lesson file")
        #expect(message(dir) == "is a folder, not a lesson file")
    }

    @Test func unknownNameSuggestsTheClosest() throws {
        let e = try #require(at("kernel = 1\nkernal + 1"))
        #expect(e.0 == 2 && e.1 == 1)
        #expect(e.2 == "unknown name 'kernal'")
        #expect(e.3 == "did you mean 'kernel'?")
        #expect(at("conv3d(1)")?.2 == "unknown function 'conv3d'")
        #expect(at("conv3d(1)")?.3 == "did you mean 'conv2d'?")
        #expect(at("frobnicate(1)")?.3?.hasPrefix("the builtins are: abs, argmax, argmin, assert_close") == true)
    }

    @Test func wrongLabelAndWrongType() throws {
        let label = try #require(at("x = [[1, 2], [3, 4]]\nconv2d(x, x, strides: 1)"))
        #expect(label.0 == 2 && label.1 == 14)
        #expect(label.2.contains("'strides'"))
        #expect(label.3?.hasPrefix("did you mean 'stride'?") == true)
        let type = try #require(at("maxpool([[1, 2], [3, 4]], size: \"2\")"))
        #expect(type.2.contains("size must be an Int or [vertical, horizontal], got String"))
        #expect(type.1 == 27)
        #expect(at("relu(1, 2)")?.2 == "relu takes 1 positional argument, got 2")
        #expect(at("conv2d(k: 1)")?.2.contains("no argument labelled 'k'") == true)
    }

    @Test func shapeMismatchNamesBothShapes() throws {
        let e = try #require(at("[[1, 2, 3]] + [[1, 2], [3, 4]]"))
        #expect(e.2.contains("1x3") && e.2.contains("2x2"))
        #expect(e.1 == 13)
        let c = try #require(at("conv2d([[1, 2], [3, 4]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]])"))
        #expect(c.2.contains("3x3") && c.2.contains("2x2"))
    }

    @Test func indexOverflowAndDivision() {
        #expect(at("[1, 2, 3][3]")?.2 == "index 3 is out of range for axis 0 with size 3")
        #expect(at("9223372036854775807 * 2")?.2.contains("integer overflow") == true)
        #expect(at("99999999999999999999")?.2.contains("does not fit in Int") == true)
        #expect(at("[4, 2] / [2, 0]")?.2.contains("division by zero") == true)
        #expect(at("[1.0] / 0") == nil)
    }

    @Test func syntaxErrorsPointAtTheirColumn() {
        #expect(at("x = (1 + 2")?.0 == 1)
        #expect(at("x = (1 + 2")?.1 == 5)
        #expect(at("1 + * 2")?.1 == 5)
        #expect(at("f(x, y: 1, 2)")?.2 == "positional argument after a labelled one")
        #expect(at("\"open")?.2.contains("string is not closed") == true)
        #expect(at("x = 1 $ 2")?.1 == 7)
        #expect(at("a b")?.2.contains("after the end of a statement") == true)
        #expect(at("[1, 2]]")?.2.contains("no matching opening bracket") == true)
        #expect(at("step x")?.2.contains("sliding-window") == true)
    }

    @Test func npyFilesMissingAndMalformed() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-npy-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/bad.npy"))
        let it = Interpreter(file: "t.md", baseDirectory: dir)
        #expect(runCell("load(\"nope.npy\")", in: it).error?.message.hasPrefix("no such file") == true)
        #expect(runCell("load(\"bad.npy\")", in: it).error?.message.hasPrefix("malformed .npy file") == true)
        #expect(runCell("save([[1, 2], [3, 4]], \"a.npy\")\nload(\"a.npy\")", in: it).output == "1 2\n3 4\n")
        #expect(runCell("save([0.5], \"f.npy\")\nload(\"f.npy\")", in: it).output == "[0.5000]\n")
    }

    @Test func imagesLoadAsExactPixelsAndSaveThroughLibpng() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-images-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let it = Interpreter(file: "t.md", baseDirectory: dir)
        // Int pixels round-trip exactly; a Float map in [0, 1] is scaled by 255.
        let ints = runCell("x = [[0, 128], [255, 7]]\nsave(x, \"x.png\")\ny = load(\"x.png\")\nshape(y)\ny[:, :, 0]", in: it)
        #expect(ints.error == nil && ints.output == "2x2x1\n  0 128\n255   7\n")
        #expect(runCell("save([[0.0, 1.0]], \"f.png\")\nload(\"f.png\")[:, :, 0]", in: it).output == "  0 255\n")
        let range = runCell("save([[0.0, -0.5]], \"g.png\")", in: it).error
        #expect(range?.message == "save: a Float image needs values in [0, 1]; -0.5000 at [0, 1] is not")
        #expect(runCell("save([[300]], \"h.png\")", in: it).error?.message == "save: pixel value 300 is outside 0...255")
        #expect(!FileManager.default.fileExists(atPath: dir + "/g.png") && !FileManager.default.fileExists(atPath: dir + "/h.png"))
        // A cut-off JPEG is one clear error naming the file.
        try Data([0xFF, 0xD8, 0xFF, 0xDB, 0x00]).write(to: URL(fileURLWithPath: dir + "/cut.jpg"))
        let cut = runCell("load(\"cut.jpg\")", in: it).error
        #expect(cut?.message.hasPrefix("cannot read the image \(dir)/cut.jpg: ") == true)
        #expect(runCell("save([[1]], \"x.jpg\")", in: it).error?.message == "save: 'x.jpg' is not a .npy or .png file")
    }

    @Test func renderedErrorHasSourceLineAndCaret() {
        let e = LessonError("unknown name 'q'", at: SourceLocation(file: "l.md", line: 2, column: 5), hint: "assign it first")
        #expect(e.rendered(sourceLines: ["a", "y = q + 1"]) == "l.md:2:5: error: unknown name 'q'\ny = q + 1\n    ^\nhint: assign it first\n")
    }
}

extension ErrorTests {
    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(at(deep)?.2.contains("nested too deeply") == true)
        #expect(at(String(repeating: "[", count: 50_000))?.2 != nil)
        #expect(at(Array(repeating: "1", count: 100_000).joined(separator: " + "))?.2.contains("nested too deeply") == true)
        #expect(at(String(repeating: "-", count: 100_000) + "1")?.2.contains("nested too deeply") == true)
        #expect(at(String(repeating: "+", count: 100_000) + "1")?.2.contains("nested too deeply") == true)
        #expect(output(Array(repeating: "1", count: 150).joined(separator: " + ")) == "150")
        #expect(output("x = [[1, 2], [3, 4]]\n" + String(repeating: "sum(", count: 20) + "x" + String(repeating: ")", count: 20)) == "10")
    }
}

extension ErrorTests {
    @Test func hugeRequestsAreErrorsNotExhaustion() {
        #expect(at("zeros([100000, 100000])")?.2.contains("over the memory budget") == true)
        #expect(at("conv2d([[1]], [[1]], padding: 100000)")?.2.contains("padding must be between 0 and 1024") == true)
        #expect(at("conv2d_transpose(ones([500, 500]), ones([3, 3]), stride: 1000)")?.2.contains("more than 16000000 values") == true)
        #expect(at("maxpool([[1]], size: 5000)")?.2.contains("size must be at most 1024") == true)
    }
}

/// "Did you mean" only for likely typos: a short name two edits away is another word.
@Suite struct SuggestionTests {
    @Test(arguments: [("abs", nil), ("log", nil), ("help", nil), ("kernal", "kernel"), ("conv3d", "conv2d"),
                      ("rleu", "relu"), ("maxpol", "maxpool"), ("strides", "stride")] as [(String, String?)])
    func suggestions(word: String, expected: String?) {
        let names = ["macs", "load", "relu", "kernel", "conv2d", "maxpool", "stride", "sum", "mean", "max"]
        #expect(closest(word, among: names) == expected)
    }
}
