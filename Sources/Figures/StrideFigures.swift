import Tensor

/// Figures of section 2.3: stride 1, stride 2 and 'same' zero padding, each animated with the
/// feature map's size in its caption.
enum StrideFigures {
    /// `figure("stride-1", input, filter, stride: 1)` and `figure("stride-2", input, filter, stride: 2)`.
    static func stride(_ a: FigureArguments, stride s: Int) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "filter", "stride"])
        if let given = try a.int(nil, "stride"), given != s {
            throw FigureError("figure \"\(a.request.id)\" draws stride \(s), not \(given)", hint: "use figure(\"stride-\(given)\", ...) if it exists")
        }
        var f = try ConvolutionFigures.frames(a, stride: s, padding: .valid)
        f.showEquation = false
        f.inputCaption = "Stride \(s)"
        f.outputCaption = "Feature map \(f.output.rows)x\(f.output.cols)"
        let n = f.output.rows * f.output.cols
        let desc = "A \(f.filter.rows)x\(f.filter.cols) filter moves \(s) cell\(s == 1 ? "" : "s") at a time over the \(f.input.rows)x\(f.input.cols) input, so there are \(n) windows and the feature map is \(f.output.rows)x\(f.output.cols)."
        let title = "Convolution with stride \(s)"
        return Animation.figure(id: a.request.id, frames: (0..<n).map { f.draw(step: $0, title: title, desc: desc) }, title: title, desc: desc)
    }

    /// `figure("padding-same", input, filter, padding: "same")`: stride 1 with 'same' zero padding.
    static func paddingSame(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["input", "filter", "padding"])
        if let given = try a.string(nil, "padding"), given != "same" {
            throw FigureError("figure \"\(a.request.id)\" draws padding \"same\", not \"\(given)\"")
        }
        var f = try ConvolutionFigures.frames(a, stride: 1, padding: .same)
        f.showEquation = false
        f.cell = 46
        f.inputCaption = "Stride 1 with zero padding"
        f.outputCaption = "Feature map \(f.output.rows)x\(f.output.cols)"
        let n = f.output.rows * f.output.cols
        let desc = "The \(f.input.rows)x\(f.input.cols) input is surrounded by a ring of zeros (hatched gray cells); with stride 1 the \(f.filter.rows)x\(f.filter.cols) filter then has \(n) windows and the feature map is \(f.output.rows)x\(f.output.cols), the same size as the input."
        let title = "Convolution with 'same' padding"
        return Animation.figure(id: a.request.id, frames: (0..<n).map { f.draw(step: $0, title: title, desc: desc) }, title: title, desc: desc)
    }
}
