import ArgumentParser
import Foundation
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

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        let library = try location.library()
        let entry: LessonLibrary.Entry
        do {
            entry = try library.find(name)
            if let note = library.renumberingNote(for: name) { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        } catch {
            throw LessonCommandError(error)
        }
        var options = display.options
        // The last page names the lesson after this one.
        let entries = library.entries()
        if let i = entries.firstIndex(of: entry), i + 1 < entries.count {
            let next = entries[i + 1]
            options.nextLesson = "\(next.number < 10 ? "0" : "")\(next.number) \(next.name) · \(next.title) (cnnlearn lesson \(next.name))"
        }
        let code = LessonPlayer.play(path: entry.path, options: options)
        if code != 0 { throw ExitCode(code) }
    }
}
