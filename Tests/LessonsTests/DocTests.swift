import Foundation
import Testing
import TestSupport
@testable import Lessons

/// Every lesson under the repository's lessons/ folder, run as a doc-test.
@Suite struct DocTests {
    static let lessonFiles: [String] = {
        let folder = repositoryRoot.appendingPathComponent("lessons").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { LessonName(fileName: $0) != nil }.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }()

    @Test func lessonsFolderHasLessons() {
        #expect(!Self.lessonFiles.isEmpty, "no lessons found under \(repositoryRoot.path)/lessons")
    }

    @Test(arguments: lessonFiles)
    func lessonPassesItsDocTests(_ path: String) {
        let report = Checker().check(file: path)
        #expect(report.failed == 0, "\(report.text)")
        #expect(report.passed > 0)
    }

    /// The README's example lesson (the ````markdown block under "Writing a lesson") is a
    /// lesson too, and passes.
    @Test func readmeExampleLessonPasses() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let parts = readme.components(separatedBy: "````markdown\n")
        try #require(parts.count == 2, "README.md should hold one ````markdown example")
        let example = try #require(parts[1].components(separatedBy: "\n````").first)
        let doc = try LessonDocument(text: "# README example\n\n" + example, path: "README.md")
        #expect(doc.cells.count == 1)
        let results = LessonRunner(document: doc).runAll()
        let failed = results.filter { !$0.passed }
        #expect(failed.isEmpty, "\(failed.map(\.output))")
    }
}
