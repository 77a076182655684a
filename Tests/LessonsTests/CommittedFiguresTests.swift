import Figures
import Foundation
import Imaging
import Testing
import TestSupport
@testable import Lessons

/// The committed docs/figures must be exactly what `cnnlearn figures` makes now by running the
/// lessons: SVG compared as text, PNG as decoded pixels.
private let figuresFolder = repositoryRoot.appendingPathComponent("docs/figures").path
private let hint = "hint: run 'swift run cnnlearn figures' to regenerate docs/figures, then review and commit them"

/// Every lesson run once with figure output on, shared by the tests below.
private let made: [String: Figure] = {
    let collector = FigureCollector()
    _ = LessonRunner.makeFigures(library: LessonLibrary(folder: repositoryRoot.appendingPathComponent("lessons").path), into: collector)
    return Dictionary(uniqueKeysWithValues: collector.figures.map { ($0.id, $0) })
}()

@Test(arguments: FigureCatalog.ids)
func committedFigureMatchesTheLessons(id: String) throws {
    let figure = try #require(made[id], "no lesson cell emits \(id)")
    let committed = try? String(contentsOfFile: figuresFolder + "/\(id).svg", encoding: .utf8)
    #expect(committed == figure.svg, "figure \(id): \(id).svg differs from what the lessons draw\n\(hint)")

    let pngs = [(figure.svg, "\(id).png")] + figure.frames.enumerated().map { ($0.element, String(format: "%@-frame-%02d.png", id, $0.offset + 1)) }
    for (svg, name) in pngs {
        let drawn = try Rasterizer.rasterize(svg: svg, width: figure.width, height: figure.height)
        let stored = try? PNGCodec.read(path: figuresFolder + "/" + name)
        #expect(stored == drawn, "figure \(id): \(name) pixels differ from what the lessons draw\n\(hint)")
    }
}

@Test func everyFigureIsListedInTheIndexWithItsCell() throws {
    let index = try String(contentsOfFile: figuresFolder + "/INDEX.md", encoding: .utf8)
    for id in FigureCatalog.ids {
        let row = index.components(separatedBy: "\n").first { $0.hasPrefix("| \(id) |") }
        #expect(row?.contains("lessons/") == true && row?.contains(".md:") == true, "INDEX.md does not list \(id) with its lesson cell\n\(hint)")
    }
}
