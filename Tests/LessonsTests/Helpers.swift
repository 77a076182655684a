import Foundation
@testable import Lessons

/// Runs cell code in a fresh interpreter; returns what it printed and the error, if any.
func runCell(_ code: String, file: String = "test.md", in interpreter: Interpreter? = nil) -> (output: String, error: LessonError?) {
    let it = interpreter ?? Interpreter(file: file, baseDirectory: NSTemporaryDirectory())
    do {
        return (try it.run(cell: code, firstLine: 1), nil)
    } catch {
        return (it.output, error)
    }
}

/// The printed output of code that must succeed ("ERROR: ..." when it did not, so the
/// comparison shows what went wrong).
func output(_ code: String) -> String {
    let r = runCell(code)
    if let e = r.error { return "ERROR: \(e)" }
    return LessonRunner.normalize(r.output)
}

/// The error of code that must fail.
func failure(_ code: String) -> LessonError? { runCell(code).error }

/// The folder of this test file's fixtures.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
