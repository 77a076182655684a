import Tensor

/// Section 5: stacked 3x3 convolutions see a growing region of the input: two see 5x5,
/// three see 7x7.
enum ReceptiveFieldFigure {
    /// The side of the input region one output cell depends on after `layers` stacked k x k
    /// convolutions (stride 1), found with the engine: an impulse convolved `layers` times with
    /// a k x k filter of ones ('same' padding) is non-zero exactly on that region.
    static func regions(layers: Int, kernel k: Int) throws(TensorError) -> [Int] {
        let side = 2 * layers * (k / 2) + 3
        var t = Tensor<Int>(repeating: 0, shape: [side, side])
        t[[side / 2, side / 2]] = 1
        let ones = Tensor<Int>(repeating: 1, shape: [k, k])
        var sizes = [1]
        for _ in 0..<layers {
            t = try t.conv2d(ones, padding: .same)
            let rows = (0..<side).filter { r in (0..<side).contains { t[[r, $0]] != 0 } }
            sizes.append(rows.count)
        }
        return sizes  // sizes[j]: region after j convolutions, counted back from the output
    }

    /// `figure("receptive-field-3x3-stack", kernel: 3)`: rows for two and three stacked convolutions.
    static func make(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["kernel"])
        let k = try a.int(0, "kernel") ?? 3
        guard k >= 1, k % 2 == 1, k <= 7 else { throw FigureError("figure \"\(a.request.id)\": kernel must be odd, 1...7") }
        let two = try engine(a.request.id) { () throws(TensorError) in try regions(layers: 2, kernel: k) }
        let three = try engine(a.request.id) { () throws(TensorError) in try regions(layers: 3, kernel: k) }
        let cell = 24.0
        let rowH = Double(three[3]) * cell + 110
        let width = 40 + 4 * (Double(three[3]) * cell + 70) + 40
        var doc = SVGDocument(width: width, height: 2 * rowH + 40, title: "Receptive field of stacked \(k)x\(k) convolutions",
                              desc: "One output cell after two stacked \(k)x\(k) convolutions depends on a \(two[2])x\(two[2]) region of the input; after three, on a \(three[3])x\(three[3]) region.")
        for (row, sizes) in [two, three].enumerated() {
            let n = sizes.count - 1
            let side = sizes[n]
            let y = 70 + Double(row) * rowH
            var grids = [MatrixGrid]()
            for j in 0...n {
                let g = MatrixGrid(rows: side, cols: side, x: 40 + Double(j) * (Double(three[3]) * cell + 70), y: y, cell: cell)
                grids.append(g)
            }
            for (j, g) in grids.enumerated() {
                let region = sizes[n - j]
                let lo = (side - region) / 2
                let fill = doc.highlightFill(j == n ? 1 : 0)
                g.draw(&doc) { r, c in
                    let inside = r >= lo && r < lo + region && c >= lo && c < lo + region
                    return CellStyle(fill: inside ? fill : Palette.paper)
                }
                g.outline(&doc, row: lo, col: lo, height: region, width: region, color: j == n ? Palette.orange : Palette.blue, lineWidth: 3)
                let name = j == 0 ? "input" : (j == n ? "output" : "after conv \(j)")
                g.footnote(&doc, "\(name): \(region)x\(region) region", size: 14, offset: 22)
                if j < n {
                    let next = grids[j + 1]
                    let r2 = sizes[n - j - 1], lo2 = (side - r2) / 2
                    doc.line(x1: g.cellX(lo + region), y1: g.cellY(lo), x2: next.cellX(lo2), y2: next.cellY(lo2), stroke: Palette.muted, width: 1.2, dash: "4 3")
                    doc.line(x1: g.cellX(lo + region), y1: g.cellY(lo + region), x2: next.cellX(lo2), y2: next.cellY(lo2 + r2), stroke: Palette.muted, width: 1.2, dash: "4 3")
                }
            }
            doc.text("\(n) stacked \(k)x\(k) convolutions see \(side)x\(side) of the input", x: 40, y: y - 18, size: 16, anchor: "start", weight: "bold")
        }
        return Figure(id: a.request.id, document: doc)
    }
}
