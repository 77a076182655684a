import Tensor

/// Builds the frames of `step` from a sliding-window call and the engine's result.
///
/// Convolutions step through one plane: input (H,W) with kernel (KH,KW) (a single sample
/// and channel may also be given as (1,H,W,1) / (KH,KW,1,1)). Pooling steps through each
/// channel of (H,W) or (H,W,C). The numbers shown in each frame's result come from the
/// engine's output; the products are the inputs to that result written out.
struct StepBuilder {
    let call: WindowCall
    let result: Value
    let formatter: ValueFormatter

    func text(_ n: Numeric, _ i: Int) -> String {
        switch n {
        case .int(let t): return String(t.scalars[i])
        case .float(let t): return formatter.number(t.scalars[i])
        }
    }

    func resultCells() -> ([String], [Int]) {
        switch result {
        case .intTensor(let t): return (t.scalars.map(String.init), t.shape)
        case .floatTensor(let t): return (t.scalars.map(formatter.number), t.shape)
        case .int(let i): return ([String(i)], [])
        case .float(let f): return ([formatter.number(f)], [])
        default: return ([], [])
        }
    }

    /// The plane shape of `n` when it is one plane, squeezing unit sample/channel axes.
    static func plane(_ shape: [Int]) -> (Int, Int)? {
        switch shape.count {
        case 2: return (shape[0], shape[1])
        case 3 where shape[2] == 1: return (shape[0], shape[1])
        case 4 where shape[0] == 1 && shape[3] == 1: return (shape[1], shape[2])
        default: return nil
        }
    }

    /// The largest input plane `step` walks through, in cells (frames stay readable and small).
    static let maxPlaneCells = 32 * 32

    func build() throws(LessonError) -> StepTrace {
        let (cells, outShape) = resultCells()
        let shape = call.input.shape
        let planeCells = shape.count >= 2 ? shape[shape.count - (shape.count == 2 ? 2 : 3)] * shape[shape.count - (shape.count == 2 ? 1 : 2)] : 0
        let pads: Int = { if case let .explicit(t, b, l, r) = call.padding { return t + b + l + r } else { return 0 } }()
        let outCells = outShape.count >= 2 ? outShape.reduce(1, *) / (shape.count == 3 && call.kernel == nil ? max(shape[2], 1) : 1) : 0
        let channels = shape.count == 3 && call.kernel == nil ? shape[2] : 1
        guard planeCells <= Self.maxPlaneCells, outCells <= Self.maxPlaneCells, channels <= 16, pads <= 64 else {
            throw LessonError("step is for small examples: input and output planes of at most \(Self.maxPlaneCells) cells and at most 16 channels, got \(formatShape(shape)) -> \(formatShape(outShape))",
                              at: call.location, hint: "step through a crop, e.g. step conv2d(x[0:8, 0:8], k)")
        }
        switch call.kind {
        case .conv2d, .conv2dTranspose:
            guard let kernel = call.kernel else { throw LessonError("\(call.kind.rawValue) needs a kernel", at: call.location) }
            let ks = kernel.shape
            let xs = call.input.shape.count == 4 && call.input.shape[0] == 1 ? Array(call.input.shape.dropFirst()) : call.input.shape
            let (kh, kw) = (ks[0], ks[1])
            let (c, f) = ks.count == 4 ? (ks[2], ks[3]) : (1, 1)
            let planeOK = call.kind == .conv2d
                ? (xs.count == 2 && c == 1) || (xs.count == 3 && xs[2] == c)
                : Self.plane(xs) != nil && c == 1 && f == 1
            guard planeOK, f <= 16, c <= 16 else {
                throw LessonError(call.kind == .conv2d
                    ? "step shows conv2d of one image: x (H,W) with k (KH,KW), or x (H,W,C) with k (KH,KW,C,F), at most 16 channels and filters"
                    : "step shows conv2d_transpose of one plane: y (OH,OW) with k (KH,KW)", at: call.location,
                    hint: "pick one image or channel, e.g. step conv2d(x[0], k)")
            }
            let (h, w) = (xs[0], xs[1])
            // For conv2d the geometry is over the input; for conv2d_transpose over its output,
            // which is the input of the convolution it is the adjoint of.
            let (gh, gw) = call.kind == .conv2d ? (h, w) : (Self.plane(outShape) ?? (0, 0))
            let g = try engine(at: call.location) { () throws(TensorError) in
                try WindowGeometry(inputHeight: gh, inputWidth: gw, kernelHeight: kh, kernelWidth: kw,
                                   stride: call.stride, dilation: call.dilation, padding: call.padding)
            }
            // Kernel slice (KH,KW) of channel ch and filter fi, from (KH,KW,C,F) or (KH,KW).
            func slice(_ ch: Int, _ fi: Int) -> [[String]] {
                (0..<kh).map { r in (0..<kw).map { col in text(kernel, ((r * kw + col) * c + ch) * f + fi) } }
            }
            let planes: [StepPlane]
            if call.kind == .conv2d {
                planes = (0..<f).map { fi in convPlane(g, channels: c, filter: fi, filters: f, kernels: (0..<c).map { slice($0, fi) }, cells: cells) }
            } else {
                planes = [transposePlane(g, h: h, w: w, kernel: slice(0, 0), cells: cells)]
            }
            let kernelText = ks.count == 4 ? formatShape(ks) : "\(kh)x\(kw)"
            return StepTrace(operation: call.kind.rawValue,
                             summary: "\(call.kind.rawValue): input \(formatShape(xs)), kernel \(kernelText), stride \(call.stride.0)x\(call.stride.1)\(call.dilation == (1, 1) ? "" : ", dilation \(call.dilation.0)x\(call.dilation.1)"), padding \(call.padding) -> output \(formatShape(outShape))",
                             planes: planes)
        case .maxPool, .avgPool:
            let shape = call.input.shape
            guard shape.count == 2 || shape.count == 3 || (shape.count == 4 && shape[0] == 1) else {
                throw LessonError("step shows pooling of (H,W) or (H,W,C)", at: call.location, hint: "pick one sample: step maxpool(x[0], size: 2)")
            }
            let (h, w) = shape.count == 4 ? (shape[1], shape[2]) : (shape[0], shape[1])
            let c = shape.count == 2 ? 1 : shape[shape.count - 1]
            let g = try engine(at: call.location) { () throws(TensorError) in
                try WindowGeometry(inputHeight: h, inputWidth: w, kernelHeight: call.size.0, kernelWidth: call.size.1,
                                   stride: call.stride, padding: call.padding)
            }
            var planes: [StepPlane] = []
            for ch in 0..<c {
                planes.append(poolPlane(g, channel: ch, channels: c, cells: cells))
            }
            return StepTrace(operation: call.kind.rawValue,
                             summary: "\(call.kind.rawValue): input \(formatShape(shape)), window \(call.size.0)x\(call.size.1), stride \(call.stride.0)x\(call.stride.1), padding \(call.padding) -> output \(formatShape(outShape))",
                             planes: planes)
        }
    }

    /// The padded input grid of one plane: nil marks padding.
    func paddedInput(_ g: WindowGeometry, channel: Int = 0, channels: Int = 1) -> [[String?]] {
        let (h, w) = (g.inputHeight, g.inputWidth)
        return (0..<(h + g.padTop + g.padBottom)).map { pr in
            (0..<(w + g.padLeft + g.padRight)).map { pc -> String? in
                let (r, c) = (pr - g.padTop, pc - g.padLeft)
                guard r >= 0, r < h, c >= 0, c < w else { return nil }
                return text(call.input, (r * w + c) * channels + channel)
            }
        }
    }

    /// The cells of the window for output (oy, ox), row by row, in padded-input coordinates.
    func windowCells(_ g: WindowGeometry, _ oy: Int, _ ox: Int) -> [GridCell] {
        var cells: [GridCell] = []
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                cells.append(GridCell(g.inputRow(oy, ky) + g.padTop, g.inputColumn(ox, kx) + g.padLeft))
            }
        }
        return cells
    }

    /// The windows of one filter over every input channel: each frame's products run over
    /// (ky, kx, c), the engine's own summation order.
    func convPlane(_ g: WindowGeometry, channels: Int, filter: Int, filters: Int, kernels: [[[String]]], cells: [String]) -> StepPlane {
        let inputs = (0..<channels).map { paddedInput(g, channel: $0, channels: channels) }
        var out = [[String?]](repeating: [String?](repeating: nil, count: g.outputWidth), count: g.outputHeight)
        var frames: [StepFrame] = []
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let window = windowCells(g, oy, ox)
                var terms: [String] = []
                for (i, cell) in window.enumerated() {
                    let (ky, kx) = i.quotientAndRemainder(dividingBy: g.kernelWidth)
                    for ch in 0..<channels {
                        terms.append("\(inputs[ch][cell.row][cell.column] ?? "0")x\(kernels[ch][ky][kx])")
                    }
                }
                let index = (oy * g.outputWidth + ox) * filters + filter
                let value = index < cells.count ? cells[index] : "?"
                out[oy][ox] = value
                var eq = terms.joined(separator: " + ")
                if let b = call.bias { eq += " + bias \(text(b, filter))" }
                frames.append(StepFrame(position: (oy, ox), inputCells: window, outputCells: [GridCell(oy, ox)],
                                        terms: terms, equation: eq + " = " + value, outputSoFar: out))
            }
        }
        return StepPlane(label: filters > 1 ? "filter \(filter)" : nil, inputs: inputs, kernels: kernels,
                         outputRows: g.outputHeight, outputColumns: g.outputWidth, frames: frames)
    }

    func poolPlane(_ g: WindowGeometry, channel: Int, channels: Int, cells: [String]) -> StepPlane {
        let input = paddedInput(g, channel: channel, channels: channels)
        var out = [[String?]](repeating: [String?](repeating: nil, count: g.outputWidth), count: g.outputHeight)
        var frames: [StepFrame] = []
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let window = windowCells(g, oy, ox)
                // Padded cells never win a max and never count in an average.
                let terms = window.compactMap { input[$0.row][$0.column] }
                let value = cells[(oy * g.outputWidth + ox) * channels + channel]
                out[oy][ox] = value
                let eq = call.kind == .maxPool
                    ? "max(\(terms.joined(separator: ", "))) = \(value)"
                    : "(\(terms.joined(separator: " + "))) / \(terms.count) = \(value)"
                frames.append(StepFrame(position: (oy, ox), inputCells: window, outputCells: [GridCell(oy, ox)],
                                        terms: terms, equation: eq, outputSoFar: out))
            }
        }
        return StepPlane(label: channels > 1 ? "channel \(channel)" : nil, inputs: [input], kernels: [],
                         outputRows: g.outputHeight, outputColumns: g.outputWidth, frames: frames)
    }

    /// conv2d_transpose spreads each input cell, times the kernel, over a window of the output
    /// (the windows of the convolution it is the adjoint of, geometry `g` over the output).
    /// The output shown fills in with the engine's final values as cells are reached.
    func transposePlane(_ g: WindowGeometry, h: Int, w: Int, kernel: [[String]], cells: [String]) -> StepPlane {
        let (oh, ow) = (g.inputHeight, g.inputWidth)
        let input: [[String?]] = (0..<h).map { r in (0..<w).map { c in text(call.input, r * w + c) } }
        var out = [[String?]](repeating: [String?](repeating: nil, count: ow), count: oh)
        var frames: [StepFrame] = []
        for iy in 0..<min(h, g.outputHeight) {
            for ix in 0..<min(w, g.outputWidth) {
                var targets: [GridCell] = []
                var terms: [String] = []
                let v = input[iy][ix] ?? "0"
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let r = g.inputRow(iy, ky), c = g.inputColumn(ix, kx)
                        terms.append("\(v)x\(kernel[ky][kx])")
                        if r >= 0, r < oh, c >= 0, c < ow, r * ow + c < cells.count {
                            targets.append(GridCell(r, c))
                            out[r][c] = cells[r * ow + c]
                        }
                    }
                }
                frames.append(StepFrame(position: (iy, ix), inputCells: [GridCell(iy, ix)], outputCells: targets,
                                        terms: terms, equation: "spreads \(terms.joined(separator: ", ")) over \(targets.count) output cells",
                                        outputSoFar: out))
            }
        }
        return StepPlane(label: nil, inputs: [input], kernels: [kernel], outputRows: oh, outputColumns: ow, frames: frames)
    }
}
