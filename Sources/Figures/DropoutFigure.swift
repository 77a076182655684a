/// Section 4.1: a small fully connected network before and after dropout drops units.
enum DropoutFigure {
    /// Units per layer: input, two hidden layers, output.
    static let defaultLayers = [4, 5, 5, 2]
    /// The units the example drops (0 = dropped) in the input and hidden layers. This is the
    /// figure's input; a lesson passes masks from the engine's seeded `dropout` instead.
    static let defaultMasks = [[1, 0, 1, 1], [1, 0, 1, 0, 1], [0, 1, 1, 0, 1]]

    /// `figure("dropout", layers: [4, 5, 5, 2], masks: [m0, m1, m2], rate: 0.5)`: each mask is a
    /// tensor or list for one non-output layer, 0 where a unit is dropped.
    static func make(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers", "masks", "rate"])
        let layers = try a.shape(nil, "layers") ?? defaultLayers
        let rate = try a.double(nil, "rate") ?? 0.5
        var masks = defaultMasks
        if let v = a.request.labelled["masks"] {
            masks = []
            guard case .list(let items) = v else { throw FigureError("figure \"dropout\": masks must be a list of masks") }
            for item in items {
                switch item {
                case .intTensor(let t): masks.append(t.scalars.map { $0 == 0 ? 0 : 1 })
                case .floatTensor(let t): masks.append(t.scalars.map { $0 == 0 ? 0 : 1 })
                case .list(let xs): masks.append(xs.map { $0 == .int(0) || $0 == .float(0) ? 0 : 1 })
                default: throw FigureError("figure \"dropout\": each mask must be a tensor or a list of 0 and 1")
                }
            }
        }
        guard layers.count >= 2, masks.count == layers.count - 1, zip(masks, layers).allSatisfy({ $0.count == $1 }) else {
            throw FigureError("figure \"dropout\": need one mask per non-output layer, sized like the layer (layers \(layers))")
        }
        let panelW = Double(layers.count - 1) * 120 + 120
        let maxUnits = Double(layers.max() ?? 1)
        let h = 90 + maxUnits * 50 + 90
        let dropped = masks.map { $0.filter { $0 == 0 }.count }.reduce(0, +)
        var doc = SVGDocument(width: 2 * panelW + 80, height: h, title: "Dropout",
                              desc: "Left: a fully connected network with layers of \(layers.map(String.init).joined(separator: ", ")) units. Right: the same network during one training step with dropout rate \(fmt(rate)): \(dropped) input and hidden units are dropped (crossed out, dashed) and their connections disabled; output units are never dropped.")
        for panel in 0..<2 {
            let ox = 40 + Double(panel) * (panelW + 40)
            let useMask = panel == 1
            func pos(_ l: Int, _ u: Int) -> (Double, Double) {
                let n = Double(layers[l])
                return (ox + 60 + Double(l) * 120, 90 + (maxUnits - n) * 25 + Double(u) * 50 + 25)
            }
            func kept(_ l: Int, _ u: Int) -> Bool { !useMask || l >= masks.count || masks[l][u] != 0 }
            for l in 0..<(layers.count - 1) {
                for u in 0..<layers[l] {
                    for v in 0..<layers[l + 1] where kept(l, u) && kept(l + 1, v) {
                        let (x1, y1) = pos(l, u), (x2, y2) = pos(l + 1, v)
                        doc.line(x1: x1, y1: y1, x2: x2, y2: y2, stroke: "#8c8c8c", width: 1.1)
                    }
                }
            }
            for l in 0..<layers.count {
                for u in 0..<layers[l] {
                    let (x, y) = pos(l, u)
                    if kept(l, u) {
                        let fill = l == 0 ? Palette.lightSky : (l == layers.count - 1 ? Palette.lightGreen : Palette.lightOrange)
                        doc.circle(cx: x, cy: y, r: 16, fill: fill, stroke: Palette.ink, strokeWidth: 1.6)
                    } else {
                        doc.circle(cx: x, cy: y, r: 16, fill: "#f2f2f2", stroke: Palette.muted, strokeWidth: 1.6, dash: "4 3")
                        doc.line(x1: x - 9, y1: y - 9, x2: x + 9, y2: y + 9, stroke: Palette.vermillion, width: 3)
                        doc.line(x1: x - 9, y1: y + 9, x2: x + 9, y2: y - 9, stroke: Palette.vermillion, width: 3)
                    }
                }
            }
            doc.text(panel == 0 ? "Without dropout" : "With dropout (rate \(fmt(rate)))", x: ox + panelW / 2, y: 36, size: 17, weight: "bold")
            let names = ["input"] + Array(repeating: "hidden", count: layers.count - 2) + ["output"]
            for l in 0..<layers.count {
                doc.text(names[l], x: pos(l, 0).0, y: 70, size: 14, fill: Palette.muted)
            }
        }
        doc.text("✕ dashed: a dropped unit; its connections are disabled for this training step only", x: (2 * panelW + 80) / 2, y: h - 30, size: 14, fill: Palette.muted)
        return Figure(id: a.request.id, document: doc)
    }
}
