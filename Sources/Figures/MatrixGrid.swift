/// How one cell of a matrix grid looks.
struct CellStyle {
    var fill: String = Palette.paper
    var text: String? = nil
    var textColor: String = Palette.ink
    var bold = false
    /// A second, smaller line under the value (the filter weight in "×1" form).
    var note: String? = nil
    /// Padding cells get a hatched gray fill and a dashed border.
    var padding = false
}

/// A matrix drawn as a grid of square cells with values, at a position on the canvas.
///
/// Row r, column c is the cell at (x + c * cell, y + r * cell). Padding cells, highlighted
/// cells and marked windows never rely on colour alone: padding is hatched and dashed,
/// windows are thick outlines.
struct MatrixGrid {
    let rows: Int, cols: Int
    let x: Double, y: Double
    let cell: Double
    var fontSize: Double { cell * 0.4 }

    var width: Double { Double(cols) * cell }
    var height: Double { Double(rows) * cell }

    func cellX(_ c: Int) -> Double { x + Double(c) * cell }
    func cellY(_ r: Int) -> Double { y + Double(r) * cell }

    /// Draws every cell with the style the closure gives it.
    func draw(_ doc: inout SVGDocument, style: (Int, Int) -> CellStyle) {
        for r in 0..<rows {
            for c in 0..<cols {
                let s = style(r, c)
                let (cx, cy) = (cellX(c), cellY(r))
                if s.padding {
                    doc.rect(x: cx, y: cy, width: cell, height: cell, fill: doc.paddingFill(), stroke: "#9a9a9a", strokeWidth: 1, dash: "4 3")
                } else {
                    doc.rect(x: cx, y: cy, width: cell, height: cell, fill: s.fill, stroke: Palette.gridLine, strokeWidth: 1)
                }
                guard let t = s.text else { continue }
                if let note = s.note {
                    doc.text(t, x: cx + cell / 2, y: cy + cell * 0.42, size: fontSize, weight: s.bold ? "bold" : nil, fill: s.textColor, centered: true)
                    doc.text(note, x: cx + cell / 2, y: cy + cell * 0.78, size: fontSize * 0.72, fill: Palette.vermillion, centered: true)
                } else {
                    doc.text(t, x: cx + cell / 2, y: cy + cell / 2, size: fontSize, weight: s.bold ? "bold" : nil, fill: s.textColor, centered: true)
                }
            }
        }
    }

    /// A thick outline around rows r..<r+h, columns c..<c+w (a window or a pooling region).
    func outline(_ doc: inout SVGDocument, row r: Int, col c: Int, height h: Int, width w: Int,
                 color: String = Palette.blue, lineWidth: Double = 4, dash: String? = nil) {
        let inset = lineWidth / 2
        doc.rect(x: cellX(c) + inset, y: cellY(r) + inset, width: Double(w) * cell - lineWidth,
                 height: Double(h) * cell - lineWidth, fill: "none", stroke: color, strokeWidth: lineWidth, dash: dash)
    }

    /// A caption centred above the grid.
    func caption(_ doc: inout SVGDocument, _ text: String, size: Double = 17) {
        doc.text(text, x: x + width / 2, y: y - 12, size: size, weight: "bold")
    }

    /// A note centred below the grid.
    func footnote(_ doc: inout SVGDocument, _ text: String, size: Double = 14, offset: Double = 24) {
        doc.text(text, x: x + width / 2, y: y + height + offset, size: size, fill: Palette.muted)
    }
}
