import ArgumentParser
import Lessons

/// `cnnlearn lesson NAME`: runs one lesson in the terminal.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Run a lesson: narrative, cells and their output, pausing after each cell in a terminal.")

    @Argument(help: "The lesson's name, number or an unambiguous prefix of its name (e.g. convolution, 1, conv).")
    var name: String

    @OptionGroup var location: LessonsLocation
    @OptionGroup var display: DisplayOptions

    func run() throws {
        let library = try location.library()
        let entry: LessonLibrary.Entry
        do {
            entry = try library.find(name)
        } catch {
            throw LessonCommandError(error)
        }
        let code = LessonPlayer.play(path: entry.path, options: display.options)
        if code != 0 { throw ExitCode(code) }
    }
}
