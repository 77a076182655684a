import ArgumentParser
import Lessons

/// `cnnlearn repl [LESSON[:CELL]]`: an interactive prompt for the cell language, optionally
/// holding a lesson's bindings up to a cell.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "An interactive prompt for cell code, with a lesson's names up to a cell (e.g. repl convolution:5).")

    @Argument(help: ArgumentHelp("A lesson (name, number or prefix) and optionally a cell number: its cells up to that one run first.",
                                 valueName: "lesson[:cell]"))
    var start: String?

    @OptionGroup var location: LessonsLocation

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        var session = ReplSession()
        var banner = "cnnlearn repl · :help for commands and builtins · Ctrl-D leaves\n"
        if let start {
            let parts = start.split(separator: ":", maxSplits: 1).map(String.init)
            var cell: Int?
            if parts.count == 2 {
                guard let n = Int(parts[1]), n >= 1 else {
                    throw ValidationError("'\(parts[1])' is not a cell number: give LESSON or LESSON:CELL, e.g. convolution:5")
                }
                cell = n
            }
            let library = try location.library()
            do {
                let entry = try library.find(parts[0])
                let doc = try LessonDocument(contentsOf: entry.path)
                let (s, report) = try ReplSession.starting(at: doc, cell: cell)
                session = s
                banner += report
            } catch {
                throw LessonCommandError(error)
            }
        }
        let code = Repl.run(session, banner: banner)
        if code != 0 { throw ExitCode(code) }
    }
}
