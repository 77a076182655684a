import Tensor

/// Figures of sections 2.1-2.4 drawn as number grids: two feature maps stacked, ReLU, max pooling.
enum GridFigures {
    /// Lesson 3's example: a 6x6 image with a bright vertical bar and a left-to-right edge
    /// filter, whose feature map has negative values where the image gets darker.
    static let barImage = Tensor<Int>(shape: [6, 6], scalars: [0, 1, 3, 3, 1, 0, 0, 1, 3, 2, 0, 0, 1, 0, 2, 3, 1, 0,
                                                                0, 1, 3, 3, 0, 1, 0, 0, 2, 3, 1, 0, 0, 1, 3, 3, 1, 0])
    static let edgeFilter = Tensor<Int>(shape: [3, 3], scalars: [-1, 0, 1, -1, 0, 1, -1, 0, 1])

    /// `figure("feature-maps-stacked", out)`: the first two feature maps of a conv output
    /// (H,W,C) stacked along the depth, or `figure("feature-maps-stacked", map1, map2)` with two
    /// planes. Small maps show their numbers; larger ones are drawn with the viridis colour map
    /// and a labelled colour bar. Default: lesson 2's `conv2d(ones 32x32x3, ones 5x5x3x10, 'same')`
    /// computed by the engine.
    static func stacked(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["out", "map1", "map2"])
        let first: NumericTensor
        if let given = try a.tensor(0, a.request.labelled["out"] != nil ? "out" : "map1") { first = given } else {
            first = try engine(a.request.id) { () throws(TensorError) in
                let x = Tensor<Int>(repeating: 1, shape: [1, 32, 32, 3]), k = Tensor<Int>(repeating: 1, shape: [5, 5, 3, 10])
                return .int(try x.conv2dReference(k, padding: .same).reshaped([32, 32, 10]))
            }
        }
        let (p, q) = try twoMaps(a, first)
        return p.rows <= 8 && p.cols <= 8 ? stackedNumbers(a, p, q) : try stackedImages(a, p, q)
    }

    /// Channels 0 and 1 of a volume, or the two plane arguments.
    static func twoMaps(_ a: FigureArguments, _ first: NumericTensor) throws(FigureError) -> (NumberMatrix, NumberMatrix) {
        var shape = first.shape
        if shape.count == 4, shape[0] == 1 { shape.removeFirst() }
        if shape.count == 3 {
            guard shape[2] >= 2 else { throw FigureError("figure \"\(a.request.id)\": the volume needs at least 2 feature maps, got \(formatShape(shape))") }
            func channel(_ c: Int) -> NumberMatrix? {
                switch first {
                case .int(let t): NumberMatrix(Tensor(shape: [shape[0], shape[1]], scalars: stride(from: c, to: t.count, by: shape[2]).map { t.scalars[$0] }))
                case .float(let t): NumberMatrix(Tensor(shape: [shape[0], shape[1]], scalars: stride(from: c, to: t.count, by: shape[2]).map { t.scalars[$0] }))
                }
            }
            if let p = channel(0), let q = channel(1) { return (p, q) }
        }
        guard let p = first.matrix, let second = try a.tensor(1, "map2"), let q = second.matrix, p.rows == q.rows, p.cols == q.cols else {
            throw FigureError("figure \"\(a.request.id)\": give a volume (H,W,C) or two maps of the same shape (H,W)")
        }
        return (p, q)
    }

    static func stackedNumbers(_ a: FigureArguments, _ p: NumberMatrix, _ q: NumberMatrix) -> Figure {
        let cell = 46.0
        let layout = StackLayout(side: (Double(p.cols) * cell, Double(p.rows) * cell))
        var doc = SVGDocument(width: layout.width, height: layout.height, title: "Two feature maps stacked along the depth",
                              desc: "Each filter gives its own \(p.rows)x\(p.cols) feature map; stacked along the depth they form a \(p.rows)x\(p.cols)x2 volume. The maps are computed independently and do not mix.")
        let grid = { (x: Double, y: Double) in MatrixGrid(rows: p.rows, cols: p.cols, x: x, y: y, cell: cell) }
        grid(layout.left, layout.top1).draw(&doc) { r, c in CellStyle(fill: Palette.lightOrange, text: p.text(r, c)) }
        grid(layout.left, layout.top2).draw(&doc) { r, c in CellStyle(fill: Palette.lightGreen, text: q.text(r, c)) }
        grid(layout.backX, layout.backY).draw(&doc) { r, c in CellStyle(fill: Palette.lightGreen, text: q.text(r, c), textColor: Palette.muted) }
        layout.depthEdges(&doc)
        grid(layout.frontX, layout.frontY).draw(&doc) { r, c in CellStyle(fill: Palette.lightOrange, text: p.text(r, c), bold: true) }
        layout.labels(&doc, shape: "\(p.rows)x\(p.cols)x2")
        return Figure(id: a.request.id, document: doc)
    }

    static func stackedImages(_ a: FigureArguments, _ p: NumberMatrix, _ q: NumberMatrix) throws(FigureError) -> Figure {
        let scale = Swift.max(1, (160 / Swift.max(p.rows, p.cols)))
        let (w, h) = (Double(p.cols * scale), Double(p.rows * scale))
        let layout = StackLayout(side: (w, h))
        let low = Swift.min(p.values.min() ?? 0, q.values.min() ?? 0), high = Swift.max(p.values.max() ?? 1, q.values.max() ?? 1)
        var doc = SVGDocument(width: layout.width, height: layout.height + 50, title: "Two feature maps stacked along the depth",
                              desc: "Two \(p.rows)x\(p.cols) feature maps, each from its own filter, drawn with the viridis colour map (\(fmt(low)) dark purple to \(fmt(high)) yellow); stacked along the depth they form a \(p.rows)x\(p.cols)x2 volume.")
        func uri(_ m: NumberMatrix) throws(FigureError) -> String {
            let t = Tensor<Float>(shape: [m.rows, m.cols], scalars: m.values.map { Float($0) })
            return try pngDataURI(try TensorImage.raster(t, range: (Float(low), Float(high))).enlarged(by: scale))
        }
        let (u1, u2) = (try uri(p), try uri(q))
        for (uri, x, y) in [(u1, layout.left, layout.top1), (u2, layout.left, layout.top2), (u2, layout.backX, layout.backY)] {
            doc.image(dataURI: uri, x: x, y: y, width: w, height: h)
            doc.rect(x: x, y: y, width: w, height: h, fill: "none", stroke: Palette.ink, strokeWidth: 1.5)
        }
        layout.depthEdges(&doc)
        doc.image(dataURI: u1, x: layout.frontX, y: layout.frontY, width: w, height: h)
        doc.rect(x: layout.frontX, y: layout.frontY, width: w, height: h, fill: "none", stroke: Palette.ink, strokeWidth: 2)
        layout.labels(&doc, shape: "\(p.rows)x\(p.cols)x2")
        // Colour bar with its end values, so the colours can be read as numbers.
        let bx = layout.frontX, by = layout.height + 6, bw = 240.0
        for i in 0..<24 {
            doc.rect(x: bx + Double(i) * bw / 24, y: by, width: bw / 24 + 0.5, height: 14, fill: Palette.viridisHex(Double(i) / 23))
        }
        doc.rect(x: bx, y: by, width: bw, height: 14, fill: "none", stroke: Palette.gridLine)
        doc.text(fmt(low), x: bx - 8, y: by + 12, size: 13, anchor: "end")
        doc.text(fmt(high), x: bx + bw + 8, y: by + 12, size: 13, anchor: "start")
        return Figure(id: a.request.id, document: doc)
    }

    /// `figure("relu", fm)`: a feature map before and after ReLU = max(0, x).
    /// Default: lesson 3's bar image convolved with its edge filter; `after` by the engine.
    static func relu(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["before", "after"])
        let before: NumericTensor
        if let given = try a.tensor(0, "before") { before = given } else {
            before = try engine(a.request.id) { () throws(TensorError) in
                try NumericTensor.int(barImage).conv2d(.int(edgeFilter), stride: 1, padding: .valid)
            }
        }
        let after: NumericTensor
        if let given = try a.tensor(1, "after") { after = given } else {
            switch before {
            case .int(let t): after = .int(t.relu())
            case .float(let t): after = .float(t.relu())
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
        if let given = try a.tensor(1, "output") {
            y = given
        } else {
            y = try engine(a.request.id) { () throws(TensorError) -> NumericTensor in
                switch x {
                case .int(let t): return .int(try t.maxPool(size: (k, k)))
                case .float(let t): return .float(try t.maxPool(size: (k, k)))
                }
            }
        }
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
            // Cells past the last whole window (an odd side) belong to no window.
            guard r / k < ym.rows, c / k < ym.cols else { return CellStyle(fill: Palette.paper, text: xm.text(r, c), bold: false) }
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
