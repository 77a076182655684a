import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cnnlearn repl`: reads entries, runs them in a `ReplSession`, prints what they print.
///
/// In a terminal it edits lines with libedit (`LineEditor`), keeps a history in
/// `~/.cnnlearn_history`, continues an entry over lines while a bracket is open (prompt `...`),
/// completes names on Tab; Ctrl-C cancels the line being typed, or stops a running entry
/// before its next statement or builtin call; Ctrl-D on an empty line leaves with status 0.
/// When stdin is not a terminal it reads lines plainly and prints no prompts, so a file of
/// entries can be piped in.
public enum Repl {
    public static let prompt = "cnn> "
    public static let continuationPrompt = "...  "

    public static func run(_ session: ReplSession, banner: String) -> Int32 {
        session.interpreter.interruptRequested = { LineEditor.interruptPending }
        let out = FileHandle.standardOutput
        guard isatty(STDIN_FILENO) == 1 else {
            var entry = ReplInput.Entry()
            while let line = Swift.readLine() {
                guard entry.add(line) else { continue }
                let reply = session.submit(entry.source)
                entry = ReplInput.Entry()
                out.write(Data(reply.text.utf8))
                if reply.quit { return 0 }
            }
            if !entry.isEmpty { out.write(Data(session.submit(entry.source).text.utf8)) }
            return 0
        }
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        guard let editor = LineEditor(program: "cnnlearn", historyFile: home.map { $0 + "/.cnnlearn_history" }) else {
            FileHandle.standardError.write(Data("cnnlearn repl: libedit could not set up the terminal\n".utf8))
            return 1
        }
        LineEditor.completer = { line, cursor in
            ReplInput.complete(line, cursor: cursor, names: session.completionNames,
                               commands: ReplSession.commands.map(\.name))
        }
        defer { editor.saveHistory() }
        out.write(Data(banner.utf8))
        var entry = ReplInput.Entry()
        while true {
            switch editor.readLine(prompt: entry.isEmpty ? prompt : continuationPrompt) {
            case .endOfInput:
                out.write(Data("\n".utf8))
                return 0
            case .interrupted:
                // The line (and any lines of an unfinished entry) is dropped; a new prompt follows.
                // libedit leaves the cursor after the cancelled text: mark it and start a new line.
                out.write(Data("^C\n".utf8))
                entry = ReplInput.Entry()
            case .line(let line):
                editor.remember(line)
                guard entry.add(line) else { continue }
                let source = entry.source
                entry = ReplInput.Entry()
                LineEditor.clearInterrupt()
                let reply = session.submit(source)
                // The terminal echoed ^C where the cursor was: the error starts on a line of its own.
                if LineEditor.interruptPending { out.write(Data("\n".utf8)) }
                LineEditor.clearInterrupt()
                out.write(Data(reply.text.utf8))
                if reply.quit { return 0 }
            }
        }
    }
}
