import ArgumentParser
import Foundation
import Lessons

/// `cnnlearn check [PATHS]`: the lesson doc-tests.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run every cell of the lessons and compare with their output blocks; exit 1 on any failure, 2 when no lesson matches.")

    @Argument(help: "Lesson files or folders (default: the lessons folder).")
    var paths: [String] = []

    @Flag(help: "Rewrite the output blocks with what the cells print (atomically).")
    var update = false

    @Option(help: "Only check lessons whose file name contains this text.")
    var filter: String?

    @OptionGroup var location: LessonsLocation

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        let targets = paths.isEmpty ? [try location.library().folder] : paths
        let report = Checker(filter: filter, update: update).check(paths: targets)
        if report.nothingToCheck {
            FileHandle.standardError.write(Data(report.text.utf8))
            throw ExitCode(2)
        }
        print(report.text, terminator: "")
        if !report.ok { throw ExitCode(1) }
    }
}
