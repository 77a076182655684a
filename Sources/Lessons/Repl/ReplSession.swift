import Foundation

/// What the REPL does with each entry, apart from the terminal: runs code in one interpreter
/// (seeded with a lesson's bindings up to a cell), and answers the `:` commands. The line
/// editor in front of it (`Repl`) only reads lines; tests drive this directly.
public final class ReplSession {
    public let interpreter: Interpreter
    /// Every line typed so far, so an error's line number points at the right one for its caret.
    private var typed: [String] = []

    /// How typed code is named in error locations (`repl:3:5: error: ...`).
    public static let inputName = "repl"
    /// Columns errors are wrapped to: the terminal's, else 80.
    static let width = TerminalIO.current(noPause: true).width

    /// The REPL's own commands, for `:help` and Tab.
    public static let commands: [(name: String, usage: String, help: String)] = [
        (":help", ":help [NAME]", "the commands and builtins, or one builtin's signature and use"),
        (":load", ":load FILE", "runs a lesson's cells (.md) or a file of code; its names stay"),
        (":names", ":names", "the names bound so far, with their types"),
        (":quit", ":quit", "leaves the REPL (so does Ctrl-D)"),
    ]

    /// A session with nothing bound; `load` and `save` paths are relative to `directory`.
    public init(directory: String = FileManager.default.currentDirectoryPath) {
        interpreter = Interpreter(file: Self.inputName, baseDirectory: directory, stepPresenter: TraceStepPresenter())
    }

    /// A session holding the bindings of a lesson's cells 1 through `cell` (all cells when nil),
    /// run in order as the lesson runs them; `load` and `save` paths are relative to the
    /// lesson's folder, as in its cells. Returns the session and a line saying what was run.
    public static func starting(at document: LessonDocument, cell: Int?) throws(LessonError) -> (ReplSession, String) {
        let cells = document.cells
        let last = cell ?? cells.count
        guard (cells.isEmpty && cell == nil) || (1...max(cells.count, 1)).contains(last) && !cells.isEmpty else {
            throw LessonError("\(document.name) has no cell \(last)", at: SourceLocation(file: document.path, line: 1, column: 1),
                              hint: cells.isEmpty ? "it has no cells" : "its cells are 1-\(cells.count)")
        }
        let folder = (document.path as NSString).deletingLastPathComponent
        let session = ReplSession(directory: folder.isEmpty ? "." : folder)
        var report = ""
        session.interpreter.file = document.path
        for c in cells.prefix(last) {
            do {
                try session.interpreter.run(cell: c.code, firstLine: c.codeLine)
            } catch {
                // An `error` cell is meant to fail; any other failure is worth saying.
                if !c.options.contains(.error) { report += error.rendered(sourceLines: document.lines) }
            }
        }
        session.interpreter.file = inputName
        let names = session.interpreter.environment.keys.sorted()
        report += "\(document.name): ran cells 1-\(last) of \(cells.count)"
            + (names.isEmpty ? "" : "; bound: " + names.joined(separator: ", ")) + "\n"
        return (session, report)
    }

    /// Everything Tab can complete: builtins and bound names (commands after a `:`).
    public var completionNames: [String] { Array(Builtins.table.keys) + Array(interpreter.environment.keys) }

    /// What one entry printed, and whether it asked to leave.
    public struct Reply: Equatable, Sendable {
        public var text: String
        public var quit = false
    }

    /// Runs one complete entry (see `ReplInput.Entry`): code, or a `:` command.
    public func submit(_ source: String) -> Reply {
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return Reply(text: "") }
        if trimmed.hasPrefix(":") { return command(trimmed) }
        let first = typed.count + 1
        typed += source.components(separatedBy: "\n")
        return Reply(text: run(source, file: Self.inputName, firstLine: first, lines: typed))
    }

    private func run(_ source: String, file: String, firstLine: Int, lines: [String]) -> String {
        interpreter.file = file
        defer { interpreter.file = Self.inputName }
        do {
            return try interpreter.run(cell: source, firstLine: firstLine)
        } catch {
            return interpreter.output + ErrorText.wrap(error.rendered(sourceLines: lines), width: Self.width)
        }
    }

    private func command(_ line: String) -> Reply {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ":quit", ":q", ":exit":
            return Reply(text: "", quit: true)
        case ":help", ":h":
            return Reply(text: argument.isEmpty ? helpText() : help(argument))
        case ":names":
            let env = interpreter.environment
            if env.isEmpty { return Reply(text: "no names bound yet (x = ... binds one)\n") }
            return Reply(text: env.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.typeName)" }.joined(separator: "\n") + "\n")
        case ":load":
            guard !argument.isEmpty else { return Reply(text: "usage: :load FILE (a lesson .md, or a file of cell code)\n") }
            return Reply(text: load(argument))
        default:
            let names = Self.commands.map(\.name)
            let hint = closest(parts[0], among: names).map { "did you mean '\($0)'? " } ?? ""
            return Reply(text: "unknown command '\(parts[0])' · \(hint):help lists the commands\n")
        }
    }

    /// `:help NAME`: a builtin's signature and line, a bound name's type, or a suggestion.
    func help(_ name: String) -> String {
        let name = name.hasSuffix("()") ? String(name.dropLast(2)) : name
        if let text = Builtins.help(name, width: min(Self.width, 80)) { return text + "\n" }
        if let c = Self.commands.first(where: { $0.name == name || $0.name == ":" + name }) {
            return "\(c.usage)\n  \(c.help)\n"
        }
        if let v = interpreter.environment[name] { return "\(name) is a name you bound: \(v.typeName)\n" }
        let hint = closest(name, among: Array(Builtins.table.keys)).map { " · did you mean '\($0)'?" } ?? ""
        return "no builtin called '\(name)'\(hint) · :help lists them\n"
    }

    func helpText() -> String {
        var out = "Type cell code to run it; a line with an open bracket continues on the next.\n"
        out += "Up/Down: history · Tab: complete a name · Ctrl-D: leave\n"
        out += "Ctrl-C: cancel the line, or stop a running entry at its next statement or call\n\n"
        for c in Self.commands { out += "  " + c.usage.padding(toLength: 14, withPad: " ", startingAt: 0) + c.help + "\n" }
        out += "\nBuiltins (:help NAME for one):\n"
        out += columns(Builtins.table.keys.sorted(), width: 78).map { "  " + $0 }.joined(separator: "\n") + "\n"
        return out
    }

    /// Names in as many columns as fit `width`.
    func columns(_ names: [String], width: Int) -> [String] {
        let cell = (names.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        return stride(from: 0, to: names.count, by: perRow).map { start in
            names[start..<min(start + perRow, names.count)].map { $0.padding(toLength: cell, withPad: " ", startingAt: 0) }
                .joined().replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    /// `:load FILE`: a lesson's cells in order, or a whole file as one cell; its names stay.
    func load(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if path.hasSuffix(".md") {
            let doc: LessonDocument
            do { doc = try LessonDocument(contentsOf: full) } catch { return error.description + "\n" }
            var out = ""
            for c in doc.cells {
                let printed = run(c.code, file: path, firstLine: c.codeLine, lines: doc.lines)
                if !c.options.contains(.error) { out += printed }
            }
            return out + "loaded \(doc.cells.count) cells from \(path)\n"
        }
        guard let data = FileManager.default.contents(atPath: full) else { return "\(path): no such file (or it cannot be read)\n" }
        guard let text = String(validating: data, as: UTF8.self) else { return "\(path): not UTF-8 text\n" }
        return run(text, file: path, firstLine: 1, lines: text.components(separatedBy: "\n"))
    }
}
