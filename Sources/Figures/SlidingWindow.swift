import Tensor

/// One frame of a sliding-window figure: the (padded) input with the window and its products,
/// and the feature map filled up to the current window.
///
/// Input (H,W), filter (KH,KW), output (OH,OW) as computed by the engine; `pad` rings of zero
/// cells around the input; window number `step` (0-based, row-major) is the current one.
struct SlidingWindowFrame {
    var input: NumberMatrix
    var filter: NumberMatrix
    var output: NumberMatrix
    var stride = 1
    var padTop = 0, padLeft = 0, padBottom = 0, padRight = 0
    var inputCaption = "Input × Filter"
    var outputCaption = "Feature map"
    var showProducts = true
    var showEquation = true
    var showFilter = false
    var cell = 52.0

    var paddedRows: Int { input.rows + padTop + padBottom }
    var paddedCols: Int { input.cols + padLeft + padRight }

    /// The canvas size, the same for every step.
    var size: (Double, Double) {
        let inputW = Double(paddedCols) * cell
        var w = 40 + inputW + 110 + outputColumn + 40
        if showFilter { w += Double(filter.cols) * cell + 60 }
        let gridH = Swift.max(Double(paddedRows), Double(output.rows)) * cell
        let h = 60 + gridH + (showEquation ? 90 : 50)
        return (Swift.max(w, showEquation ? equationWidth + 60 : 0), h)
    }

    /// The output grid's column: wide enough for its caption.
    var outputColumn: Double {
        Swift.max(Double(output.cols) * cell, textWidth(outputCaption, size: 17) * 1.1)
    }

    var equationWidth: Double {
        let terms = filter.rows * filter.cols
        return textWidth(String(repeating: "0×0 + ", count: terms) + "= 00", size: 16)
    }

    func draw(step: Int, title: String, desc: String) -> SVGDocument {
        let (w, h) = size
        var doc = SVGDocument(width: w, height: h, title: title, desc: desc)
        let oy = step / output.cols, ox = step % output.cols
        let top = 60.0
        let grid = MatrixGrid(rows: paddedRows, cols: paddedCols, x: 40, y: top, cell: cell)
        let wy = oy * stride, wx = ox * stride
        let inWindow = { (r: Int, c: Int) in r >= wy && r < wy + filter.rows && c >= wx && c < wx + filter.cols }
        grid.draw(&doc) { r, c in
            let ir = r - padTop, ic = c - padLeft
            let isPad = ir < 0 || ic < 0 || ir >= input.rows || ic >= input.cols
            var s = CellStyle()
            s.padding = isPad
            s.text = isPad ? "0" : input.text(ir, ic)
            if isPad { s.textColor = Palette.muted }
            if inWindow(r, c) {
                if !isPad { s.fill = Palette.lightBlue }
                if showProducts { s.note = "×" + filter.text(r - wy, c - wx) }
            }
            return s
        }
        grid.outline(&doc, row: wy, col: wx, height: filter.rows, width: filter.cols)
        grid.caption(&doc, inputCaption)

        var right = grid.x + grid.width
        if showFilter {
            let fg = MatrixGrid(rows: filter.rows, cols: filter.cols, x: right + 60, y: top, cell: cell)
            fg.draw(&doc) { r, c in CellStyle(fill: Palette.lightOrange, text: filter.text(r, c)) }
            fg.caption(&doc, "Filter")
            right = fg.x + fg.width
        }

        let outGrid = MatrixGrid(rows: output.rows, cols: output.cols, x: right + 110 + (outputColumn - Double(output.cols) * cell) / 2, y: top, cell: cell)
        let midY = top + Swift.min(grid.height, outGrid.height) / 2
        doc.arrow(x1: right + 18, y1: midY, x2: right + 92, y2: midY, stroke: Palette.ink, width: 2.5)
        outGrid.draw(&doc) { r, c in
            let k = r * output.cols + c
            var s = CellStyle()
            if k <= step { s.text = output.text(r, c) }
            if k == step { s.fill = Palette.lightBlue; s.bold = true }
            return s
        }
        outGrid.outline(&doc, row: oy, col: ox, height: 1, width: 1)
        outGrid.caption(&doc, outputCaption)

        let bottom = top + Swift.max(grid.height, outGrid.height)
        if showEquation {
            var terms = [String]()
            for r in 0..<filter.rows {
                for c in 0..<filter.cols {
                    let ir = wy + r - padTop, ic = wx + c - padLeft
                    let v = (ir < 0 || ic < 0 || ir >= input.rows || ic >= input.cols) ? "0" : input.text(ir, ic)
                    terms.append("\(v)×\(filter.text(r, c))")
                }
            }
            let eq = terms.joined(separator: " + ") + " = " + output.text(oy, ox)
            doc.text(eq, x: w / 2, y: bottom + 40, size: 16)
            doc.text("window \(step + 1) of \(output.rows * output.cols): the sum of the products goes into the feature map",
                     x: w / 2, y: bottom + 68, size: 14, fill: Palette.muted)
        } else {
            doc.text("window \(step + 1) of \(output.rows * output.cols)", x: w / 2, y: bottom + 36, size: 14, fill: Palette.muted)
        }
        return doc
    }
}
