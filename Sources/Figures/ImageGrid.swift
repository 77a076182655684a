import Imaging

/// Images in a grid with a caption under each (feature maps, filters, dataset samples),
/// embedded as PNG data URIs and scaled up without smoothing so pixels stay visible. A caption
/// with newlines is drawn as several lines (the grid grows by a line height for each).
public struct ImageGrid: Sendable {
    public var images: [RasterImage]
    public var captions: [String]
    public var columns: Int
    /// Side of each image's square box on the canvas, in pixels.
    public var cell: Double
    /// Space between boxes, in pixels (wide captions need more).
    public var gap: Double

    public init(images: [RasterImage], captions: [String], columns: Int, cell: Double = 112, gap: Double = 16) {
        self.images = images; self.captions = captions; self.columns = Swift.max(1, columns); self.cell = cell; self.gap = gap
    }

    public func render(title: String, desc: String) throws(FigureError) -> SVGDocument {
        let rows = (images.count + columns - 1) / columns
        let lines = captions.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        let lineH = 16.0
        let captionH = 24.0 + lineH * Double(Swift.max(0, (lines.map(\.count).max() ?? 1) - 1))
        let width = 40 + Double(columns) * (cell + gap) - gap + 40
        let height = 60 + Double(rows) * (cell + captionH + gap) + 20
        var doc = SVGDocument(width: width, height: height, title: title, desc: desc)
        doc.text(title, x: width / 2, y: 32, size: 17, weight: "bold")
        for (i, image) in images.enumerated() {
            let x = 40 + Double(i % columns) * (cell + gap), y = 60 + Double(i / columns) * (cell + captionH + gap)
            // Keep the aspect ratio inside the square box.
            let aspect = Double(image.width) / Double(image.height)
            let (w, h) = aspect >= 1 ? (cell, cell / aspect) : (cell * aspect, cell)
            // Whole-number nearest-neighbour enlargement, so no renderer smooths the pixels.
            let factor = Swift.max(1, Int(Swift.min(w / Double(image.width), h / Double(image.height))))
            doc.image(dataURI: try pngDataURI(image.enlarged(by: factor)), x: x + (cell - w) / 2, y: y + (cell - h) / 2, width: w, height: h)
            doc.rect(x: x + (cell - w) / 2, y: y + (cell - h) / 2, width: w, height: h, fill: "none", stroke: Palette.gridLine, strokeWidth: 1)
            if i < lines.count {
                for (l, line) in lines[i].enumerated() { doc.text(line, x: x + cell / 2, y: y + cell + 18 + lineH * Double(l), size: 13) }
            }
        }
        return doc
    }
}

extension RasterImage {
    /// Each pixel repeated `factor` x `factor` times (nearest neighbour).
    func enlarged(by factor: Int) -> RasterImage {
        guard factor > 1 else { return self }
        let w = width * factor, h = height * factor
        var out = [UInt8](repeating: 0, count: w * h * channels)
        for y in 0..<h {
            for x in 0..<w {
                let src = ((y / factor) * width + x / factor) * channels, dst = (y * w + x) * channels
                for c in 0..<channels { out[dst + c] = pixels[src + c] }
            }
        }
        return (try? RasterImage(width: w, height: h, channels: channels, pixels: out)) ?? self
    }
}
