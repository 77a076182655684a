import Figures
import Foundation
import Testing
import TestSupport
@testable import Lessons

/// The `figure` builtin: ids checked without a writer, figures written with one.
@Suite struct FigureBuiltinTests {
    @Test func withoutAWriterOnlyTheIdIsCheckedAndNothingPrints() {
        #expect(output("figure(\"conv-input-filter\", [[1]], [[1]])") == "")
        let e = failure("figure(\"conv-step-3x\")")
        #expect(e?.message == "unknown figure id \"conv-step-3x\"")
        #expect(e?.hint?.contains("known figures: ") == true && e?.hint?.contains("conv-input-filter") == true)
        #expect(failure("figure(3)")?.message.contains("the figure id must be a string") == true)
    }

    @Test func withAWriterLessonOneWritesItsFigures() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-figures-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = FigureWriter(directory: dir, formats: [.svg, .png])
        try writer.prepare()
        let library = LessonLibrary(folder: repositoryRoot.appendingPathComponent("lessons").path)
        let (files, report) = LessonRunner.writeFigures(library: library, writer: writer)
        #expect(report.failed == 0, "\(report.text)")
        let names = Set(files.map { ($0 as NSString).lastPathComponent })
        for id in ["conv-input-filter", "conv-step-1", "conv-step-2", "conv-animation"] {
            #expect(names.contains("\(id).svg") && names.contains("\(id).png"), "\(id) missing from \(names.sorted())")
        }
        #expect(names.contains("conv-animation-frame-09.png"))
        let svg = try String(contentsOfFile: dir + "/conv-input-filter.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
    }

    @Test func figureErrorsPointAtTheCall() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-figures-bad-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let it = Interpreter(file: "f.md", baseDirectory: dir, figureWriter: FigureWriter(directory: dir, formats: [.svg]))
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = runCell("x = 1\nfigure(\"conv-input-filter\", \"not a tensor\", [[1]])", in: it)
        #expect(r.error?.location.line == 2)
        #expect(r.error?.message.hasPrefix("figure \"conv-input-filter\": ") == true)
    }
}
