/// The fast Float convolution kernels: im2col packing plus `cblas_sgemm`, chunked over the
/// batch so the column buffer stays small.
///
/// Shapes: input x (N,H,W,C), kernel (KH,KW,C,F), output y (N,OH,OW,F). With M = OH*OW rows
/// per image and KK = KH*KW*C:
/// - forward:          y[chunk] = bias + cols[chunk] (M,KK) * K (KK,F)
/// - input gradient:   dx += col2im(dy[chunk] (M,F) * K^T (F,KK))   (also conv2dTranspose)
/// - kernel gradient:  dK = sum over chunks cols[chunk]^T (KK,M) * dy[chunk] (M,F)
///
/// A batch is cut into `parts` (2) fixed blocks of images, each run start to finish (pack,
/// GEMM, unpack) by one thread with single-threaded OpenBLAS, so packed columns stay in that
/// core's cache. The kernel gradient adds the blocks' partial sums in block order. Nothing
/// depends on thread timing or on the number of cores: results are reproducible bit for bit.
/// A single image falls back to one block with every step parallel inside. Tested against
/// the plain loops in `conv2dReference`, `conv2dTransposeReference` and
/// `conv2dKernelGradientReference`.
enum Conv2DKernels {
    /// How many image blocks a batch is cut into (fixed, so results do not depend on cores).
    static let parts = 2
    /// Column buffer size per block, in floats (16 MB).
    static let chunkBudget = 4 << 20

    /// The image blocks of a batch of `n`: `parts` blocks, or one when `n` < `parts`.
    static func blocks(_ n: Int) -> [Range<Int>] {
        let p = n >= parts ? parts : 1
        return (0..<p).map { (n * $0 / p)..<(n * ($0 + 1) / p) }
    }

    /// input (N,H,W,C), kernel (KH,KW,C,F), bias (F) or nil -> (N,OH,OW,F).
    static func forward(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], k.shape[3])
        let m = g.outputHeight * g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        var out = LargeArray.uninitializedFloats(n * m * f)
        let blocks = blocks(n)
        let inside = blocks.count == 1  // parallel inside each step instead of across blocks
        x.scalars.withUnsafeBufferPointer { px in
            k.scalars.withUnsafeBufferPointer { pk in
                out.withUnsafeMutableBufferPointer { po in
                    let box = UncheckedSendableBox(value: (px, pk, po, bias))
                    Parallel.forEach(blocks.count) { b in
                        let (px, pk, po, bias) = box.value
                        guard let xp = px.baseAddress, let kp = pk.baseAddress, let op = po.baseAddress else { return }
                        let images = blocks[b]
                        let chunk = Im2Col.imagesPerChunk(g, channels: c, batch: images.count, budget: chunkBudget)
                        var cols = LargeArray.uninitializedFloats(chunk * m * kk)
                        cols.withUnsafeMutableBufferPointer { pc in
                            guard let cp = pc.baseAddress else { return }
                            var n0 = images.lowerBound
                            while n0 < images.upperBound {
                                let n1 = Swift.min(images.upperBound, n0 + chunk)
                                let rows = (n1 - n0) * m
                                let y = op + n0 * m * f
                                if let bias {
                                    bias.scalars.withUnsafeBufferPointer { pb in
                                        guard let bp = pb.baseAddress else { return }
                                        for r in 0..<rows { (y + r * f).update(from: bp, count: f) }
                                    }
                                }
                                Im2Col.pack(xp, channels: c, g, images: n0, n1, into: cp, parallel: inside)
                                if inside {
                                    GEMM.sgemm(m: rows, n: f, k: kk, cp, kp, y, beta: bias == nil ? 0 : 1)
                                } else {
                                    GEMM.call(rows, f, kk, cp, kk, false, kp, f, false, y, f, 1, bias == nil ? 0 : 1)
                                }
                                n0 = n1
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, g.outputHeight, g.outputWidth, f], scalars: out)
    }

    /// The adjoint of `forward` in x: dy (N,OH,OW,F), kernel (KH,KW,C,F) -> dx (N,H,W,C).
    static func inputGradient(_ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (dy.shape[0], k.shape[2], k.shape[3])
        let m = g.outputHeight * g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        let imageSize = g.inputHeight * g.inputWidth * c
        var dx = LargeArray.uninitializedFloats(n * imageSize)
        let blocks = blocks(n)
        let inside = blocks.count == 1
        dy.scalars.withUnsafeBufferPointer { pdy in
            k.scalars.withUnsafeBufferPointer { pk in
                dx.withUnsafeMutableBufferPointer { pdx in
                    let box = UncheckedSendableBox(value: (pdy, pk, pdx))
                    Parallel.forEach(blocks.count) { b in
                        let (pdy, pk, pdx) = box.value
                        guard let dyp = pdy.baseAddress, let kp = pk.baseAddress, let dxp = pdx.baseAddress else { return }
                        let images = blocks[b]
                        (dxp + images.lowerBound * imageSize).initialize(repeating: 0, count: images.count * imageSize)
                        let chunk = Im2Col.imagesPerChunk(g, channels: c, batch: images.count, budget: chunkBudget)
                        var cols = LargeArray.uninitializedFloats(chunk * m * kk)
                        cols.withUnsafeMutableBufferPointer { pc in
                            guard let cp = pc.baseAddress else { return }
                            var n0 = images.lowerBound
                            while n0 < images.upperBound {
                                let n1 = Swift.min(images.upperBound, n0 + chunk)
                                let rows = (n1 - n0) * m
                                if inside {
                                    GEMM.sgemm(m: rows, n: kk, k: f, dyp + n0 * m * f, kp, transposeB: true, cp)
                                } else {
                                    GEMM.call(rows, kk, f, dyp + n0 * m * f, f, false, kp, f, true, cp, kk, 1, 0)
                                }
                                Im2Col.unpack(cp, channels: c, g, images: n0, n1, into: dxp, parallel: inside)
                                n0 = n1
                            }
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
        let m = g.outputHeight * g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        let blocks = blocks(n)
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
                        let images = blocks[b]
                        let chunk = Im2Col.imagesPerChunk(g, channels: c, batch: images.count, budget: chunkBudget)
                        var cols = LargeArray.uninitializedFloats(chunk * m * kk)
                        cols.withUnsafeMutableBufferPointer { pc in
                            guard let cp = pc.baseAddress else { return }
                            var n0 = images.lowerBound
                            while n0 < images.upperBound {
                                let n1 = Swift.min(images.upperBound, n0 + chunk)
                                let rows = (n1 - n0) * m
                                Im2Col.pack(xp, channels: c, g, images: n0, n1, into: cp, parallel: inside)
                                let beta: Float = n0 == images.lowerBound ? 0 : 1
                                if inside {
                                    GEMM.sgemm(m: kk, n: f, k: rows, cp, transposeA: true, dyp + n0 * m * f, dk, beta: beta)
                                } else {
                                    GEMM.call(kk, f, rows, cp, kk, true, dyp + n0 * m * f, f, false, dk, f, 1, beta)
                                }
                                n0 = n1
                            }
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

    /// The gradient in the bias: dy (N,OH,OW,F) -> (F). Rows are summed in Double in 8 fixed
    /// blocks (concurrently), then the blocks in order, so the result does not depend on cores.
    static func biasGradient(_ dy: Tensor<Float>) -> Tensor<Float> {
        let f = Swift.max(dy.shape.last ?? 1, 1)
        let rows = dy.count / f
        let blocks = 8
        var partial = [Double](repeating: 0, count: blocks * f)
        dy.scalars.withUnsafeBufferPointer { p in
            partial.withUnsafeMutableBufferPointer { q in
                let box = UncheckedSendableBox(value: (p, q))
                Parallel.forEach(blocks) { blk in
                    let (p, q) = box.value
                    for r in (rows * blk / blocks)..<(rows * (blk + 1) / blocks) {
                        for j in 0..<f { q[blk * f + j] += Double(p[r * f + j]) }
                    }
                }
            }
        }
        var db = [Double](repeating: 0, count: f)
        for blk in 0..<blocks { for j in 0..<f { db[j] += partial[blk * f + j] } }
        return Tensor(shape: [f], scalars: db.map { Float($0) })
    }
}
