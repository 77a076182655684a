import Tensor

/// Section 5: stacked 3x3 convolutions see a growing region of the input: two see 5x5,
/// three see 7x7.
enum ReceptiveFieldFigure {
    /// The side of the input region one output cell depends on after `layers` stacked k x k
    /// convolutions (stride 1), found with the engine: an impulse convolved `layers` times with
    /// a k x k filter of ones ('same' padding) is non-zero exactly on that region.
    static func regions(layers: Int, kernel k: Int) throws(TensorError) -> [Int] {
        let side = 2 * layers * (k / 2) + 3
        var dot = Tensor<Int>(repeating: 0, shape: [side, side])
        dot[[side / 2, side / 2]] = 1
        return try spread(dot: dot, box: Tensor<Int>(repeating: 1, shape: [k, k]), layers: layers).sizes
    }

    /// Convolves `dot` (an impulse) with `box` ('same' padding) `layers` times; returns the
    /// side of the non-zero square after each step (sizes[0] = 1) and the final counts, which
    /// are the numbers of paths from the output cell to each input cell.
    static func spread(dot: Tensor<Int>, box: Tensor<Int>, layers: Int) throws(TensorError) -> (sizes: [Int], counts: Tensor<Int>) {
        var t = dot
        var sizes = [nonZeroSide(t)]
        for _ in 0..<layers {
            t = try t.conv2d(box, padding: .same)
            sizes.append(nonZeroSide(t))
        }
        return (sizes, t)
    }

    static func nonZeroSide(_ t: Tensor<Int>) -> Int {
        (0..<t.shape[0]).filter { r in (0..<t.shape[1]).contains { t[[r, $0]] != 0 } }.count
    }

    /// The default impulse: a 9x9 plane of zeros with a 1 in the middle (lesson 11's `dot`).
    static let defaultDot: Tensor<Int> = {
        var t = Tensor<Int>(repeating: 0, shape: [9, 9])
        t[[4, 4]] = 1
        return t
    }()

    /// `figure("receptive-field-3x3-stack", dot, box)`: an impulse plane and a k x k filter of
    /// ones; rows for two and three stacked convolutions, the input cells showing how many
    /// paths lead from them to the output cell.
    static func make(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["dot", "box"])
        guard case .int(let dot) = try a.plane(0, "dot", default: .int(defaultDot)),
              case .int(let box) = try a.plane(1, "box", default: .int(Tensor<Int>(repeating: 1, shape: [3, 3]))) else {
            throw FigureError("figure \"\(a.request.id)\": dot and box must be integer tensors")
        }
        let k = box.shape[0]
        let reach = 3 * (k / 2)
        let hits = dot.scalars.indices.filter { dot.scalars[$0] != 0 }
        guard box.shape == [k, k], k % 2 == 1, hits.count == 1, let hit = hits.first,
              (reach..<(dot.shape[0] - reach)).contains(hit / dot.shape[1]),
              (reach..<(dot.shape[1] - reach)).contains(hit % dot.shape[1]) else {
            throw FigureError("figure \"\(a.request.id)\": dot must be a plane with one non-zero cell at least \(reach) cells from every edge, and box an odd square filter")
        }
        let (dotRow, dotCol) = (hit / dot.shape[1], hit % dot.shape[1])
        let (two, twoCounts) = try engine(a.request.id) { () throws(TensorError) in try spread(dot: dot, box: box, layers: 2) }
        let (three, threeCounts) = try engine(a.request.id) { () throws(TensorError) in try spread(dot: dot, box: box, layers: 3) }
        let cell = 30.0
        let rowH = Double(three[3]) * cell + 110
        let width = 40 + 4 * (Double(three[3]) * cell + 70) + 40
        var doc = SVGDocument(width: width, height: 2 * rowH + 40, title: "Receptive field of stacked \(k)x\(k) convolutions",
                              desc: "One output cell after two stacked \(k)x\(k) convolutions depends on a \(two[2])x\(two[2]) region of the input; after three, on a \(three[3])x\(three[3]) region.")
        for (row, (sizes, counts)) in [(two, twoCounts), (three, threeCounts)].enumerated() {
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
                // The counts sit centred on the dot's row and column.
                let cr = dotRow - side / 2, cc = dotCol - side / 2
                g.draw(&doc) { r, c in
                    let inside = r >= lo && r < lo + region && c >= lo && c < lo + region
                    let count = j == 0 && inside ? String(counts[[cr + r, cc + c]]) : nil
                    return CellStyle(fill: inside ? fill : Palette.paper, text: count)
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
            doc.text("\(n) stacked \(k)x\(k) convolutions see \(side)x\(side) of the input (numbers: paths to the output cell)", x: 40, y: y - 18, size: 16, anchor: "start", weight: "bold")
        }
        return Figure(id: a.request.id, document: doc)
    }
}
