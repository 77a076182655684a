import Imaging
import Tensor

/// Figures of what a trained network computes (issue 13): feature-map rows, image grids of
/// filter patterns and class outputs, heat-map overlays, loss traces. Each takes the tensors
/// it draws; none looks a model up.
public enum InspectFigures {
    /// One row per layer: its maps (H, W) already in [0, 255] (the notebook's normalization),
    /// drawn with viridis, the layer's name as the row title, and the colour scale beside.
    public static func featureMapRows(_ rows: [(layer: String, maps: [Tensor<Float>], shape: [Int])], title: String, desc: String, cell: Double = 84) throws(FigureError) -> SVGDocument {
        let perRow = rows.map(\.maps.count).max() ?? 1
        let gap = 6.0, rowTitle = 22.0, scaleW = 90.0
        let width = 40 + Double(perRow) * (cell + gap) - gap + 30 + scaleW
        let height = 60 + Double(rows.count) * (rowTitle + cell + 18) + 10
        var doc = SVGDocument(width: width, height: height, title: title, desc: desc)
        doc.text(title, x: width / 2, y: 30, size: 17, weight: "bold")
        for (r, row) in rows.enumerated() {
            let y = 60 + Double(r) * (rowTitle + cell + 18)
            doc.text("\(row.layer)  (\(row.shape.map(String.init).joined(separator: "x")); first \(row.maps.count) maps)", x: 40, y: y + 14, size: 14, anchor: "start", weight: "bold")
            for (i, m) in row.maps.enumerated() {
                let image = try TensorImage.raster(m, colorMap: .viridis, range: (0, 255))
                let x = 40 + Double(i) * (cell + gap)
                let factor = Swift.max(1, Int(cell / Double(Swift.max(image.width, image.height))))
                doc.image(dataURI: try pngDataURI(image.enlarged(by: factor)), x: x, y: y + rowTitle, width: cell, height: cell)
                doc.rect(x: x, y: y + rowTitle, width: cell, height: cell, fill: "none", stroke: Palette.gridLine, strokeWidth: 1)
            }
        }
        colourScale(&doc, x: width - scaleW, y: 60 + rowTitle, height: Swift.min(220, height - 110), low: "0", mid: "128", high: "255")
        return doc
    }

    /// A vertical viridis bar with three labels.
    static func colourScale(_ doc: inout SVGDocument, x: Double, y: Double, height: Double, low: String, mid: String, high: String) {
        let steps = 32
        for i in 0..<steps {
            let t = 1 - Double(i) / Double(steps - 1)
            doc.rect(x: x, y: y + Double(i) * height / Double(steps), width: 18, height: height / Double(steps) + 0.5,
                     fill: Palette.viridisHex(t))
        }
        doc.rect(x: x, y: y, width: 18, height: height, fill: "none", stroke: Palette.gridLine, strokeWidth: 1)
        doc.text(high, x: x + 24, y: y + 5, size: 12, anchor: "start")
        doc.text(mid, x: x + 24, y: y + height / 2 + 4, size: 12, anchor: "start")
        doc.text(low, x: x + 24, y: y + height + 4, size: 12, anchor: "start")
    }

    /// Images (H, W, C) with values in [0, 1] (C 1 or 3), or planes (H, W) drawn with viridis
    /// over their own range (or `range`), in a grid with a caption under each.
    public static func grid(_ images: [Tensor<Float>], captions: [String], columns: Int, title: String, desc: String, cell: Double = 112,
                            range: (Float, Float)? = nil) throws(FigureError) -> SVGDocument {
        var rasters: [RasterImage] = []
        for t in images { rasters.append(try TensorImage.raster(t, range: range)) }
        return try ImageGrid(images: rasters, captions: captions, columns: columns, cell: cell, gap: 18).render(title: title, desc: desc)
    }

    /// An image (H, W, C) in [0, 1] with a heat map (H, W) in [0, 1] laid over it in viridis
    /// at opacity `alpha` times the heat (cold areas leave the image as it is): (H, W, 3).
    public static func overlay(_ image: Tensor<Float>, heat: Tensor<Float>, alpha: Float = 0.6) -> Tensor<Float> {
        let (h, w, c) = (image.shape[0], image.shape[1], image.shape[2])
        var out = [Float](repeating: 0, count: h * w * 3)
        for p in 0..<(h * w) {
            let v = Swift.min(1, Swift.max(0, heat.scalars[p]))
            let (r, g, b) = Palette.viridis(Double(v))
            let a = alpha * v
            for ch in 0..<3 {
                let base = image.scalars[p * c + (c == 3 ? ch : 0)]
                let col = Float([r, g, b][ch]) / 255
                out[p * 3 + ch] = (1 - a) * base + a * col
            }
        }
        return Tensor(shape: [h, w, 3], scalars: out)
    }

    /// A plane (H, W) scaled to [0, 1] by its maximum (zeros stay zero).
    public static func scaledToUnit(_ t: Tensor<Float>) -> Tensor<Float> {
        let top = t.scalars.max() ?? 0
        return top > 0 ? Tensor(shape: t.shape, scalars: t.scalars.map { $0 / top }) : t
    }

    /// Loss traces of gradient ascent, one series each, against the step.
    public static func lossTraces(_ traces: [(name: String, losses: [Float])], title: String, desc: String) -> SVGDocument {
        LinePlot(title: title, xLabel: "step", yLabel: "total loss (lower is better)",
                 series: traces.map { .init(name: $0.name, x: $0.losses.indices.map(Double.init), y: $0.losses.map(Double.init)) })
            .render(desc: desc)
    }
}
