import Foundation
import Testing
@testable import Lessons

@Suite struct DocumentTests {
    let text = """
    Intro before the title.

    # The Title

    Some *narrative*.

    ```cnn
    1 + 1
    ```

    ```output
    2
    ```

    ```python
    not a cell
    ```

    ```cnn no-check
    3
    ```
    """

    @Test func titleNumberNameAndCells() throws {
        let d = try LessonDocument(text: text, path: "lessons/07-pooling-layers.md")
        #expect(d.title == "The Title")
        #expect(d.number == 7)
        #expect(d.name == "pooling-layers")
        #expect(d.cells.count == 2)
        #expect(d.cells[0].code == "1 + 1")
        #expect(d.cells[0].fenceLine == 7)
        #expect(d.cells[0].expected == "2")
        #expect(d.cells[0].outputLines == 11...13)
        #expect(d.cells[1].options == [.noCheck])
        #expect(d.cells[1].expected == nil)
    }

    @Test func unknownOptionIsAnErrorWithItsLineAndColumn() {
        #expect(throws: LessonError("unknown cell option 'fast'", at: SourceLocation(file: "a.md", line: 2, column: 8),
                                    hint: "known options: no-check, error")) {
            try LessonDocument(text: "# T\n```cnn fast\n1\n```\n", path: "a.md")
        }
    }

    @Test func unclosedFenceAndStrayOutput() {
        #expect(throws: LessonError.self) { try LessonDocument(text: "# T\n```cnn\n1\n", path: "a.md") }
        do {
            _ = try LessonDocument(text: "# T\n\n```output\n1\n```\n", path: "a.md")
            Issue.record("a stray output block must be an error")
        } catch {
            #expect(error.location.line == 3)
        }
    }

    @Test func lessonNames() {
        #expect(LessonName(fileName: "01-convolution.md") == LessonName(fileName: "01-convolution.md"))
        #expect(LessonName(fileName: "01-convolution.md")?.number == 1)
        #expect(LessonName(fileName: "notes.md") == nil)
        #expect(LessonName(fileName: "01-.md") == nil)
    }

    @Test func libraryFindsByNameNumberAndPrefix() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-lib-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (f, t) in [("01-convolution.md", "Conv"), ("02-convolution-3d.md", "Volumes"), ("05-pooling.md", "Pool")] {
            try "# \(t)\n".write(toFile: dir + "/" + f, atomically: true, encoding: .utf8)
        }
        let lib = LessonLibrary(folder: dir)
        #expect(try lib.find("convolution").number == 1)
        #expect(try lib.find("5").name == "pooling")
        #expect(try lib.find("pool").number == 5)
        #expect(try lib.find("convolution-").number == 2)
        #expect(throws: LessonError.self) { try lib.find("conv") }  // ambiguous
        do {
            _ = try lib.find("dense")
        } catch {
            #expect(error.message.contains("1 convolution, 2 convolution-3d, 5 pooling"))
        }
        #expect(lib.listing() == "01  convolution     Conv\n02  convolution-3d  Volumes\n05  pooling         Pool")
        let root = dir + "/project"
        try FileManager.default.createDirectory(atPath: root + "/lessons", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        #expect(try LessonLibrary.locate(environment: [:], currentDirectory: root + "/a/b", executable: "").folder == root + "/lessons")
        #expect(try LessonLibrary.locate(environment: [:], currentDirectory: "/", executable: root + "/a/b/cnnlearn").folder == root + "/lessons")
        #expect(try LessonLibrary.locate(override: dir, environment: [:]).folder == dir)
        #expect(try LessonLibrary.locate(environment: ["CNNLEARN_LESSONS": dir]).folder == dir)
        #expect(throws: LessonError.self) { try LessonLibrary.locate(override: dir + "/missing", environment: [:]) }
    }
}

/// Where the lessons are found when cnnlearn is installed, and an empty --lessons folder.
@Suite struct LessonLocationTests {
    @Test func foundUnderTheInstallPrefix() throws {
        let prefix = NSTemporaryDirectory() + "cnnlearn-prefix-\(UInt32.random(in: 0...UInt32.max))"
        let lessons = prefix + "/share/cnnlearn/lessons"
        try FileManager.default.createDirectory(atPath: lessons, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        try "# One\n".write(toFile: lessons + "/01-one.md", atomically: true, encoding: .utf8)
        let library = try LessonLibrary.locate(environment: [:], currentDirectory: "/", executable: prefix + "/bin/cnnlearn")
        #expect(URL(fileURLWithPath: library.folder).standardizedFileURL.path == URL(fileURLWithPath: lessons).standardizedFileURL.path)
        #expect(library.entries().map(\.name) == ["one"])
    }

    @Test func anEmptyLessonsFolderIsAnError() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-empty-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: LessonError.self) { try LessonLibrary.locate(override: dir, environment: [:]) }
    }
}
