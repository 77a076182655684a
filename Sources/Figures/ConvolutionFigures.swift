import Tensor

/// The tutorial's 2-D example (section 2.1): a 5x5 binary input and a 3x3 filter. These are
/// inputs; every result drawn from them is computed by the engine.
enum TutorialExample {
    static let input = Tensor<Int>(shape: [5, 5], scalars: [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0])
    static let filter = Tensor<Int>(shape: [3, 3], scalars: [1, 0, 1, 0, 1, 0, 1, 0, 1])
}

/// Figures of section 2.1: the input and filter, single steps, the whole animation.
enum ConvolutionFigures {
    static func operands(_ a: FigureArguments) throws(FigureError) -> (NumericTensor, NumericTensor) {
        (try a.plane(0, "input", default: .int(TutorialExample.input)),
         try a.plane(1, "filter", default: .int(TutorialExample.filter)))
    }

    /// `figure("conv-input-filter", input, filter)`: the input and the filter side by side.
    static func inputFilter(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "filter"])
        let (x, k) = try operands(a)
        guard let xm = x.matrix, let km = k.matrix else { throw FigureError("conv-input-filter needs 2-D tensors") }
        let cell = 52.0
        let g1 = MatrixGrid(rows: xm.rows, cols: xm.cols, x: 40, y: 60, cell: cell)
        let g2 = MatrixGrid(rows: km.rows, cols: km.cols, x: g1.x + g1.width + 90, y: 60, cell: cell)
        let h = 60 + Swift.max(g1.height, g2.height) + 60
        var doc = SVGDocument(width: g2.x + g2.width + 40, height: h, title: "Convolution input and filter",
                              desc: "A \(xm.rows)x\(xm.cols) input (left) and the \(km.rows)x\(km.cols) convolution filter, also called the kernel (right).")
        g1.draw(&doc) { r, c in CellStyle(text: xm.text(r, c)) }
        g1.caption(&doc, "Input")
        g2.draw(&doc) { r, c in CellStyle(fill: Palette.lightOrange, text: km.text(r, c)) }
        g2.caption(&doc, "Filter / kernel")
        g1.footnote(&doc, "\(xm.rows)x\(xm.cols)")
        g2.footnote(&doc, "\(km.rows)x\(km.cols)")
        return Figure(id: a.request.id, document: doc)
    }

    /// `figure("conv-feature-map", input, filter)`: input, filter and the whole feature map.
    static func featureMap(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "filter"])
        let (x, k) = try operands(a)
        let y = try engine(a.request.id) { () throws(TensorError) in try x.conv2d(k, stride: 1, padding: .valid) }
        guard let xm = x.matrix, let km = k.matrix, let ym = y.matrix else { throw FigureError("conv-feature-map needs 2-D tensors") }
        let cell = 52.0
        let g1 = MatrixGrid(rows: xm.rows, cols: xm.cols, x: 40, y: 60, cell: cell)
        let g2 = MatrixGrid(rows: km.rows, cols: km.cols, x: g1.x + g1.width + 70, y: 60, cell: cell)
        let g3 = MatrixGrid(rows: ym.rows, cols: ym.cols, x: g2.x + g2.width + 90, y: 60, cell: cell)
        let h = 60 + Swift.max(g1.height, g2.height, g3.height) + 60
        var doc = SVGDocument(width: g3.x + g3.width + 40, height: h, title: "Input, filter and feature map",
                              desc: "The \(xm.rows)x\(xm.cols) input convolved with the \(km.rows)x\(km.cols) filter gives the \(ym.rows)x\(ym.cols) feature map \(rowsText(ym)).")
        g1.draw(&doc) { r, c in CellStyle(text: xm.text(r, c)) }
        g1.caption(&doc, "Input")
        g2.draw(&doc) { r, c in CellStyle(fill: Palette.lightOrange, text: km.text(r, c)) }
        g2.caption(&doc, "Filter")
        g3.draw(&doc) { r, c in CellStyle(fill: Palette.lightBlue, text: ym.text(r, c), bold: true) }
        g3.caption(&doc, "Feature map")
        let mid = 60 + g2.height / 2
        doc.text("∗", x: g1.x + g1.width + 35, y: mid, size: 34, centered: true)
        doc.text("=", x: g2.x + g2.width + 45, y: mid, size: 30, centered: true)
        g1.footnote(&doc, "\(xm.rows)x\(xm.cols)")
        g2.footnote(&doc, "\(km.rows)x\(km.cols)")
        g3.footnote(&doc, "\(ym.rows)x\(ym.cols)")
        return Figure(id: a.request.id, document: doc)
    }

    /// The frame drawer for a plane convolution with the given stride and padding.
    static func frames(_ a: FigureArguments, stride: Int, padding: Padding) throws(FigureError) -> SlidingWindowFrame {
        let (x, k) = try operands(a)
        let y = try engine(a.request.id) { () throws(TensorError) in try x.conv2d(k, stride: stride, padding: padding) }
        let geometry = try engine(a.request.id) { () throws(TensorError) in
            try WindowGeometry(inputHeight: x.shape[0], inputWidth: x.shape[1], kernelHeight: k.shape[0],
                               kernelWidth: k.shape[1], stride: (stride, stride), padding: padding)
        }
        guard let xm = x.matrix, let km = k.matrix, let ym = y.matrix else { throw FigureError("\(a.request.id) needs 2-D tensors") }
        var f = SlidingWindowFrame(input: xm, filter: km, output: ym)
        f.stride = stride
        f.padTop = geometry.padTop; f.padBottom = geometry.padBottom
        f.padLeft = geometry.padLeft; f.padRight = geometry.padRight
        return f
    }

    /// `figure("conv-step-1", input, filter, step: 1)`: window number `step` (1-based), its
    /// products and the feature map so far.
    static func step(_ a: FigureArguments, defaultStep: Int) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "filter", "step"])
        let f = try frames(a, stride: 1, padding: .valid)
        let step = try a.int(2, "step") ?? defaultStep
        let windows = f.output.rows * f.output.cols
        guard (1...windows).contains(step) else {
            throw FigureError("figure \"\(a.request.id)\": step must be 1...\(windows), got \(step)")
        }
        let desc = "Step \(step) of the convolution: the filter sits on window \(step) of the input; the \(f.filter.rows * f.filter.cols) element-wise products add up to \(f.output.text((step - 1) / f.output.cols, (step - 1) % f.output.cols)), the next value of the feature map."
        let doc = f.draw(step: step - 1, title: "Convolution, step \(step)", desc: desc)
        return Figure(id: a.request.id, document: doc)
    }

    /// `figure("conv-animation", input, filter)`: every window in turn, looping.
    static func animation(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "filter"])
        let f = try frames(a, stride: 1, padding: .valid)
        let n = f.output.rows * f.output.cols
        // One frame per window, each a drawing of the whole input: a 30x30 input made 784
        // frames and a 228 MB page in 107 s. Past a hundred frames an animation teaches
        // nothing a learner can follow; `step` goes through any size window by window.
        guard n <= Self.maxAnimationFrames else {
            throw FigureError("figure \"\(a.request.id)\": \(n) windows would make \(n) frames; an animation has at most \(Self.maxAnimationFrames) (an input of 12x12 with a 3x3 filter)",
                              hint: "animate a crop, e.g. x[0:8, 0:8], or step through every window with `step conv2d(x, k)`")
        }
        let desc = "The filter slides over all \(n) windows of the input; each sum of products fills one cell of the \(f.output.rows)x\(f.output.cols) feature map \(rowsText(f.output))."
        var docs = [SVGDocument]()
        for i in 0..<n {
            // A big input makes many frames: a cell's time limit or Ctrl-C stops here.
            if let reason = WorkLimit.stopReason { throw FigureError("figure \"\(a.request.id)\": stopped after \(i) of \(n) frames: \(reason)") }
            docs.append(f.draw(step: i, title: "Convolution, all \(n) windows", desc: desc))
        }
        return Animation.figure(id: a.request.id, frames: docs, title: "Convolution, all \(n) windows", desc: desc)
    }

    /// The most frames `conv-animation` makes.
    static let maxAnimationFrames = 100

    static func rowsText(_ m: NumberMatrix) -> String {
        "[" + (0..<m.rows).map { r in "[" + (0..<m.cols).map { m.text(r, $0) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
    }
}
