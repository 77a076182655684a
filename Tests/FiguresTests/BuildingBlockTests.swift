@testable import Figures
import Foundation
import Imaging
import Tensor
import Testing

@Test func ticksAreRoundSteps() {
    #expect(LinePlot.ticks(low: 0, high: 1) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(LinePlot.ticks(low: 1, high: 20) == [5, 10, 15, 20])
    #expect(LinePlot.ticks(low: 0.35, high: 0.7) == [0.4, 0.5, 0.6, 0.7])
}

@Test func linePlotHasLegendTicksAndDistinctStyles() throws {
    let epochs = (1...20).map(Double.init)
    let plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
        .init(name: "training", x: epochs, y: epochs.map { 0.7 / (1 + 0.1 * $0) }),
        .init(name: "validation", x: epochs, y: epochs.map { 0.6 + 0.002 * ($0 - 8) * ($0 - 8) }),
    ])
    let doc = plot.render(desc: "two curves")
    let svg = doc.render()
    #expect(svg.contains(">training</text>") && svg.contains(">validation</text>"))
    #expect(svg.contains("stroke-dasharray=\"7 4\""))
    let image = try Rasterizer.rasterize(svg: svg, width: doc.width, height: doc.height)
    #expect(image.width == 640)
    if let out = ProcessInfo.processInfo.environment["CNNLEARN_FIGURE_PREVIEW"] { try PNGCodec.write(image, to: out + "/lineplot.png") }
}

@Test func tensorImagesKeepNativeResolution() throws {
    let ramp = Tensor<Float>(shape: [4, 8], scalars: (0..<32).map { Float($0) })
    let image = try TensorImage.raster(ramp)
    #expect((image.width, image.height, image.channels) == (8, 4, 3))
    #expect(Array(image.pixels[0..<3]) == [68, 1, 84])      // lowest value: viridis start
    #expect(Array(image.pixels[(31 * 3)..<(32 * 3)]) == [253, 231, 37])  // highest: viridis end
    let gray = try TensorImage.raster(ramp, colorMap: .gray)
    #expect(gray.channels == 1 && gray.pixels.last == 255 && gray.pixels.first == 0)
}

@Test func imageGridEmbedsEachImage() throws {
    let maps = (0..<6).map { k in Tensor<Float>(shape: [12, 12], scalars: (0..<144).map { Float(($0 * (k + 1)) % 17) }) }
    let images = try maps.map { t throws(FigureError) in try TensorImage.raster(t) }
    let grid = ImageGrid(images: images, captions: (0..<6).map { "map \($0 + 1)" }, columns: 3, cell: 96)
    let doc = try grid.render(title: "Feature maps", desc: "six maps")
    let svg = doc.render()
    #expect(svg.components(separatedBy: "data:image/png;base64,").count == 7)
    let image = try Rasterizer.rasterize(svg: svg, width: doc.width, height: doc.height)
    if let out = ProcessInfo.processInfo.environment["CNNLEARN_FIGURE_PREVIEW"] { try PNGCodec.write(image, to: out + "/imagegrid.png") }
}

@Test func fontconfigFindsDejaVuSans() throws {
    // The PNGs' text is set in DejaVu Sans from fonts-dejavu-core; a substitute font would
    // change every figure's pixels.
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/fc-match")
    p.arguments = ["-f", "%{file}", "DejaVu Sans"]
    let pipe = Pipe()
    p.standardOutput = pipe
    guard FileManager.default.fileExists(atPath: "/usr/bin/fc-match") else {
        print("notice: fc-match is absent; skipping the font check")
        return
    }
    try p.run()
    p.waitUntilExit()
    let file = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(file.hasSuffix("/DejaVuSans.ttf"), "fontconfig picks \(file) for DejaVu Sans; install fonts-dejavu-core")
}
