/// The fast Float convolution kernels: im2col packing plus `cblas_sgemm`, in chunks of output
/// rows so the column buffer stays in cache.
///
/// Shapes: input x (N,H,W,C), kernel (KH,KW,C,F), output y (N,OH,OW,F). With M output pixels
/// in a chunk and KK = KH*KW*C:
/// - forward:          y[chunk] = bias + cols[chunk] (M,KK) * K (KK,F)
/// - input gradient:   dx += col2im(dy[chunk] (M,F) * K^T (F,KK))   (also conv2dTranspose);
///                     at stride 1 with 16+ channels, a forward convolution of dy instead
/// - kernel gradient:  dK = sum over chunks cols[chunk]^T (KK,M) * dy[chunk] (M,F)
///
/// A batch is cut into `parts` (2) fixed blocks of images, each run start to finish (pack,
/// GEMM, unpack) by one thread with single-threaded OpenBLAS, in chunks of output rows small
/// enough (2 MB of columns) that packed columns are still in that core's cache when used.
/// The kernel gradient adds the blocks' partial sums in block order. Nothing depends on
/// thread timing or on the number of cores: results are reproducible bit for bit. A single
/// image is one block with every step parallel inside. Tested against the plain loops in
/// `conv2dReference`, `conv2dTransposeReference` and `conv2dKernelGradientReference`
/// (Float within 1e-5 * (terms summed) of them, for |x|, |k| < 1).
enum Conv2DKernels {
    /// How many image blocks a batch is cut into (fixed, so results do not depend on cores).
    static let parts = 2
    /// Column buffer size per chunk, in floats.
    static let chunkBudget = 1 << 19

    /// The output-row ranges (row r = n*OH + oy) of the image blocks of a batch of `n`:
    /// `parts` blocks, or one when `n` < `parts`.
    static func blocks(_ n: Int, _ g: WindowGeometry) -> [Range<Int>] {
        let p = n >= parts ? parts : 1
        return (0..<p).map { (n * $0 / p * g.outputHeight)..<(n * ($0 + 1) / p * g.outputHeight) }
    }

    /// Calls `body(chunkRows, cols)` for consecutive chunks of `rows`, with a column buffer
    /// of this thread's own.
    static func chunks(_ rows: Range<Int>, _ g: WindowGeometry, channels c: Int,
                       _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let per = Im2Col.rowsPerChunk(g, channels: c, budget: chunkBudget)
        var cols = LargeArray.uninitializedFloats(Swift.min(per, rows.count) * g.outputWidth * g.kernelHeight * g.kernelWidth * c)
        cols.withUnsafeMutableBufferPointer { pc in
            guard let cp = pc.baseAddress else { return }
            var r0 = rows.lowerBound
            while r0 < rows.upperBound {
                let r1 = Swift.min(rows.upperBound, r0 + per)
                body(r0..<r1, cp)
                r0 = r1
            }
        }
    }

    /// op(A) (M,K) times op(B) (K,N) into C: all cores when `parallel`, else this thread only.
    static func gemm(_ parallel: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ ta: Bool,
                     _ b: UnsafePointer<Float>, _ tb: Bool, _ c: UnsafeMutablePointer<Float>, beta: Float) {
        if parallel {
            GEMM.sgemm(m: m, n: n, k: k, a, transposeA: ta, b, transposeB: tb, c, beta: beta)
        } else {
            GEMM.call(m, n, k, a, ta ? m : k, ta, b, tb ? k : n, tb, c, n, 1, beta)
        }
    }

    /// input (N,H,W,C), kernel (KH,KW,C,F), bias (F) or nil -> (N,OH,OW,F).
    static func forward(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], k.shape[3])
        let ow = g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        var out = LargeArray.uninitializedFloats(n * g.outputHeight * ow * f)
        let blocks = blocks(n, g)
        let inside = blocks.count == 1  // parallel inside each step instead of across blocks
        x.scalars.withUnsafeBufferPointer { px in
            k.scalars.withUnsafeBufferPointer { pk in
                out.withUnsafeMutableBufferPointer { po in
                    let box = UncheckedSendableBox(value: (px, pk, po, bias))
                    Parallel.forEach(blocks.count) { b in
                        let (px, pk, po, bias) = box.value
                        guard let xp = px.baseAddress, let kp = pk.baseAddress, let op = po.baseAddress else { return }
                        chunks(blocks[b], g, channels: c) { rows, cols in
                            let m = rows.count * ow
                            let y = op + rows.lowerBound * ow * f
                            if let bias {
                                bias.scalars.withUnsafeBufferPointer { pb in
                                    guard let bp = pb.baseAddress else { return }
                                    for r in 0..<m { (y + r * f).update(from: bp, count: f) }
                                }
                            }
                            Im2Col.pack(xp, channels: c, g, rows: rows, into: cols, parallel: inside)
                            gemm(inside, m, f, kk, cols, false, kp, false, y, beta: bias == nil ? 0 : 1)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, g.outputHeight, ow, f], scalars: out)
    }

    /// The adjoint of `forward` in x: dy (N,OH,OW,F), kernel (KH,KW,C,F) -> dx (N,H,W,C).
    ///
    /// With stride 1 this is itself a convolution: dy, padded by (effective kernel - 1 - pad)
    /// on each side, with the kernel turned 180 degrees and its channel axes swapped. That
    /// runs as `forward` (a GEMM over KH*KW*F instead of F, and no scatter), which is faster.
    static func inputGradient(_ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        // The rotated convolution's GEMM is C wide: worth it only for enough channels.
        if g.strideY == 1 && g.strideX == 1 && k.shape[2] >= 16, let flipped = flippedGeometry(g) {
            return forward(dy, rotatedKernel(k), bias: nil, flipped)
        }
        return scatterInputGradient(dy, k, g)
    }

    /// The geometry of dx = conv(dy, rotated kernel) for a stride-1 convolution, or nil when
    /// a padding is as large as the effective kernel (then no such padding exists).
    static func flippedGeometry(_ g: WindowGeometry) -> WindowGeometry? {
        let effH = (g.kernelHeight - 1) * g.dilationY + 1, effW = (g.kernelWidth - 1) * g.dilationX + 1
        let (t, b, l, r) = (effH - 1 - g.padTop, effH - 1 - g.padBottom, effW - 1 - g.padLeft, effW - 1 - g.padRight)
        guard t >= 0, b >= 0, l >= 0, r >= 0,
              let f = try? WindowGeometry(inputHeight: g.outputHeight, inputWidth: g.outputWidth, kernelHeight: g.kernelHeight,
                                          kernelWidth: g.kernelWidth, stride: (1, 1), dilation: (g.dilationY, g.dilationX),
                                          padding: .explicit(top: t, bottom: b, left: l, right: r)),
              f.outputHeight == g.inputHeight, f.outputWidth == g.inputWidth else { return nil }
        return f
    }

    /// (KH,KW,C,F) -> (KH,KW,F,C) with both spatial axes reversed.
    static func rotatedKernel(_ k: Tensor<Float>) -> Tensor<Float> {
        let (kh, kw, c, f) = (k.shape[0], k.shape[1], k.shape[2], k.shape[3])
        var out = [Float](repeating: 0, count: k.count)
        for ky in 0..<kh { for kx in 0..<kw { for ch in 0..<c { for fi in 0..<f {
            out[(((kh - 1 - ky) * kw + (kw - 1 - kx)) * f + fi) * c + ch] = k.scalars[((ky * kw + kx) * c + ch) * f + fi]
        } } } }
        return Tensor(shape: [kh, kw, f, c], scalars: out)
    }

    /// `inputGradient` by GEMM and col2im scatter, for any stride.
    static func scatterInputGradient(_ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (dy.shape[0], k.shape[2], k.shape[3])
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let kk = g.kernelHeight * g.kernelWidth * c
        let imageSize = g.inputHeight * g.inputWidth * c
        var dx = LargeArray.uninitializedFloats(n * imageSize)
        let blocks = blocks(n, g)
        let inside = blocks.count == 1
        dy.scalars.withUnsafeBufferPointer { pdy in
            k.scalars.withUnsafeBufferPointer { pk in
                dx.withUnsafeMutableBufferPointer { pdx in
                    let box = UncheckedSendableBox(value: (pdy, pk, pdx))
                    Parallel.forEach(blocks.count) { b in
                        let (pdy, pk, pdx) = box.value
                        guard let dyp = pdy.baseAddress, let kp = pk.baseAddress, let dxp = pdx.baseAddress else { return }
                        let images = (blocks[b].lowerBound / oh)..<(blocks[b].upperBound / oh)
                        (dxp + images.lowerBound * imageSize).initialize(repeating: 0, count: images.count * imageSize)
                        chunks(blocks[b], g, channels: c) { rows, cols in
                            gemm(inside, rows.count * ow, kk, f, dyp + rows.lowerBound * ow * f, false, kp, true, cols, beta: 0)
                            Im2Col.unpack(cols, channels: c, g, rows: rows, into: dxp)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, g.inputHeight, g.inputWidth, c], scalars: dx)
    }

    /// The gradient in the kernel: x (N,H,W,C), dy (N,OH,OW,F) -> dK (KH,KW,C,F).
    static func kernelGradient(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], dy.shape[3])
        let ow = g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        let blocks = blocks(n, g)
        let inside = blocks.count == 1
        var partial = [Float](repeating: 0, count: blocks.count * kk * f)
        x.scalars.withUnsafeBufferPointer { px in
            dy.scalars.withUnsafeBufferPointer { pdy in
                partial.withUnsafeMutableBufferPointer { pp in
                    let box = UncheckedSendableBox(value: (px, pdy, pp))
                    Parallel.forEach(blocks.count) { b in
                        let (px, pdy, pp) = box.value
                        guard let xp = px.baseAddress, let dyp = pdy.baseAddress, let pk = pp.baseAddress else { return }
                        let dk = pk + b * kk * f
                        chunks(blocks[b], g, channels: c) { rows, cols in
                            Im2Col.pack(xp, channels: c, g, rows: rows, into: cols, parallel: inside)
                            let beta: Float = rows.lowerBound == blocks[b].lowerBound ? 0 : 1
                            gemm(inside, kk, f, rows.count * ow, cols, true, dyp + rows.lowerBound * ow * f, false, dk, beta: beta)
                        }
                    }
                }
            }
        }
        // Blocks are added in order.
        var dk = Array(partial[0..<(kk * f)])
        for b in 1..<Swift.max(blocks.count, 1) {
            for i in 0..<(kk * f) { dk[i] += partial[b * kk * f + i] }
        }
        return Tensor(shape: [g.kernelHeight, g.kernelWidth, c, f], scalars: dk)
    }

    /// The gradient in the bias: dy (N,OH,OW,F) -> (F). Rows are cut into 8 fixed blocks
    /// (summed concurrently) and each block into runs of 256 rows; a run is summed in Float
    /// (eight channels at a time when F is a multiple of 8), runs are added in Double, then
    /// blocks in order, so the result does not depend on cores. Within 1e-6 relative of a
    /// Double sum for rows of similar size.
    static func biasGradient(_ dy: Tensor<Float>) -> Tensor<Float> {
        let f = Swift.max(dy.shape.last ?? 1, 1)
        let rows = dy.count / f
        let blocks = 8, run = 256
        var partial = [Double](repeating: 0, count: blocks * f)
        dy.scalars.withUnsafeBufferPointer { p in
            partial.withUnsafeMutableBufferPointer { q in
                let box = UncheckedSendableBox(value: (p, q))
                Parallel.forEach(blocks) { blk in
                    let (p, q) = box.value
                    guard let raw = UnsafeRawPointer(p.baseAddress) else { return }
                    var r = rows * blk / blocks
                    let end = rows * (blk + 1) / blocks
                    var sums = [Float](repeating: 0, count: f)
                    while r < end {
                        let stop = Swift.min(end, r + run)
                        if f % 8 == 0 {
                            var lanes = [SIMD8<Float>](repeating: .zero, count: f / 8)
                            for row in r..<stop {
                                for l in 0..<(f / 8) {
                                    lanes[l] += raw.loadUnaligned(fromByteOffset: (row * f + l * 8) * 4, as: SIMD8<Float>.self)
                                }
                            }
                            for l in 0..<(f / 8) { for e in 0..<8 { sums[l * 8 + e] = lanes[l][e] } }
                        } else {
                            for j in 0..<f { sums[j] = 0 }
                            for row in r..<stop { for j in 0..<f { sums[j] += p[row * f + j] } }
                        }
                        for j in 0..<f { q[blk * f + j] += Double(sums[j]) }
                        r = stop
                    }
                }
            }
        }
        var db = [Double](repeating: 0, count: f)
        for blk in 0..<blocks { for j in 0..<f { db[j] += partial[blk * f + j] } }
        return Tensor(shape: [f], scalars: db.map { Float($0) })
    }
}
