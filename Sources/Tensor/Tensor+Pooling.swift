/// Max and average pooling over (H,W), (H,W,C) or (N,H,W,C), channel by channel.
///
/// Keras rules: the stride defaults to the window size, padding defaults to `.valid` (floor),
/// and padded cells are ignored (never the maximum, never counted in the average).
extension Tensor {
    /// The input as (N,H,W,C), the pooling geometry, and the rank to give back.
    func poolingLayout(size: (Int, Int), stride: (Int, Int)?, padding: Padding, _ op: String)
        throws(TensorError) -> (x: Tensor, g: WindowGeometry) {
        let x: Tensor
        switch rank {
        case 2: x = try reshaped([1, shape[0], shape[1], 1])
        case 3: x = try reshaped([1] + shape)
        case 4: x = self
        default: throw .shapeMismatch("\(op) needs (H,W), (H,W,C) or (N,H,W,C), got \(formatShape(shape))")
        }
        let g = try WindowGeometry(inputHeight: x.shape[1], inputWidth: x.shape[2], kernelHeight: size.0,
                                   kernelWidth: size.1, stride: stride ?? size, padding: padding)
        _ = try ShapeCheck.budgeted([x.shape[0], g.outputHeight, g.outputWidth, x.shape[3]], Scalar.self, "the \(op) output")
        guard x.count <= Int(Int32.max) else {
            throw .invalidArgument("\(op): \(formatShape(shape)) has more than 2^31 elements")
        }
        guard g.padTop < size.0, g.padBottom < size.0, g.padLeft < size.1, g.padRight < size.1 else {
            throw .invalidArgument("\(op): padding \(padding) must be smaller than the \(size.0)x\(size.1) window on every side, so that no window is all padding")
        }
        return (x, g)
    }

    /// Gives a (N,OH,OW,C) result the rank of the input.
    func restorePoolingRank<R>(_ y: Tensor<R>) throws(TensorError) -> Tensor<R> {
        switch rank {
        case 2: return try y.reshaped([y.shape[1], y.shape[2]])
        case 3: return try y.reshaped(Array(y.shape.dropFirst()))
        default: return y
        }
    }

    /// The largest value in each window: (N,H,W,C) -> (N,OH,OW,C) (or the unbatched ranks).
    /// Exact for `Int`. On ties the first cell in row-major window order wins.
    @_specialize(exported: true, where Scalar == Float)
    public func maxPool(size: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) throws(TensorError) -> Tensor {
        let (x, g) = try poolingLayout(size: size, stride: stride, padding: padding, "maxPool")
        let y = Scalar.maxPool(x, g)
        try WorkLimit.check()
        return try restorePoolingRank(y)
    }

    /// The mean of the real (unpadded) cells in each window, as Float:
    /// (N,H,W,C) -> (N,OH,OW,C). `Int` sums are exact, then divided in Double and rounded once.
    @_specialize(exported: true, where Scalar == Float)
    public func avgPool(size: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) throws(TensorError) -> Tensor<Float> {
        let (x, g) = try poolingLayout(size: size, stride: stride, padding: padding, "avgPool")
        return try restorePoolingRank(Scalar.averagePool(x, g))
    }

    /// Average pooling of (N,H,W,C) by the plain loop (sums in Double, or exact for `Int`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Int)
    func avgPoolReference(_ g: WindowGeometry) throws(TensorError) -> Tensor<Float> {
        let x = self
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out = [Float](repeating: 0, count: n * g.outputHeight * g.outputWidth * c)
        // A row of windows of a thousand cells or more can take seconds: those check each window.
        let bigWindows = g.kernelHeight * g.kernelWidth * c >= 1024
        for b in 0..<n { for oy in 0..<g.outputHeight { try WorkLimit.check(); for ox in 0..<g.outputWidth {
            if bigWindows { try WorkLimit.check() }
            let (y0, y1, x0, x1) = g.window(oy, ox)
            let cells = Double((y1 - y0) * (x1 - x0))
            let o = ((b * g.outputHeight + oy) * g.outputWidth + ox) * c
            for ch in 0..<c {
                if Scalar.isExact {
                    var acc = Scalar.zero
                    for iy in y0..<y1 { for ix in x0..<x1 {
                        acc = try Scalar.checkedAdd(acc, x.scalars[((b * h + iy) * w + ix) * c + ch])
                    } }
                    out[o + ch] = Float(acc.doubleValue / cells)
                } else {
                    var acc = 0.0
                    for iy in y0..<y1 { for ix in x0..<x1 { acc += x.scalars[((b * h + iy) * w + ix) * c + ch].doubleValue } }
                    out[o + ch] = Float(acc / cells)
                }
            }
        } } }
        return Tensor<Float>(shape: [n, g.outputHeight, g.outputWidth, c], scalars: out)
    }

    /// Max pooling of (N,H,W,C) with, for each output, the flat input index that won (as Int32:
    /// half the memory; `poolingLayout` has checked that inputs have fewer than 2^31 elements).
    /// Parallel over output rows; each row is written by one thread.
    func maxPoolWithIndices(_ g: WindowGeometry) -> (values: Tensor, indices: [Int32]) {
        let (h, w, c) = (shape[1], shape[2], shape[3])
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let total = shape[0] * oh * ow * c
        var indices = [Int32]()
        let values: [Scalar] = scalars.withUnsafeBufferPointer { src in
            LargeArray.make(total) { (pv: UnsafeMutablePointer<Scalar>) in
                indices = LargeArray.make(total) { (pi: UnsafeMutablePointer<Int32>) in
                    let box = UncheckedSendableBox(value: (src, pv, pi))
                    // Float with channels in multiples of 8: eight channels at a time, with
                    // vector selects (a branch per element mispredicts half the time).
                    let simd = Scalar.self == Float.self && c % 8 == 0
                    let bigWindows = g.kernelHeight * g.kernelWidth * c >= 1024
                    // Small inputs on this thread only (waking the other core costs more).
                    let rows = shape[0] * oh
                    Parallel.forRanges(rows, minimumChunk: count < Parallel.smallWork ? Swift.max(rows, 1) : 2) { rows in
                        let (x, values, indices) = box.value
                        let (xr, vr, ir) = (UnsafeRawPointer(x.baseAddress), UnsafeMutableRawPointer(values), UnsafeMutableRawPointer(indices))
                        let lane = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
                        for r in rows {
                            // After a time limit or Ctrl-C the remaining rows take each window's
                            // first cell (valid values and indices, no scan); the caller throws
                            // before that result is seen (maxPool checks after the kernel).
                            var quick = WorkLimit.shouldStop
                            let (b, oy) = (r / oh, r % oh)
                            for ox in 0..<ow {
                                // A window of a thousand cells or more (a row of them can take
                                // seconds): checked at each window, not only each row.
                                if bigWindows, !quick { quick = WorkLimit.shouldStop }
                                let (y0, y1, x0, x1) = g.window(oy, ox)
                                let o = (r * ow + ox) * c
                                // Channels innermost (contiguous); cells in row-major window order,
                                // so the first of equal values wins.
                                let first = ((b * h + y0) * w + x0) * c
                                if quick {
                                    for ch in 0..<c { values[o + ch] = x[first + ch]; indices[o + ch] = Int32(truncatingIfNeeded: first + ch) }
                                    continue
                                }
                                if simd, let xr {
                                    for ch in stride(from: 0, to: c, by: 8) {
                                        var best = xr.loadUnaligned(fromByteOffset: (first + ch) * 4, as: SIMD8<Float>.self)
                                        var at = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: first + ch)) &+ lane
                                        for iy in y0..<y1 { for ix in x0..<x1 {
                                            let cell = ((b * h + iy) * w + ix) * c + ch
                                            let v = xr.loadUnaligned(fromByteOffset: cell * 4, as: SIMD8<Float>.self)
                                            // A NaN wins over any number and then stays (numpy propagates NaN).
                                            let better = (v .> best) .| ((v .!= v) .& (best .== best))
                                            best.replace(with: v, where: better)
                                            at.replace(with: SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: cell)) &+ lane, where: better)
                                        } }
                                        vr.storeBytes(of: best, toByteOffset: (o + ch) * 4, as: SIMD8<Float>.self)
                                        ir.storeBytes(of: at, toByteOffset: (o + ch) * 4, as: SIMD8<Int32>.self)
                                    }
                                    continue
                                }
                                for ch in 0..<c { values[o + ch] = x[first + ch]; indices[o + ch] = Int32(truncatingIfNeeded: first + ch) }
                                for iy in y0..<y1 { for ix in x0..<x1 {
                                    let cell = ((b * h + iy) * w + ix) * c
                                    for ch in 0..<c {
                                        // Selects, not branches: which cell wins is data-dependent.
                                        let v = x[cell + ch], cur = values[o + ch]
                                        // A NaN wins over any number and then stays (numpy propagates NaN);
                                        // for Int, v != v is false and compiles away.
                                        let better = v > cur || (v != v && cur == cur)
                                        values[o + ch] = better ? v : cur
                                        indices[o + ch] = better ? Int32(truncatingIfNeeded: cell + ch) : indices[o + ch]
                                    }
                                } }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: [shape[0], oh, ow, c], scalars: values), indices)
    }
}

extension WindowGeometry {
    /// The real input rows y0..<y1 and columns x0..<x1 that window (oy, ox) covers
    /// (dilation 1, padding cut off). Never empty when each padding is below the window size.
    @inlinable func window(_ oy: Int, _ ox: Int) -> (Int, Int, Int, Int) {
        let y0 = inputRow(oy, 0), x0 = inputColumn(ox, 0)
        return (Swift.max(y0, 0), Swift.min(y0 + kernelHeight, inputHeight),
                Swift.max(x0, 0), Swift.min(x0 + kernelWidth, inputWidth))
    }
}

extension Tensor where Scalar == Float {
    /// Gradient of max pooling: each output's gradient goes to the input cell that won.
    /// dy (N,OH,OW,C) and the winners' flat indices -> dx of `inputShape`.
    static func maxPoolGradient(_ dy: Tensor<Float>, indices: [Int32], inputShape: [Int]) -> Tensor<Float> {
        var dx = LargeArray.uninitializedFloats(inputShape.reduce(1, *))
        let n = inputShape[0], perImage = dy.count / Swift.max(n, 1)
        let inputPerImage = inputShape.dropFirst().reduce(1, *)
        dx.withUnsafeMutableBufferPointer { pdx in
            dy.scalars.withUnsafeBufferPointer { pdy in
                indices.withUnsafeBufferPointer { pi in
                    // Winners of image b lie in image b, so images can be summed in parallel;
                    // each image's gradient is zeroed right before its sums (still in cache).
                    let box = UncheckedSendableBox(value: (pdx, pdy, pi))
                    Parallel.forRanges(n, minimumChunk: pdx.count < Parallel.smallWork ? Swift.max(n, 1) : 1) { images in
                        let (dx, dy, idx) = box.value
                        guard let d = dx.baseAddress else { return }
                        (d + images.lowerBound * inputPerImage).initialize(repeating: 0, count: images.count * inputPerImage)
                        for o in (images.lowerBound * perImage)..<(images.upperBound * perImage) { d[Int(idx[o])] += dy[o] }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, scalars: dx)
    }

    /// Gradient of average pooling: each output's gradient is shared equally by the real
    /// cells of its window. dy (N,OH,OW,C) -> dx (N,H,W,C).
    static func avgPoolGradient(_ dy: Tensor<Float>, _ g: WindowGeometry, inputShape: [Int]) -> Tensor<Float> {
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        var dx = [Float](repeating: 0, count: n * h * w * c)
        for b in 0..<n { for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
            let (y0, y1, x0, x1) = g.window(oy, ox)
            let share = 1 / Float((y1 - y0) * (x1 - x0))
            let o = ((b * g.outputHeight + oy) * g.outputWidth + ox) * c
            for iy in y0..<y1 { for ix in x0..<x1 {
                let base = ((b * h + iy) * w + ix) * c
                for ch in 0..<c { dx[base + ch] += dy.scalars[o + ch] * share }
            } }
        } } }
        return Tensor(shape: inputShape, scalars: dx)
    }
}
