import Tensor

/// Figures of sections 2.1-2.4 drawn as number grids: two feature maps stacked, ReLU, max pooling.
enum GridFigures {
    /// A second filter for the stacked-maps example: a plus sign.
    static let plusFilter = Tensor<Int>(shape: [3, 3], scalars: [0, 1, 0, 1, 1, 1, 0, 1, 0])
    /// A vertical-edge filter, whose feature map has negative values (for ReLU).
    static let edgeFilter = Tensor<Int>(shape: [3, 3], scalars: [1, 0, -1, 1, 0, -1, 1, 0, -1])

    /// `figure("feature-maps-stacked", map1, map2)`: two feature maps stacked along the depth.
    /// Default: the tutorial input convolved (by the engine) with its filter and with a plus filter.
    static func stacked(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["map1", "map2"])
        let x = NumericTensor.int(TutorialExample.input)
        let m1: NumericTensor
        if let given = try a.tensor(0, "map1") { m1 = given } else { m1 = try engine(a.request.id) { () throws(TensorError) in try x.conv2d(.int(TutorialExample.filter), stride: 1, padding: .valid) } }
        let m2: NumericTensor
        if let given = try a.tensor(1, "map2") { m2 = given } else { m2 = try engine(a.request.id) { () throws(TensorError) in try x.conv2d(.int(plusFilter), stride: 1, padding: .valid) } }
        guard let p = m1.matrix, let q = m2.matrix, p.rows == q.rows, p.cols == q.cols else {
            throw FigureError("figure \"\(a.request.id)\": map1 and map2 must be 2-D tensors of the same shape, got \(formatShape(m1.shape)) and \(formatShape(m2.shape))")
        }
        let cell = 46.0
        let left = Swift.max(40, 40 + (textWidth("Feature map 1 (filter 1)", size: 16) * 1.08 - Double(p.cols) * cell) / 2)
        let g1 = MatrixGrid(rows: p.rows, cols: p.cols, x: left, y: 70, cell: cell)
        let g2 = MatrixGrid(rows: q.rows, cols: q.cols, x: left, y: 70 + g1.height + 70, cell: cell)
        let fill1 = Palette.lightOrange, fill2 = Palette.lightGreen
        // The stack: map 2 behind, shifted up and right along the depth direction; map 1 in front.
        let shift = (cell * 0.9 * VolumeBox.dx * 1.6, cell * 0.9 * VolumeBox.dy * 1.6)
        let sx = g1.x + g1.width + 170, sy = 70 + g1.height / 2 + 70 - shift.1
        var doc = SVGDocument(width: sx + g1.width + shift.0 + 110, height: g2.y + g2.height + 60, title: "Two feature maps stacked along the depth",
                              desc: "Each filter gives its own \(p.rows)x\(p.cols) feature map; stacked along the depth they form a \(p.rows)x\(p.cols)x2 output volume. The maps are computed independently and do not mix.")
        g1.draw(&doc) { r, c in CellStyle(fill: fill1, text: p.text(r, c)) }
        g1.caption(&doc, "Feature map 1 (filter 1)", size: 16)
        g2.draw(&doc) { r, c in CellStyle(fill: fill2, text: q.text(r, c)) }
        g2.caption(&doc, "Feature map 2 (filter 2)", size: 16)
        let back = MatrixGrid(rows: q.rows, cols: q.cols, x: sx + shift.0, y: sy + shift.1, cell: cell)
        back.draw(&doc) { r, c in CellStyle(fill: fill2, text: q.text(r, c), textColor: Palette.muted) }
        // Depth edges joining the corners of the two layers.
        for (u, v) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)] {
            doc.line(x1: sx + u * g1.width, y1: sy + v * g1.height, x2: back.x + u * g1.width, y2: back.y + v * g1.height, stroke: Palette.gridLine, width: 1.2)
        }
        let front = MatrixGrid(rows: p.rows, cols: p.cols, x: sx, y: sy, cell: cell)
        front.draw(&doc) { r, c in CellStyle(fill: fill1, text: p.text(r, c), bold: true) }
        doc.rect(x: sx, y: sy, width: front.width, height: front.height, fill: "none", stroke: Palette.ink, strokeWidth: 2)
        doc.text("Output volume \(p.rows)x\(p.cols)x2", x: sx + (g1.width + shift.0) / 2, y: sy + front.height + 34, size: 16, weight: "bold")
        doc.text("stacked along the depth: map 1 in front, map 2 behind", x: sx + (g1.width + shift.0) / 2, y: sy + front.height + 56, size: 14, fill: Palette.muted)
        doc.arrow(x1: g1.x + g1.width + 20, y1: g1.y + g1.height / 2, x2: sx - 20, y2: sy + front.height / 2 - 10, width: 2)
        doc.arrow(x1: g2.x + g2.width + 20, y1: g2.y + g2.height / 2, x2: sx - 20, y2: sy + front.height / 2 + 10, width: 2)
        return Figure(id: a.request.id, document: doc)
    }

    /// `figure("relu", before, after)`: a feature map before and after ReLU = max(0, x).
    /// Default: the tutorial input convolved with a vertical-edge filter; `after` by the engine.
    static func relu(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["before", "after"])
        let before: NumericTensor
        if let given = try a.tensor(0, "before") { before = given } else {
            before = try engine(a.request.id) { () throws(TensorError) in
                try NumericTensor.int(TutorialExample.input).conv2d(.int(edgeFilter), stride: 1, padding: .valid)
            }
        }
        let after: NumericTensor
        if let given = try a.tensor(1, "after") { after = given } else {
            switch before {
            case .int(let t): after = .int(try engine(a.request.id) { () throws(TensorError) in try t.map { Swift.max($0, 0) } })
            case .float(let t): after = .float(try engine(a.request.id) { () throws(TensorError) in try t.map { Swift.max($0, 0) } })
            }
        }
        guard let b = before.matrix, let f = after.matrix, b.rows == f.rows, b.cols == f.cols else {
            throw FigureError("figure \"\(a.request.id)\": before and after must be 2-D tensors of the same shape")
        }
        let cell = 54.0
        let g1 = MatrixGrid(rows: b.rows, cols: b.cols, x: 40, y: 70, cell: cell)
        let plotW = 150.0
        let g2 = MatrixGrid(rows: f.rows, cols: f.cols, x: g1.x + g1.width + plotW + 90, y: 70, cell: cell)
        var doc = SVGDocument(width: g2.x + g2.width + 40, height: 70 + g1.height + 90, title: "ReLU on a feature map",
                              desc: "ReLU replaces every negative value of the feature map by 0 and keeps the others: max(0, x). Negative cells are hatched before, and the cells they became are hatched after.")
        let negFill = doc.highlightFill(1)
        g1.draw(&doc) { r, c in
            b[r, c] < 0 ? CellStyle(fill: negFill, text: b.text(r, c), bold: true) : CellStyle(text: b.text(r, c))
        }
        g1.caption(&doc, "Before ReLU")
        g2.draw(&doc) { r, c in
            b[r, c] < 0 ? CellStyle(fill: negFill, text: f.text(r, c), bold: true) : CellStyle(text: f.text(r, c))
        }
        g2.caption(&doc, "After ReLU")
        // A small plot of max(0, x) between the grids.
        let px = g1.x + g1.width + 45, py = 70 + g1.height / 2 + 40
        doc.line(x1: px, y1: py, x2: px + plotW, y2: py, stroke: Palette.muted, width: 1.2)
        doc.line(x1: px + plotW / 2, y1: py + 10, x2: px + plotW / 2, y2: py - 80, stroke: Palette.muted, width: 1.2)
        doc.line(x1: px, y1: py, x2: px + plotW / 2, y2: py, stroke: Palette.blue, width: 3)
        doc.line(x1: px + plotW / 2, y1: py, x2: px + plotW, y2: py - 75, stroke: Palette.blue, width: 3)
        doc.text("max(0, x)", x: px + plotW / 2, y: py - 92, size: 16, weight: "bold")
        doc.text("x", x: px + plotW + 8, y: py + 5, size: 14, anchor: "start", fill: Palette.muted)
        doc.arrow(x1: px, y1: py + 34, x2: px + plotW, y2: py + 34, width: 2.5)
        doc.rect(x: 40, y: 70 + g1.height + 36, width: 26, height: 20, fill: negFill, stroke: Palette.gridLine)
        doc.text("negative before ReLU, so 0 after", x: 76, y: 70 + g1.height + 51, size: 14, anchor: "start")
        return Figure(id: a.request.id, document: doc)
    }

    /// The tutorial's pooling example (section 2.4): a 4x4 input.
    static let poolInput = Tensor<Int>(shape: [4, 4], scalars: [1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4])

    /// `figure("maxpool-2x2", input, output)`: each 2x2 window in its own colour and pattern,
    /// and the pooled map. `output` is the engine's `maxPool(size: (2, 2))` of `input`.
    static func maxPool(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "output"])
        let x = try a.plane(0, "input", default: .int(poolInput))
        let k = 2
        let y: NumericTensor
        if let given = try a.tensor(1, "output") { y = given } else { y = try engine(a.request.id) { () throws(TensorError) in try PoolingReference.maxPool(x, size: k) } }
        guard let xm = x.matrix, let ym = y.matrix, ym.rows == xm.rows / k, ym.cols == xm.cols / k else {
            throw FigureError("figure \"\(a.request.id)\": output must be the \(k)x\(k) max pool of input")
        }
        let cell = 56.0
        let g1 = MatrixGrid(rows: xm.rows, cols: xm.cols, x: 40, y: 70, cell: cell)
        let g2 = MatrixGrid(rows: ym.rows, cols: ym.cols, x: g1.x + g1.width + 230, y: 70 + (g1.height - Double(ym.rows) * cell) / 2, cell: cell)
        var doc = SVGDocument(width: g2.x + g2.width + 40, height: 70 + g1.height + 60, title: "Max pooling with a 2x2 window and stride 2",
                              desc: "Each 2x2 window of the \(xm.rows)x\(xm.cols) input (its own colour and hatch pattern) gives its largest value to the \(ym.rows)x\(ym.cols) output \(ConvolutionFigures.rowsText(ym)); the windows do not overlap.")
        var fills = [String]()
        for i in 0..<(ym.rows * ym.cols) { fills.append(doc.highlightFill(i)) }
        let window = { (r: Int, c: Int) in (r / k) * ym.cols + c / k }
        g1.draw(&doc) { r, c in
            let wi = window(r, c)
            let isMax = xm[r, c] == ym[r / k, c / k]
            return CellStyle(fill: fills[wi], text: xm.text(r, c), bold: isMax)
        }
        for wr in 0..<ym.rows {
            for wc in 0..<ym.cols {
                g1.outline(&doc, row: wr * k, col: wc * k, height: k, width: k, color: Palette.highlights[(wr * ym.cols + wc) % 4].strong, lineWidth: 3.5)
            }
        }
        g1.caption(&doc, "Input \(xm.rows)x\(xm.cols)")
        g2.draw(&doc) { r, c in CellStyle(fill: fills[r * ym.cols + c], text: ym.text(r, c), bold: true) }
        for r in 0..<ym.rows {
            for c in 0..<ym.cols {
                g2.outline(&doc, row: r, col: c, height: 1, width: 1, color: Palette.highlights[(r * ym.cols + c) % 4].strong, lineWidth: 3.5)
            }
        }
        g2.caption(&doc, "Output \(ym.rows)x\(ym.cols)")
        let midY = 70 + g1.height / 2
        doc.arrow(x1: g1.x + g1.width + 20, y1: midY, x2: g2.x - 20, y2: midY, width: 2.5)
        doc.text("max pool", x: (g1.x + g1.width + g2.x) / 2, y: midY - 34, size: 15, weight: "bold")
        doc.text("2x2 window, stride 2", x: (g1.x + g1.width + g2.x) / 2, y: midY - 14, size: 14)
        doc.text("the largest value of each window is bold", x: g1.x, y: 70 + g1.height + 36, size: 14, anchor: "start", fill: Palette.muted)
        return Figure(id: a.request.id, document: doc)
    }
}
