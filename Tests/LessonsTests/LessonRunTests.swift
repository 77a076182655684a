import Foundation
import Testing
@testable import Lessons

/// A lesson run as data: each cell's outcome, as the player, the checker and the browser see it.
@Suite struct LessonRunTests {
    static let lesson = """
    # T

    ```cnn
    2 * 3
    ```

    ```output
    6
    ```

    ```cnn
    [[1, 2]] * 2
    ```

    ```output
    2 5
    ```

    ```cnn
    x = 4
    ```

    ```cnn
    nope
    ```

    ```cnn error
    x + 1
    ```

    ```cnn error
    x + nada
    ```

    ```output
    1:5: error: unknown name 'nada'
    ```

    ```cnn no-check
    x * 2
    ```

    ```output
    anything
    ```
    """

    @Test func eachCellHasTheOutcomeItEarned() throws {
        let run = LessonRun(running: try LessonDocument(text: Self.lesson, path: "t.md"))
        let o = run.outcomes
        #expect(o.count == 7)
        #expect(o[0] == .passed)
        #expect(o[1] == .mismatch(expected: "2 5", got: "2 4"))
        #expect(o[2] == .notChecked)
        guard case .error(let e) = o[3] else { Issue.record("cell 4: \(o[3])"); return }
        #expect(e.message == "unknown name 'nope'")
        #expect(e.location.line == 24 && e.location.column == 1)
        #expect(o[4] == .missingError)
        #expect(o[5] == .passed)
        #expect(o[6] == .notChecked)
        #expect((run.passed, run.failed, run.skipped) == (2, 3, 2))
        #expect(o.map(\.label) == ["passed", "mismatch", "unchecked", "error", "missing-error", "passed", "unchecked"])
    }

    @Test func onlyAMismatchIsUpdatable() {
        #expect(CellOutcome.mismatch(expected: "1", got: "2").isUpdatable)
        #expect(!CellOutcome.missingError.isUpdatable)
        #expect(!CellOutcome.error(LessonError("x", at: SourceLocation(file: "f", line: 1, column: 1))).isUpdatable)
        #expect(!CellOutcome.passed.isFailure && !CellOutcome.notChecked.isFailure)
    }

    @Test func theCheckerCountsWhatTheRunSays() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-run-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/01-t.md"
        try Self.lesson.write(toFile: file, atomically: true, encoding: .utf8)
        let report = Checker().check(paths: [file])
        #expect(report.text.hasSuffix("2 passed, 3 failed, 2 skipped\n"))
        #expect(report.text.contains("01-t.md:11: cell 2\nExpected: 2 5\nGot:      2 4\n"))
        #expect(report.text.contains("01-t.md:27: cell 5: expected an error"))
    }
}
