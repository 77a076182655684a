import ArgumentParser
import Foundation
import Lessons
import Notebook
import Tensor
import NotebookServer

/// `cnnlearn serve`: the lessons as notebooks in a browser.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the lessons as notebooks in your browser: edit and run cells, step through windows, watch training live.",
        discussion: """
        Prints a URL with a secret token (open it in a browser; nothing is opened for you). Only this \
        machine can connect unless --host is given. Every request must carry the token and name this \
        server in its Host header; cells run one at a time per page, each for at most --cell-time-limit \
        seconds. Ctrl-C stops the server.
        """)

    @Argument(help: "A lesson to open first (number or name, as `cnnlearn lesson` takes).")
    var lesson: String?

    @Option(name: .long, help: ArgumentHelp("The port to listen on (0 = any free port).", valueName: "n"))
    var port: Int = 8765

    @Option(name: .long, help: ArgumentHelp("The address to listen on. Anything but 127.0.0.1 lets other machines connect.", valueName: "address"))
    var host: String = "127.0.0.1"

    @Option(name: .customLong("cell-time-limit"), help: ArgumentHelp("Seconds a cell may run before it is stopped; 0 for no limit (default: CNNLEARN_CELL_TIME_LIMIT, else 300).", valueName: "seconds"))
    var cellTimeLimit: Double = WorkLimit.defaultSeconds

    @OptionGroup var location: LessonsLocation

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard cellTimeLimit >= 0, cellTimeLimit.isFinite else { throw ValidationError("--cell-time-limit must be 0 (no limit) or a positive number of seconds") }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".:-".contains($0) }) else {
            throw ValidationError("--host must be an address or host name such as 127.0.0.1, got '\(host)'")
        }
    }

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        let library = try location.library()
        var path = "/"
        if let lesson {
            do { path = "/lessons/\(try library.find(lesson).name)" } catch { throw LessonCommandError(error) }
        }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            FileHandle.standardError.write(Data("warning: --host \(host): other machines on the network can reach this server; the token in the URL is all that guards it\(host == "0.0.0.0" || host == "::" ? " (and any Host header is accepted)" : "")\n".utf8))
        }
        let settings = NotebookServer.Settings(host: host, port: port, cellTimeLimit: cellTimeLimit)
        let server = NotebookServer(library: library, settings: settings)
        let wildcard = host == "0.0.0.0" || host == "::"
        let shownHost = wildcard ? "127.0.0.1" : host.contains(":") ? "[\(host)]" : host
        let firstPage = path
        let failure = FailureBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { boundPort in
                    // Written unbuffered: a script reading the URL from a pipe gets it at once.
                    let text = "cnnlearn serve: \(library.entries().count) lessons at\n"
                        + "    http://\(shownHost):\(boundPort)\(firstPage)?token=\(settings.token)\n"
                        + "Open that URL in a browser. Ctrl-C stops the server.\n"
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            } catch {
                failure.set("\(error)")
            }
            done.signal()
        }
        done.wait()
        if let message = failure.message {
            let hint = message.contains("Address already in use") || message.contains("errno: 98")
                ? "\nhint: another program uses port \(port); pass --port N, or --port 0 for any free port" : ""
            throw LessonCommandError("cannot serve on \(host):\(port): \(message)\(hint)")
        }
    }
}

final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    var message: String? { lock.withLock { value } }
    func set(_ m: String) { lock.withLock { value = m } }
}

/// `cnnlearn html`: the lessons as a static site.
struct HtmlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write the lessons as self-contained HTML pages (for any static host): outputs and figures as computed, step widgets, no network at view time.",
        discussion: "The same lessons give the same bytes. Cells are shown but do not run; `cnnlearn serve` runs them.")

    @Option(name: .long, help: ArgumentHelp("Folder to write the pages into.", valueName: "dir"))
    var out: String = "site"

    @Argument(help: "Lessons to publish (default: all).")
    var lessons: [String] = []

    @OptionGroup var location: LessonsLocation

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        let library = try location.library()
        let site = StaticSite(library: library, only: lessons)
        let written: [String]
        do {
            written = try site.write(to: out)
        } catch let e as LessonError {
            throw LessonCommandError(LessonError(e.message, at: e.location, hint: e.hint).location.file + ": " + e.message + (e.hint.map { "\nhint: \($0)" } ?? ""))
        } catch {
            throw LessonCommandError("\(out): \(error)")
        }
        print("wrote \(written.count) pages to \(out)/ (open \(out)/index.html)")
    }
}
