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

private let lessonsFolder = repositoryRoot.appendingPathComponent("lessons").path

/// Every lesson run once with figure output on, shared by the tests below: the figures in the
/// order made, and the cell of each.
private let run: (figures: [Figure], references: [String: FigureSource]) = {
    let c = FigureCollector()
    _ = LessonRunner.makeFigures(library: LessonLibrary(folder: lessonsFolder), into: c)
    return (c.figures, c.sourceReferences(lessonsFolder: lessonsFolder))
}()
private let made = Dictionary(uniqueKeysWithValues: run.figures.map { ($0.id, $0) })

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

@Test func theIndexNamesTheCellThatEmitsEachFigure() throws {
    let index = try String(contentsOfFile: figuresFolder + "/INDEX.md", encoding: .utf8)
    var frames: [String: Int] = [:]
    for f in run.figures { frames[f.id] = f.frames.count }
    let expected = FigureBatch.index(writer: FigureWriter(directory: figuresFolder), frames: frames,
                                     sources: run.references)
    #expect(index == expected, "docs/figures/INDEX.md is out of date (a figure cell moved?)\n\(hint)")
    #expect(index.contains("[lessons/01-convolution.md:"))
}
