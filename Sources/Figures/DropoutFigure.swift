import Tensor

/// Section 4.1: a small fully connected layer before and after dropout drops input units.
///
/// Lesson 10's example: four input units `a` feed two outputs through weights `W` (IN,OUT);
/// `da` is `a` after the engine's seeded `dropout` (0 where a unit is dropped, the others
/// scaled by 1/(1-rate)). The outputs are a dense layer computed by the engine as a 1x1
/// convolution: input (1,1,1,IN) with kernel (1,1,IN,OUT), which is exactly `a @ W`.
enum DropoutFigure {
    static let defaultInput = Tensor<Float>(shape: [4], scalars: [1, 2, 3, 4])
    static let defaultWeights = Tensor<Float>(shape: [4, 2], scalars: [1, 0, 0, 1, 1, 1, 2, -1])
    /// Without `da`, the figure drops these input units (an illustration choice, not a
    /// random draw) and scales the others by 1/(1-rate).
    static let defaultDropped: Set<Int> = [0, 3]

    /// `figure("dropout", a, W, da, rate: 0.5, seed: 11)`; `seed` only labels the figure.
    static func make(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "weights", "dropped", "rate", "seed"])
        let x = try a.tensor(0, "input")?.asFloat ?? defaultInput
        let w = try a.tensor(1, "weights")?.asFloat ?? defaultWeights
        let rate = try a.double(nil, "rate") ?? 0.5
        let seed = try a.int(nil, "seed")
        guard x.rank == 1, w.rank == 2, w.shape[0] == x.shape[0], x.shape[0] <= 8, w.shape[1] <= 6, rate >= 0, rate < 1 else {
            throw FigureError("figure \"dropout\": needs a (IN) vector and (IN,OUT) weights with IN <= 8 and OUT <= 6 and a rate in [0, 1), got \(formatShape(x.shape)) and \(formatShape(w.shape))")
        }
        let dropped: Tensor<Float>
        if let given = try a.tensor(2, "dropped")?.asFloat {
            guard given.shape == x.shape else { throw FigureError("figure \"dropout\": da must have the shape of a, \(formatShape(x.shape)), got \(formatShape(given.shape))") }
            dropped = given
        } else if a.request.positional.count >= 2 {
            throw FigureError("figure \"dropout\" needs the dropped-out input as its third argument",
                              hint: "da = dropout(a, rate: \(fmt(rate))\(seed.map { ", seed: \($0)" } ?? "")); figure(\"dropout\", a, W, da, rate: \(fmt(rate)))")
        } else {
            let scale = Float(1 / (1 - rate))
            dropped = Tensor(shape: x.shape, scalars: x.scalars.enumerated().map { defaultDropped.contains($0.offset) ? 0 : $0.element * scale })
        }
        let id = a.request.id
        let kernel = try engine(id) { () throws(TensorError) in try w.reshaped([1, 1, w.shape[0], w.shape[1]]) }
        let y = try engine(id) { () throws(TensorError) in try x.reshaped([1, 1, 1, x.count]).conv2dReference(kernel).reshaped([w.shape[1]]) }
        let dy = try engine(id) { () throws(TensorError) in try dropped.reshaped([1, 1, 1, x.count]).conv2dReference(kernel).reshaped([w.shape[1]]) }
        let n = x.count, m = w.shape[1]
        let panelW = 420.0, unitGap = 64.0
        let h = 100 + Double(Swift.max(n, m)) * unitGap + 70
        let keptCount = dropped.scalars.filter { $0 != 0 }.count
        var doc = SVGDocument(width: 2 * panelW + 80, height: h, title: "Dropout",
                              desc: "A dense layer with \(n) inputs \(list(x)) and \(m) outputs \(list(y)). With dropout (rate \(fmt(rate))) \(n - keptCount) inputs are dropped and their connections disabled; the \(keptCount) kept inputs are scaled by 1/(1-rate) to \(list(dropped)), and the outputs become \(list(dy)).")
        for panel in 0..<2 {
            let ox = 40 + Double(panel) * (panelW + 40)
            let values = panel == 0 ? x : dropped
            let outs = panel == 0 ? y : dy
            func pos(_ layer: Int, _ u: Int, _ count: Int) -> (Double, Double) {
                (ox + 90 + Double(layer) * 240, 100 + (Double(Swift.max(n, m) - count)) * unitGap / 2 + Double(u) * unitGap + unitGap / 2)
            }
            let kept = { (u: Int) in panel == 0 || dropped.scalars[u] != 0 }
            for u in 0..<n where kept(u) {
                for v in 0..<m {
                    let (x1, y1) = pos(0, u, n), (x2, y2) = pos(1, v, m)
                    doc.line(x1: x1 + 24, y1: y1, x2: x2 - 24, y2: y2, stroke: "#8c8c8c", width: 1.3)
                }
            }
            for u in 0..<n {
                let (cx, cy) = pos(0, u, n)
                if kept(u) {
                    doc.circle(cx: cx, cy: cy, r: 24, fill: Palette.lightSky, stroke: Palette.ink, strokeWidth: 1.6)
                    doc.text(fmt(Double(values.scalars[u])), x: cx, y: cy, size: 16, weight: "bold", centered: true)
                } else {
                    doc.circle(cx: cx, cy: cy, r: 24, fill: "#f2f2f2", stroke: Palette.muted, strokeWidth: 1.6, dash: "4 3")
                    doc.line(x1: cx - 12, y1: cy - 12, x2: cx + 12, y2: cy + 12, stroke: Palette.vermillion, width: 3)
                    doc.line(x1: cx - 12, y1: cy + 12, x2: cx + 12, y2: cy - 12, stroke: Palette.vermillion, width: 3)
                }
            }
            for v in 0..<m {
                let (cx, cy) = pos(1, v, m)
                doc.circle(cx: cx, cy: cy, r: 24, fill: Palette.lightGreen, stroke: Palette.ink, strokeWidth: 1.6)
                doc.text(fmt(Double(outs.scalars[v])), x: cx, y: cy, size: 16, weight: "bold", centered: true)
            }
            doc.text(panel == 0 ? "Without dropout" : "With dropout (rate \(fmt(rate))\(seed.map { ", seed \($0)" } ?? ""))", x: ox + panelW / 2, y: 36, size: 17, weight: "bold")
            doc.text("inputs", x: pos(0, 0, n).0, y: 74, size: 14, fill: Palette.muted)
            doc.text("outputs", x: pos(1, 0, m).0, y: 74, size: 14, fill: Palette.muted)
        }
        doc.text("✕ dashed: a dropped input, its connections disabled for this step; kept inputs are scaled by 1/(1 - \(fmt(rate))) = \(fmt(1 / (1 - rate)))",
                 x: (2 * panelW + 80) / 2, y: h - 24, size: 14, fill: Palette.muted)
        return Figure(id: a.request.id, document: doc)
    }

    static func list(_ t: Tensor<Float>) -> String {
        "[" + t.scalars.map { fmt(Double($0)) }.joined(separator: ", ") + "]"
    }
}
