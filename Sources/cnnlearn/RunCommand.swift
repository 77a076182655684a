import ArgumentParser
import Lessons

/// `cnnlearn run FILE`: runs any lesson file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a lesson file (any path).")

    @Argument(help: "The lesson file (Markdown with cnn cells).")
    var file: String

    @OptionGroup var display: DisplayOptions

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        let code = LessonPlayer.play(path: file, options: display.options)
        if code != 0 { throw ExitCode(code) }
    }
}
