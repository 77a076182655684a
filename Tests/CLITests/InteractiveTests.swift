import Foundation
import Testing
import TestSupport

/// The lesson player and the REPL on a pseudo-terminal, driven by keys as a user presses them.
@Suite(.serialized) struct InteractiveTests {
    static let down = "\u{1B}[B", up = "\u{1B}[A", pageDown = "\u{1B}[6~", pageUp = "\u{1B}[5~"
    static let home = "\u{1B}[H", end = "\u{1B}[F", escape = "\u{1B}"

    func start(_ arguments: [String], cwd: String = repositoryRoot.path, editor: String? = nil, home: String = NSTemporaryDirectory()) throws -> PseudoTerminal {
        let exe = try #require(CLITests.executable, "cnnlearn is not built")
        var env = ["TERM": "xterm", "HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8"]
        if let editor { env["EDITOR"] = editor }
        return try PseudoTerminal(exe, arguments, cwd: cwd, environment: env)
    }

    @Test func scrollingKeysScrollAndNoneOfThemQuits() throws {
        let t = try start(["lesson", "convolution"])
        var at = try t.wait(for: "rows 1-20 of 28")
        for (key, expected) in [(Self.down, "rows 2-21 of 28"), (Self.pageDown, "rows 9-28 of 28 · end of page"),
                                (Self.up, "rows 8-27 of 28"), (Self.home, "rows 1-20 of 28"),
                                (Self.end, "rows 9-28 of 28 · end of page"), (Self.pageUp, "rows 1-20 of 28"),
                                (Self.escape, "Esc does not leave the lesson")] {
            t.type(key)
            at = try t.wait(for: expected, since: at)
            #expect(t.isRunning, "\(key.debugDescription) ended the lesson")
        }
        // Unknown keys do nothing; ? lists the keys and any key goes back.
        t.type("x%")
        t.type("?")
        at = try t.wait(for: "PgUp PgDn           scroll a screen", since: at)
        t.type("z")
        at = try t.wait(for: "1/14", since: at)
        t.type("q")
        #expect(try t.status() == 0)
    }

    @Test func goToACellAndShowTheAnswers() throws {
        let t = try start(["lesson", "convolution"])
        var at = try t.wait(for: "1/14")
        t.type("g13\r")
        at = try t.wait(for: "13/14", since: at)
        t.type("\r")
        at = try t.wait(for: "▸ Answers hidden · a: show them", since: at)
        #expect(!t.text.contains("Each cell counts the ones"))
        t.type("a")
        at = try t.wait(for: "Each cell counts the ones", since: at)
        t.type("g99\r")
        at = try t.wait(for: "no cell 99 · this lesson has cells 1-17", since: at)
        t.type("q")
        #expect(try t.status() == 0)
    }

    @Test func aWalkWaitsForEnterAndReplaysWhenComingBack() throws {
        let t = try start(["lesson", "convolution"])
        var at = try t.wait(for: "1/14")
        t.type("g8\r")
        at = try t.wait(for: "Enter: start the step-through", since: at)
        #expect(t.text.contains("step runs an operation one window at a time"))
        t.type("\r")
        at = try t.wait(for: "window 1 of 9 · output [0,0]", since: at)
        t.type("j2 1\r")
        at = try t.wait(for: "window 8 of 9 · output [2,1]", since: at)
        t.type("+")
        at = try t.wait(for: "autoplay: 300 ms a window", since: at)
        t.type("q")
        at = try t.wait(for: "Out[8]:  4 3 4", since: at)
        t.type("b\r")
        at = try t.wait(for: "Enter: start the step-through", since: at)
        t.type("\r")
        at = try t.wait(for: "window 1 of 9 · output [0,0]", since: at)
        t.type("q")
        at = try t.wait(for: "8/14", since: at)
        t.type("q")
        #expect(try t.status() == 0)
    }

    @Test func editACellRerunItAndWriteItBack() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-edit-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lesson = dir + "/01-convolution.md"
        try FileManager.default.copyItem(atPath: repositoryRoot.appendingPathComponent("lessons/01-convolution.md").path, toPath: lesson)
        // A non-interactive "editor": the box of ones becomes zeros.
        let t = try start(["lesson", "convolution", "--lessons", dir], editor: "sed -i s/ones/zeros/")
        var at = try t.wait(for: "1/14")
        t.type("g14\r")
        at = try t.wait(for: "Out[14]:", since: at)
        t.type("e")
        at = try t.wait(for: "cell 14 edited and rerun · w: write it to the lesson file", since: at)
        #expect(t.text.contains("box = zeros([3, 3])"))
        t.type(Self.end)
        at = try t.wait(for: "✗ differs from the lesson's expected output:", since: at)
        #expect(t.text.contains("+0 0 0"))
        // The file is untouched until w.
        #expect(try String(contentsOfFile: lesson, encoding: .utf8).contains("box = ones([3, 3])"))
        t.type("w")
        at = try t.wait(for: "wrote cell 14 · its output block differs · cnnlearn check --update", since: at)
        let written = try String(contentsOfFile: lesson, encoding: .utf8)
        #expect(written.contains("box = zeros([3, 3])"))
        #expect(!written.contains("box = ones([3, 3])"))
        t.type("q")
        #expect(try t.status() == 0)
    }

    @Test func editWithoutAnEditorSaysSo() throws {
        let t = try start(["lesson", "convolution"])
        var at = try t.wait(for: "1/14")
        t.type("e")
        at = try t.wait(for: "set VISUAL or EDITOR to edit a cell", since: at)
        t.type("q")
        #expect(try t.status() == 0)
    }

    @Test func replWithALessonsBindings() throws {
        let home = NSTemporaryDirectory() + "cnnlearn-repl-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let t = try start(["repl", "convolution:3"], home: home)
        var at = try t.wait(for: "convolution: ran cells 1-3 of 17; bound: k, x")
        at = try t.wait(for: "cnn> ", since: at)
        t.type("conv2d(x, k)\r")
        at = try t.wait(for: "2 3 4", since: at)
        // Tab completes a builtin; a bracket left open continues the entry.
        t.type("y = conv\t")
        at = try t.wait(for: "2d", since: at)
        t.type("(x,\r")
        at = try t.wait(for: "...  ", since: at)
        t.type("k)\r")
        at = try t.wait(for: "cnn> ", since: at)
        t.type("sum(y)\r")
        at = try t.wait(for: "29", since: at)
        at = try t.wait(for: "cnn> ", since: at)
        // Ctrl-C drops the line being typed; Up brings back the last entry.
        t.type("nonsense(")
        at = try t.wait(for: "nonsense(", since: at)
        t.type("\u{03}")
        at = try t.wait(for: "^C", since: at)
        at = try t.wait(for: "cnn> ", since: at)
        t.type(Self.up + "\r")
        at = try t.wait(for: "29", since: at)
        at = try t.wait(for: "cnn> ", since: at)
        t.type(":help relu\r")
        at = try t.wait(for: "max(x, 0) element by element", since: at)
        at = try t.wait(for: "cnn> ", since: at)
        // As a person would, a moment after the prompt: libedit draws the prompt just before
        // it puts the terminal in edit mode, and a Ctrl-D that lands in between is read in
        // the old mode (typed-ahead text is only echoed twice, but an end-of-file is lost).
        Thread.sleep(forTimeInterval: 0.3 * PseudoTerminal.timeoutScale)
        t.type("\u{04}")
        #expect(try t.status() == 0)
        let history = try String(contentsOfFile: home + "/.cnnlearn_history", encoding: .utf8)
        #expect(history.contains("sum(y)"))
    }

    @Test func ctrlCStopsARunningEntry() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-slow-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let code = ["a = random([2000, 2000])", "k = random([15, 15])"] + (0..<40).map { "b\($0) = conv2d(a, k)" }
        try code.joined(separator: "\n").write(toFile: dir + "/slow.cnn", atomically: true, encoding: .utf8)
        let t = try start(["repl"], cwd: dir, home: dir)
        var at = try t.wait(for: "cnn> ")
        t.type(":load slow.cnn\r")
        Thread.sleep(forTimeInterval: 1.5 * PseudoTerminal.timeoutScale)
        t.type("\u{03}")
        at = try t.wait(for: "error: interrupted", since: at, timeout: 30)
        at = try t.wait(for: "cnn> ", since: at)
        t.type(":quit\r")
        #expect(try t.status() == 0)
    }
}
