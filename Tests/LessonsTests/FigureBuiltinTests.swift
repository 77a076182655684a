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

    @Test func aFigureOfOnesOwnDrawsAMap() throws {
        // Without a collector only the arguments are checked.
        #expect(output("figure(\"my-map\", [[1, 2], [3, 4]])") == "")
        #expect(failure("figure(\"My Map\", [[1]])")?.message == "figure id \"My Map\" cannot name a file: use lower-case letters, digits, - and _")
        #expect(failure("figure(\"m\", [[[0.5, 2.0, 0.0]]])")?.message == "figure \"m\": a picture (H,W,C) has values in [0, 1], got 2.0")
        #expect(failure("figure(\"m\", zeros([2, 2, 4]))")?.hint == "pick a channel, x[:, :, 0], or lay the channels out with grid(x)")
        #expect(failure("figure(\"conv-stp-1\")")?.hint?.hasPrefix("did you mean \"conv-step-1\"?") == true)
        // With one, the figure is made: a 2x2 map scaled by 160 to 320 pixels, crisp.
        let it = Interpreter(file: "own.md", baseDirectory: NSTemporaryDirectory(), figures: FigureCollector())
        _ = runCell("figure(\"my-map\", [[1, 2], [3, 4]])", in: it)
        let f = try #require(it.figures?.figures.first)
        #expect(f.id == "my-map" && f.width == 320 && f.height == 320)
        #expect(f.svg.contains("data:image/png;base64,"))
        #expect(f.desc.contains("2x2 map"))
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
