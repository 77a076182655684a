import Figures
import Foundation
import Imaging
import TestSupport
import Testing

/// The committed docs/figures must be exactly what the code draws now: SVG compared as text,
/// PNG as decoded pixels. Set CNNLEARN_RECORD_FIGURES=1 to rewrite them on purpose.
private let figuresFolder = repositoryRoot.appendingPathComponent("docs/figures").path
private let hint = "hint: run 'swift run cnnlearn figures' to regenerate docs/figures, then review and commit them"

@Test(arguments: FigureCatalog.ids)
func committedFigureMatches(id: String) throws {
    let figure = try FigureCatalog.make(FigureRequest(id: id))
    if ProcessInfo.processInfo.environment["CNNLEARN_RECORD_FIGURES"] == "1" {
        _ = try FigureWriter(directory: figuresFolder).write(figure)
        return
    }
    let svgPath = figuresFolder + "/\(id).svg"
    let committed = try? String(contentsOfFile: svgPath, encoding: .utf8)
    #expect(committed == figure.svg, "figure \(id): \(id).svg differs from what the code draws\n\(hint)")

    let pngs = [(figure.svg, "\(id).png")] + figure.frames.enumerated().map { ($0.element, String(format: "%@-frame-%02d.png", id, $0.offset + 1)) }
    for (svg, name) in pngs {
        let drawn = try Rasterizer.rasterize(svg: svg, width: figure.width, height: figure.height)
        let stored = try? PNGCodec.read(path: figuresFolder + "/" + name)
        #expect(stored == drawn, "figure \(id): \(name) pixels differ from what the code draws\n\(hint)")
    }
}

@Test func everyFigureIsListedInTheIndex() throws {
    let index = try String(contentsOfFile: figuresFolder + "/INDEX.md", encoding: .utf8)
    for id in FigureCatalog.ids {
        #expect(index.contains("| \(id) |"), "INDEX.md does not list \(id)\n\(hint)")
    }
}
