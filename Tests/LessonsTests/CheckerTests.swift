import Foundation
import Testing
@testable import Lessons

/// The checker on the folder of deliberately broken lessons and on edited copies.
@Suite struct CheckerTests {
    /// Each broken fixture and the `file:line:column: error:` (or `file:line: cell N`) it must report.
    static let expectations: [(String, String)] = [
        ("01-unknown-name.md", "01-unknown-name.md:6:15: error: unknown name 'kernal'"),
        ("02-bad-label.md", "02-bad-label.md:5:18: error: conv2d has no argument labelled 'strides'"),
        ("03-shape-mismatch.md", "03-shape-mismatch.md:5:3: error: shape mismatch: cannot broadcast 2x3 with 2x2"),
        ("04-index.md", "04-index.md:6:2: error: index 2 is out of range for axis 0 with size 2"),
        ("05-overflow.md", "05-overflow.md:6:5: error: integer overflow"),
        ("06-division.md", "06-division.md:4:8: error: division by zero"),
        ("07-npy.md", "07-npy.md:4:10: error: no such file"),
        ("07-npy.md", "07-npy.md:8:10: error: malformed .npy file"),
        ("08-syntax.md", "08-syntax.md:4:5: error: '[' is never closed"),
        ("08-syntax.md", "08-syntax.md:9:8: error: expected a value, found end of line"),
        ("09-unknown-option.md", "09-unknown-option.md:3:17: error: unknown cell option 'frobnicate'"),
        ("10-wrong-output.md", "10-wrong-output.md:3: cell 1\n--- expected\n+++ got\n@@ -1,2 +1,2 @@\n 2 4\n-6 9\n+6 8"),
        ("10-wrong-output.md", "10-wrong-output.md:12: cell 2\nExpected: 41\nGot:      42"),
        ("11-wrong-type.md", "11-wrong-type.md:5:11: error: conv2d: k must be a number or tensor, got String"),
    ]

    @Test func brokenFolderReportsEveryProblemAtItsLine() {
        let report = Checker().check(paths: [fixturesFolder + "/broken"])
        for (_, expected) in Self.expectations {
            #expect(report.text.contains(expected), "missing: \(expected)\nin:\n\(report.text)")
        }
        #expect(report.failed == 14)
        #expect(report.text.hasSuffix("0 passed, 14 failed, 0 skipped\n"))
        #expect(!report.ok)
    }

    @Test func filterPicksLessonsByFileName() {
        let report = Checker(filter: "wrong-output").check(paths: [fixturesFolder + "/broken"])
        #expect(report.failed == 2)
        #expect(report.text.hasSuffix("0 passed, 2 failed, 0 skipped\n"))
    }

    @Test func missingPathIsAnError() {
        let report = Checker().check(paths: ["/no/such/lessons"])
        #expect(!report.ok)
        #expect(report.text.contains("/no/such/lessons"))
    }

    @Test func updateRewritesOutputBlocksAtomicallyAndThenPasses() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-update-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/01-t.md"
        try "# T\n\n```cnn\n2 * 3\n```\n\n```output\n7\n```\n\n```cnn\n[[1, 2]] * 2\n```\n\nend\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!Checker().check(paths: [file]).ok)
        _ = Checker(update: true).check(paths: [file])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text == "# T\n\n```cnn\n2 * 3\n```\n\n```output\n6\n```\n\n```cnn\n[[1, 2]] * 2\n```\n\n```output\n2 4\n```\n\nend\n")
        #expect(Checker().check(paths: [file]).text == "2 passed, 0 failed, 0 skipped\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "01-t.md" }
        #expect(leftovers.isEmpty)
    }

    @Test func updateLeavesCellsThatFailedWithAnErrorAlone() throws {
        let text = "# T\n\n```cnn\nprint(1)\nnope\n```\n\n```output\nkept\n```\n"
        let doc = try LessonDocument(text: text, path: "u.md")
        #expect(LessonUpdater.updatedText(doc, results: LessonRunner(document: doc).runAll()) == text)
    }

    @Test func errorCellsMustFail() throws {
        let doc = try LessonDocument(text: "# T\n```cnn error\nnope\n```\n```output\n1:1: error: unknown name 'nope'\n```\n```cnn error\n1\n```\n", path: "e.md")
        let results = LessonRunner(document: doc).runAll()
        #expect(results[0].passed)
        #expect(!results[1].passed)
    }

    @Test func anErrorCellsMessageDoesNotDependOnItsLineInTheFile() throws {
        let cell = "```cnn error\nx = 1\nnope\n```\n```output\n2:1: error: unknown name 'nope'\n```\n"
        for above in ["", "Some text.\n\nMore text.\n\n"] {
            let doc = try LessonDocument(text: "# T\n\n" + above + cell, path: "e.md")
            #expect(LessonRunner(document: doc).runAll()[0].passed)
        }
    }

    @Test func uncheckedCellsAreCountedApart() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-skip-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/01-s.md"
        try "# S\n\n```cnn\n1\n```\n\n```output\n1\n```\n\n```cnn\nx = 2\n```\n\n```cnn no-check\nx\n```\n\n```output\n9\n```\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = Checker().check(paths: [file])
        #expect(r.text == "1 passed, 0 failed, 2 skipped\n")
        #expect(r.skipped == 2)
    }

    @Test func aFilterMatchingNothingIsAnError() {
        let r = Checker(filter: "no-such-lesson").check(paths: [fixturesFolder + "/broken"])
        #expect(r.nothingToCheck)
        #expect(!r.ok)
        #expect(r.text.hasPrefix("error: no lessons found in "))
    }

    @Test func updateReportsWhatItChangedAndNeverAcceptsAnError() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-upd-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/01-u.md"
        try "# U\n\n```cnn\n2 * 3\n```\n\n```output\n7\n```\n\n```cnn\nnope\n```\n\n```output\n1\n```\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = Checker(update: true).check(paths: [file])
        #expect(r.text.contains("\(file):3: cell 1: output block updated\n"))
        #expect(r.text.contains("\(file):11: cell 2 failed with an error\n"))
        #expect(!r.text.contains("--update"))
        #expect(r.failed == 1)
        #expect(r.text.hasSuffix("1 passed, 1 failed, 0 skipped\n"))
    }

    @Test func laterCellsRunAfterAFailure() throws {
        let doc = try LessonDocument(text: "# T\n```cnn\nx = 2\nnope\n```\n```cnn\nx * 5\n```\n```output\n10\n```\n", path: "f.md")
        let results = LessonRunner(document: doc).runAll()
        #expect(!results[0].passed)
        #expect(results[1].passed)
    }

    @Test func unifiedDiff() {
        #expect(UnifiedDiff.diff(expected: "a\nb\nc", got: "a\nB\nc") == "--- expected\n+++ got\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c")
        #expect(UnifiedDiff.diff(expected: "same", got: "same") == "")
        let long = (1...20).map(String.init)
        var changed = long
        changed[1] = "x"
        changed[18] = "y"
        let d = UnifiedDiff.diff(expected: long.joined(separator: "\n"), got: changed.joined(separator: "\n"))
        #expect(d.components(separatedBy: "\n").filter { $0.hasPrefix("@@") } == ["@@ -1,5 +1,5 @@", "@@ -16,5 +16,5 @@"])
    }
}
