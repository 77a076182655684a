import Foundation
import Testing
@testable import Lessons

@Suite struct ReplInputTests {
    @Test(arguments: [
        ("x = 1", 0), ("x = [[1, 2],", 1), ("conv2d(x,\n  k", 1), ("f(\"(\"", 1), ("f(\")\\\"(\")", 0),
        ("x = [1,  # a comment (\n", 1), ("x)", -1), ("{[(", 3),
    ])
    func bracketDepth(source: String, depth: Int) {
        #expect(ReplInput.openBrackets(in: source) == depth)
    }

    @Test func entryContinuesWhileABracketIsOpen() {
        var e = ReplInput.Entry()
        let ready = ["x = [[1, 0],", "     [0, 1]", "    ]"].map { e.add($0) }
        #expect(ready == [false, false, true])
        #expect(e.source == "x = [[1, 0],\n     [0, 1]\n    ]")
        var c = ReplInput.Entry()
        let command = c.add(":help conv2d")
        #expect(command)
        var bad = ReplInput.Entry()
        let closed = bad.add("x)")  // too many closing: the parser says so
        #expect(closed)
    }

    let names = ["conv2d", "conv2d_transpose", "ceil", "feature_map", "flatten", "float", "x"]
    let commands = [":help", ":load", ":names", ":quit"]

    @Test func completesTheCommonContinuation() {
        let c = ReplInput.complete("y = con", cursor: 7, names: names, commands: commands)
        #expect(c.word == "con")
        #expect(c.candidates == ["conv2d", "conv2d_transpose"])
        #expect(c.insertion == "v2d")
        let f = ReplInput.complete("sum(feat", cursor: 8, names: names, commands: commands)
        #expect(f.insertion == "ure_map")
        let several = ReplInput.complete("fl", cursor: 2, names: names, commands: commands)
        #expect(several.candidates == ["flatten", "float"])
        #expect(several.insertion == "")
    }

    @Test func completesAtTheCursorNotTheEnd() {
        let c = ReplInput.complete("fea + x", cursor: 3, names: names, commands: commands)
        #expect(c.insertion == "ture_map")
    }

    @Test func completesCommandsAfterAColon() {
        let c = ReplInput.complete(":he", cursor: 3, names: names, commands: commands)
        #expect(c.insertion == "lp ")
        let arg = ReplInput.complete(":help conv2d_t", cursor: 14, names: names, commands: commands)
        #expect(arg.insertion == "ranspose")
        let none = ReplInput.complete("", cursor: 0, names: names, commands: commands)
        #expect(none.candidates.isEmpty && none.insertion.isEmpty)
    }
}

@Suite struct ReplSessionTests {
    @Test func runsCodeAndKeepsNames() {
        let s = ReplSession(directory: NSTemporaryDirectory())
        #expect(s.submit("x = [[1, 2], [3, 4]]").text == "")
        #expect(s.submit("x * 2").text == "2 4\n6 8\n")
        #expect(s.completionNames.contains("x"))
        #expect(s.completionNames.contains("conv2d"))
    }

    @Test func errorsNameTheTypedLine() {
        let s = ReplSession(directory: NSTemporaryDirectory())
        _ = s.submit("x = 1")
        let reply = s.submit("y +\n  2").text
        _ = reply
        let e = s.submit("z").text
        #expect(e.hasPrefix("repl:4:1: error: unknown name 'z'\nz\n^\n"))
    }

    @Test func helpFromTheBuiltinTable() {
        let s = ReplSession()
        #expect(s.submit(":help maxpool").text == "maxpool(x, size: k, stride: s, padding: p)\n  keeps the largest value of each window; the window moves by stride (default:\n  its size)\n")
        #expect(s.submit(":help convd").text == "no builtin called 'convd' · did you mean 'conv2d'? · :help lists them\n")
        _ = s.submit("k = ones([3, 3])")
        #expect(s.submit(":help k").text == "k is a name you bound: Int tensor 3x3\n")
        let all = s.submit(":help").text
        #expect(all.contains(":load FILE"))
        #expect(all.contains("receptive_field"))
        #expect(all.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test func everyBuiltinHasALineOfHelp() {
        let missing = Builtins.table.keys.filter { (Builtins.summaries[$0] ?? "").isEmpty }.sorted()
        #expect(missing.isEmpty, "add a line to Builtins.summaries for: \(missing.joined(separator: ", "))")
    }

    @Test func commands() {
        let s = ReplSession()
        #expect(s.submit(":quit").quit)
        #expect(s.submit(":q").quit)
        #expect(s.submit(":names").text == "no names bound yet (x = ... binds one)\n")
        #expect(s.submit(":hlep").text == "unknown command ':hlep' · did you mean ':help'? :help lists the commands\n")
        #expect(s.submit("   ").text == "")
    }

    @Test func loadRunsAFileOrALessonAndKeepsItsNames() throws {
        let dir = NSTemporaryDirectory() + "repl-load-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "a = [1, 2]\nb = a * 10\nb\n".write(toFile: dir + "/code.cnn", atomically: true, encoding: .utf8)
        try "# L\n\n```cnn\nc = 5\nc\n```\n\n```cnn error\nnope\n```\n".write(toFile: dir + "/01-l.md", atomically: true, encoding: .utf8)
        let s = ReplSession(directory: dir)
        #expect(s.submit(":load \(dir)/code.cnn").text == "[10, 20]\n")
        #expect(s.submit("b + a").text == "[11, 22]\n")
        #expect(s.submit(":load \(dir)/01-l.md").text == "5\nloaded 2 cells from \(dir)/01-l.md\n")
        #expect(s.submit("c").text == "5\n")
        #expect(s.submit(":load \(dir)/none.cnn").text == "\(dir)/none.cnn: no such file (or it cannot be read)\n")
        let bad = s.submit(":load").text
        #expect(bad.hasPrefix("usage: :load FILE"))
    }

    @Test func startsWithALessonsBindingsUpToACell() throws {
        let path = repositoryLessons + "/01-convolution.md"
        let doc = try LessonDocument(contentsOf: path)
        let (s, report) = try ReplSession.starting(at: doc, cell: 3)
        #expect(report == "convolution: ran cells 1-3 of \(doc.cells.count); bound: k, x\n")
        #expect(s.submit("conv2d(x, k)").text == "4 3 4\n2 4 3\n2 3 4\n")
        #expect(throws: LessonError.self) { try ReplSession.starting(at: doc, cell: 99) }
        let (all, _) = try ReplSession.starting(at: doc, cell: nil)
        #expect(all.interpreter.environment["feature_map"] != nil)
    }
}

/// The repository's lessons folder (two levels above this file's folder).
let repositoryLessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("lessons").path
