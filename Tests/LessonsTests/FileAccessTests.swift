import Foundation
import Testing
@testable import Lessons

/// Cells read and write only under their lesson's folder (and folders the user allows).
@Suite struct FileAccessTests {
    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "cnnlearn-access-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir + "/lesson/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/outside", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/lesson/data/escape", withDestinationPath: dir + "/outside")
        return dir
    }

    func run(_ code: String, in dir: String) -> LessonError? {
        let it = Interpreter(file: dir + "/lesson/01-x.md", baseDirectory: dir + "/lesson")
        do { try it.run(cell: code, firstLine: 1); return nil } catch { return error }
    }

    @Test func insideTheFolderIsAllowed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(run("save([[1, 2]], \"data/a.npy\")\nload(\"data/a.npy\")", in: dir) == nil)
        #expect(FileManager.default.fileExists(atPath: dir + "/lesson/data/a.npy"))
        #expect(run("load(\"" + dir + "/lesson/data/a.npy\")", in: dir) == nil)
    }

    @Test func dotDotAbsolutePathsAndLinksOutAreRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for code in ["save([[1]], \"../outside/a.npy\")", "load(\"/etc/passwd.npy\")", "save([[1]], \"data/escape/b.npy\")",
                     "load_run(\"../outside\")", "model(\"../outside/m.txt\")", "dataset(\"../outside\")"] {
            let e = run(code, in: dir)
            #expect(e?.message.hasSuffix("is outside the lesson's folder") == true, "\(code): \(String(describing: e))")
            #expect(e?.hint?.contains("--allow-path DIR") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/outside/a.npy"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/outside/b.npy"))
    }

    @Test func anAllowedFolderCanBeUsed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let it = Interpreter(file: dir + "/lesson/01-x.md", baseDirectory: dir + "/lesson")
        it.fileAccess = .within([dir + "/lesson", dir + "/outside"])
        #expect(throws: Never.self) { try it.run(cell: "save([[1]], \"../outside/a.npy\")", firstLine: 1) }
        #expect(FileManager.default.fileExists(atPath: dir + "/outside/a.npy"))
    }
}
