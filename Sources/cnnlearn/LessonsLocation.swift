import ArgumentParser
import Lessons

/// `--lessons DIR`: where the lessons folder is (else CNNLEARN_LESSONS, else found by walking up
/// from the current directory or the executable).
struct LessonsLocation: ParsableArguments {
    @Option(name: .customLong("lessons"), help: ArgumentHelp("The lessons folder.", valueName: "dir"))
    var folder: String?

    @Option(name: .customLong("allow-path"), help: ArgumentHelp("A folder cells may read and write besides the lesson's own (repeatable).", valueName: "dir"))
    var allowPaths: [String] = []

    func library() throws -> LessonLibrary {
        // Cells may use files under their lesson's folder and these (see FileAccess).
        FileAccess.allowed = allowPaths
        do {
            return try LessonLibrary.locate(override: folder)
        } catch {
            throw LessonCommandError("\(error.location.file): \(error.message)\nhint: \(error.hint ?? "run cnnlearn from the project folder, or pass --lessons DIR or set CNNLEARN_LESSONS")")
        }
    }
}

/// A user-facing failure: ArgumentParser prints `Error: message` and exits with status 1.
struct LessonCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ error: LessonError) {
        description = error.message + (error.hint.map { "\nhint: \($0)" } ?? "")
    }
    init(_ message: String) { description = message }
}
