import Figures
import Foundation
import Testing
import TestSupport
@testable import Lessons

/// The `figure` builtin: ids checked without a collector, figures made with one.
@Suite struct FigureBuiltinTests {
    @Test func withoutAWriterOnlyTheIdIsCheckedAndNothingPrints() {
        #expect(output("figure(\"conv-input-filter\", [[1]], [[1]])") == "")
        let e = failure("figure(\"conv-step-3x\")")
        #expect(e?.message == "unknown figure id \"conv-step-3x\"")
        #expect(e?.hint?.contains("known figures: ") == true && e?.hint?.contains("conv-input-filter") == true)
        #expect(failure("figure(3)")?.message.contains("the figure id must be a string") == true)
    }

    @Test func withACollectorEveryCatalogFigureIsMadeByOneLessonCell() throws {
        let library = LessonLibrary(folder: repositoryRoot.appendingPathComponent("lessons").path)
        let collector = FigureCollector()
        let report = LessonRunner.makeFigures(library: library, into: collector)
        #expect(report.failed == 0, "\(report.text)")
        #expect(collector.figures.map(\.id).sorted() == FigureCatalog.ids.sorted())
        let animation = try #require(collector.figures.first { $0.id == "conv-animation" })
        #expect(animation.frames.count == 9)
        let at = try #require(collector.sources["conv-input-filter"])
        #expect(at.file.hasSuffix("01-convolution.md"))
        let lines = try String(contentsOfFile: at.file, encoding: .utf8).components(separatedBy: "\n")
        #expect(lines[at.line - 1].contains("figure(\"conv-input-filter\""))
    }

    @Test func aFilterMakesOnlyTheNamedFigures() {
        let library = LessonLibrary(folder: repositoryRoot.appendingPathComponent("lessons").path)
        let collector = FigureCollector(only: ["relu", "vgg16-architecture-highlighted"])
        let report = LessonRunner.makeFigures(library: library, into: collector)
        #expect(report.failed == 0, "\(report.text)")
        #expect(collector.figures.map(\.id) == ["relu", "vgg16-architecture-highlighted"])
    }

    @Test func theSameIdTwiceIsAnErrorNamingTheFirstCell() {
        let it = Interpreter(file: "f.md", baseDirectory: ".", figures: FigureCollector())
        let r = runCell("figure(\"cnn-overview\")\nfigure(\"cnn-overview\")", in: it)
        #expect(r.error?.location.line == 2)
        #expect(r.error?.message == "figure \"cnn-overview\" was already made at f.md:1")
    }

    @Test func figureErrorsPointAtTheCall() throws {
        let it = Interpreter(file: "f.md", baseDirectory: ".", figures: FigureCollector())
        let r = runCell("x = 1\nfigure(\"conv-input-filter\", \"not a tensor\", [[1]])", in: it)
        #expect(r.error?.location.line == 2)
        #expect(r.error?.message.hasPrefix("figure \"conv-input-filter\": ") == true)
    }
}
