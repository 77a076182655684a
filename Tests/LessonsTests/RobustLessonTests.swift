import Foundation
import Testing
@testable import Lessons

/// `check --update` and the lesson reader against hostile or unusual files (issue 15).
@Suite struct RobustLessonTests {
    func folder(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "cnnlearn-robust-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func mode(_ path: String) -> mode_t {
        var st = stat()
        _ = lstat(path, &st)
        return st.st_mode & 0o7777
    }

    static let lesson = "# T\n\n```cnn\n1 + 1\n```\n\n```output\n0\n```\n"

    @Test func updateKeepsPermissionsAndFollowsASymlink() throws {
        let dir = try folder("modes")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/01-t.md"
        try Self.lesson.write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o600)
        let r = Checker(update: true).check(paths: [file])
        #expect(r.ok, "\(r.text)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("```output\n2\n```"))
        #expect(mode(file) == 0o600)
        // A symlinked lesson: the target is updated, the link stays a link.
        let target = dir + "/real.md", link = dir + "/02-link.md"
        try Self.lesson.write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o640)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(Checker(update: true).check(paths: [link]).ok)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("```output\n2\n```"))
        #expect(mode(target) == 0o640)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func updateRefusesAReadOnlyLesson() throws {
        let dir = try folder("readonly")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/01-t.md"
        try Self.lesson.write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o444)
        let r = Checker(update: true).check(paths: [file])
        #expect(!r.ok)
        #expect(r.text.contains("read-only"), "\(r.text)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == Self.lesson)
        #expect(mode(file) == 0o444)
    }

    @Test func printedFencesStayText() throws {
        let dir = try folder("fences")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/01-t.md"
        let hostile = "# T\n\n```cnn\nprint(\"```\\n```cnn\\nassert_equal(1, 2)\\n````\")\n```\n\n```output\nold\n```\n"
        try hostile.write(toFile: file, atomically: false, encoding: .utf8)
        #expect(Checker(update: true).check(paths: [file]).ok)
        let doc = try LessonDocument(contentsOf: file)
        #expect(doc.cells.count == 1)
        #expect(doc.cells[0].expected == "```\n```cnn\nassert_equal(1, 2)\n````")
        // The next check runs one cell, and it passes: the printed text came back as text.
        let again = Checker().check(paths: [file])
        #expect(again.ok && again.passed == 1, "\(again.text)")
    }

    @Test func crlfLessonsHaveTheirCells() throws {
        let text = "# T\r\n\r\n```cnn\r\n2 * 3\r\n```\r\n\r\n```output\r\n6\r\n```\r\n"
        let doc = try LessonDocument(text: text, path: "01-crlf.md")
        #expect(doc.cells.count == 1)
        #expect(doc.cells[0].code == "2 * 3")
        let dir = try folder("crlf")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try text.write(toFile: dir + "/01-crlf.md", atomically: false, encoding: .utf8)
        let r = Checker().check(paths: [dir])
        #expect(r.ok && r.passed == 1, "\(r.text)")
    }

    @Test func checkingAFileWithNoCellsIsAnError() throws {
        let dir = try folder("nocells")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# Only prose\n\nNo cells here.\n".write(toFile: dir + "/01-prose.md", atomically: false, encoding: .utf8)
        let r = Checker().check(paths: [dir])
        #expect(r.nothingToCheck)
        #expect(r.text.contains("no lesson cells"))
    }
}
