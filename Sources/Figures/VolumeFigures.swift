import Tensor

/// Figures of sections 2.1 (3-D convolution) and 2.4 (pooling a volume): boxes whose sizes
/// come from the engine's window geometry ('same' padding keeps 32x32).
enum VolumeFigures {
    /// Input (H,W,C), filter (KH,KW,C), filter count F, output (OH,OW,F) of a 3-D convolution.
    struct ConvShapes {
        var h, w, c, kh, kw, f, oh, ow: Int
    }

    /// Reads `input` (a tensor (H,W,C) or (1,H,W,C), or a list of sizes) and `filter`
    /// ((KH,KW,C) or (KH,KW,C,F)), `filters` (F) and `padding` ("same" or "valid");
    /// the output size comes from the engine's `WindowGeometry`.
    static func convShapes(_ a: FigureArguments, filters defaultF: Int) throws(FigureError) -> ConvShapes {
        var input = try a.shape(0, "input") ?? [32, 32, 3]
        if input.count == 4, input[0] == 1 { input.removeFirst() }
        let filter = try a.shape(1, "filter") ?? [5, 5, input.last ?? 3]
        guard input.count == 3, filter.count == 3 || filter.count == 4, filter[2] == input[2] else {
            throw FigureError("figure \"\(a.request.id)\": input must be (H,W,C) and filter (KH,KW,C) with the same C, got \(formatShape(input)) and \(formatShape(filter))")
        }
        let f = try a.int(2, "filters") ?? (filter.count == 4 ? filter[3] : defaultF)
        let padding: Padding = (try a.string(nil, "padding") ?? "same") == "valid" ? .valid : .same
        let g = try engine(a.request.id) { () throws(TensorError) in
            try WindowGeometry(inputHeight: input[0], inputWidth: input[1], kernelHeight: filter[0], kernelWidth: filter[1], padding: padding)
        }
        return ConvShapes(h: input[0], w: input[1], c: input[2], kh: filter[0], kw: filter[1], f: f, oh: g.outputHeight, ow: g.outputWidth)
    }

    static let labels: Set<String> = ["input", "filter", "filters", "padding"]

    /// The input box, the filter on it at cell (row, col), the output volume; returns the doc.
    static func scene(_ s: ConvShapes, title: String, desc: String, filterAt cells: [(Int, Int)], current: Int,
                      outputDepth: Int, showAllFilters: Bool) -> SVGDocument {
        let unit = 5.0
        var doc = SVGDocument(width: 900, height: 400, title: title, desc: desc)
        let input = VolumeBox(x: 60, y: 140, width: VolumeScale.spatial(s.w, unit: unit), height: VolumeScale.spatial(s.h, unit: unit),
                              depth: VolumeScale.depth(s.c), kind: .input)
        input.draw(&doc)
        input.drawSlices(&doc, s.c)
        input.label(&doc, ["Input", "\(s.h)x\(s.w)x\(s.c)"])

        let outX = showAllFilters ? 560.0 : 520.0
        let output = VolumeBox(x: outX, y: 140, width: VolumeScale.spatial(s.ow, unit: unit), height: VolumeScale.spatial(s.oh, unit: unit),
                               depth: VolumeScale.depth(outputDepth), kind: outputDepth == 1 ? .slice : .output)
        output.draw(&doc)
        output.drawSlices(&doc, outputDepth)
        if outputDepth > 1 {
            output.label(&doc, ["Output volume", "\(s.oh)x\(s.ow)x\(outputDepth): \(outputDepth) feature maps stacked"])
        } else {
            output.label(&doc, ["Feature map", "\(s.oh)x\(s.ow)x1"])
        }

        // Cells of the output already computed, and the filter at each location.
        for (i, (r, c)) in cells.enumerated() where i <= current {
            let (px, py) = output.point(u: Double(c) / Double(s.ow), v: Double(r) / Double(s.oh))
            doc.rect(x: px, y: py, width: unit, height: unit, fill: i == current ? Palette.vermillion : "#8a3b12", stroke: Palette.ink, strokeWidth: 0.8)
        }
        let (r, c) = cells[current]
        let fx = input.x + Double(c - s.kw / 2) * unit, fy = input.y + Double(r - s.kh / 2) * unit
        let filter = VolumeBox(x: fx, y: fy, width: Double(s.kw) * unit, height: Double(s.kh) * unit, depth: input.depth, kind: .filter)
        filter.draw(&doc, strokeWidth: 1.6)
        let (tx, ty) = output.point(u: (Double(c) + 0.5) / Double(s.ow), v: (Double(r) + 0.5) / Double(s.oh))
        doc.line(x1: fx + filter.width + filter.ddx, y1: fy + filter.ddy, x2: tx, y2: ty, stroke: Palette.vermillion, width: 1.4, dash: "5 4")
        doc.line(x1: fx + filter.width, y1: fy + filter.height, x2: tx, y2: ty, stroke: Palette.vermillion, width: 1.4, dash: "5 4")
        // The filter's own label sits just above it, on a white band so it reads over the input.
        let label = showAllFilters ? "filter 1: \(s.kh)x\(s.kw)x\(s.c)" : "Filter \(s.kh)x\(s.kw)x\(s.c)"
        let lw = textWidth(label, size: 15) * 1.05, lx = Swift.max(fx + filter.extentX / 2, input.x + lw / 2 - 20)
        let ly = fy + filter.ddy - 12
        doc.rect(x: lx - lw / 2 - 4, y: ly - 16, width: lw + 8, height: 22, fill: Palette.paper, stroke: Palette.muted, strokeWidth: 1, rx: 4, opacity: 0.92)
        doc.text(label, x: lx, y: ly, size: 15, weight: "bold")
        // A ring around the output cell being computed, so the single cell is easy to find.
        doc.circle(cx: tx, cy: ty, r: 9, fill: "none", stroke: Palette.vermillion, strokeWidth: 2.5)
        doc.text("the filter spans the whole depth (\(s.c)); each location gives one number",
                 x: 450, y: 388, size: 14, fill: Palette.muted)
        if showAllFilters {
            // A stack of small cubes standing for the F filters.
            let n = s.f, cube = 20.0
            for i in 0..<n {
                let col = i % 5, row = i / 5
                let b = VolumeBox(x: 330 + Double(col) * 34, y: 225 + Double(row) * 46, width: cube, height: cube, depth: 12, kind: .filter)
                b.draw(&doc)
            }
            doc.text("\(n) filters, each \(s.kh)x\(s.kw)x\(s.c)", x: 330 + 80, y: 225 + Double((n + 4) / 5) * 46 + 8, size: 15, weight: "bold")
            doc.arrow(x1: 270, y1: 260, x2: 318, y2: 260)
            doc.arrow(x1: 505, y1: 260, x2: outX - 12, y2: 260)
        } else {
            doc.arrow(x1: 330, y1: 90, x2: outX - 30, y2: 90)
            doc.text("convolve", x: (330 + outX - 30) / 2, y: 80, size: 14, fill: Palette.muted)
        }
        return doc
    }

    /// `figure("conv3d-single-filter", input, filter)`: one 5x5x3 filter over a 32x32x3 input.
    static func singleFilter(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(labels)
        let s = try convShapes(a, filters: 1)
        let desc = "A \(s.kh)x\(s.kw)x\(s.c) filter covers the full depth of the \(s.h)x\(s.w)x\(s.c) input; at each location the \(s.kh * s.kw * s.c) products sum to one number, and all locations together make a \(s.oh)x\(s.ow)x1 feature map."
        let doc = scene(s, title: "3-D convolution with one filter", desc: desc, filterAt: [(s.oh / 3, s.ow / 3)], current: 0, outputDepth: 1, showAllFilters: false)
        return Figure(id: a.request.id, document: doc)
    }

    /// `figure("conv3d-ten-filters", input, filter, filters: 10)`: F filters give an OHxOWxF volume.
    static func tenFilters(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(labels)
        let s = try convShapes(a, filters: 10)
        let desc = "\(s.f) filters of \(s.kh)x\(s.kw)x\(s.c) each make one \(s.oh)x\(s.ow)x1 feature map; stacked along the depth they form the \(s.oh)x\(s.ow)x\(s.f) output of the convolution layer."
        let doc = scene(s, title: "3-D convolution with \(s.f) filters", desc: desc, filterAt: [(s.oh / 3, s.ow / 3)], current: 0, outputDepth: s.f, showAllFilters: true)
        return Figure(id: a.request.id, document: doc)
    }

    /// `figure("conv3d-sliding", input, filter)`: the filter at four locations, animated.
    static func sliding(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(labels)
        let s = try convShapes(a, filters: 1)
        let near = Swift.max(s.kh / 2 + 2, 0), farR = s.oh - 1 - near, farC = s.ow - 1 - near
        let cells = [(near, near), (near, farC), (farR, near), (farR, farC)]
        let desc = "The \(s.kh)x\(s.kw)x\(s.c) filter shown at four locations of the \(s.h)x\(s.w)x\(s.c) input; each location gives one value of the \(s.oh)x\(s.ow)x1 feature map (the real convolution visits every location)."
        let docs = (0..<cells.count).map { i in
            var d = scene(s, title: "Sliding a 3-D filter", desc: desc, filterAt: cells, current: i, outputDepth: 1, showAllFilters: false)
            d.text("location \(i + 1) of 4: output row \(cells[i].0 + 1), column \(cells[i].1 + 1)", x: 450, y: 24, size: 15)
            return d
        }
        return Animation.figure(id: a.request.id, frames: docs, title: "Sliding a 3-D filter", desc: desc)
    }

    /// `figure("pooling-volume", input, size: 2)`: max pooling halves height and width, keeps depth.
    static func poolingVolume(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "size"])
        var input = try a.shape(0, "input") ?? [32, 32, 10]
        if input.count == 4, input[0] == 1 { input.removeFirst() }
        guard input.count == 3 else { throw FigureError("figure \"\(a.request.id)\": input must be (H,W,C), got \(formatShape(input))") }
        let k = try a.int(1, "size") ?? 2
        let g = try engine(a.request.id) { () throws(TensorError) in
            try WindowGeometry(inputHeight: input[0], inputWidth: input[1], kernelHeight: k, kernelWidth: k, stride: (k, k), padding: .valid)
        }
        let (h, w, c, oh, ow) = (input[0], input[1], input[2], g.outputHeight, g.outputWidth)
        var doc = SVGDocument(width: 760, height: 360, title: "Pooling a volume",
                              desc: "Max pooling with a \(k)x\(k) window and stride \(k) turns the \(h)x\(w)x\(c) volume into \(oh)x\(ow)x\(c): each of the \(c) depth slices is pooled on its own, so height and width shrink and the depth stays \(c).")
        let inBox = VolumeBox(x: 70, y: 110, width: VolumeScale.spatial(w), height: VolumeScale.spatial(h), depth: VolumeScale.depth(c), kind: .output)
        inBox.draw(&doc); inBox.drawSlices(&doc, c)
        inBox.label(&doc, ["Input", "\(h)x\(w)x\(c)"])
        let outBox = VolumeBox(x: 500, y: 110 + (inBox.height - VolumeScale.spatial(oh)), width: VolumeScale.spatial(ow), height: VolumeScale.spatial(oh), depth: VolumeScale.depth(c), kind: .pooled)
        outBox.draw(&doc); outBox.drawSlices(&doc, c)
        outBox.label(&doc, ["Pooled", "\(oh)x\(ow)x\(c)"])
        let y = inBox.y + inBox.height / 2
        doc.arrow(x1: inBox.x + inBox.extentX + 20, y1: y, x2: outBox.x - 20, y2: y, width: 2.5)
        doc.text("max pool \(k)x\(k), stride \(k)", x: (inBox.x + inBox.extentX + outBox.x) / 2, y: y - 14, size: 15, weight: "bold")
        doc.text("each depth slice on its own", x: (inBox.x + inBox.extentX + outBox.x) / 2, y: y + 26, size: 14, fill: Palette.muted)
        return Figure(id: a.request.id, document: doc)
    }
}
