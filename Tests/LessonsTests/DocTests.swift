import Foundation
import Testing
import TestSupport
@testable import Lessons

/// Every lesson under the repository's lessons/ folder, run as a doc-test.
@Suite struct DocTests {
    static let lessonFiles: [String] = {
        let folder = repositoryRoot.appendingPathComponent("lessons").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".md") }.sorted().map { (folder as NSString).appendingPathComponent($0) }
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
}
