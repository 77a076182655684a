import CBLAS

/// The fast Float convolution kernels: im2col packing plus `cblas_sgemm`, in chunks of output
/// rows so the column buffer stays in cache; for thin inputs (a window of at most 64 numbers,
/// as a first layer on RGB or grey images) the forward pass and the kernel gradient run the
/// direct AVX2 kernel of `DirectConv` over the same pieces instead, when the CPU has it.
///
/// Shapes: input x (N,H,W,C), kernel (KH,KW,C,F), output y (N,OH,OW,F). With M output pixels
/// in a chunk and KK = KH*KW*C:
/// - forward:          y[chunk] = bias + cols[chunk] (M,KK) * K (KK,F)
/// - input gradient:   dx += col2im(dy[chunk] (M,F) * K^T (F,KK))   (also conv2dTranspose);
///                     at stride 1 with 16+ channels, a forward convolution of dy instead
/// - kernel gradient:  dK = sum over chunks cols[chunk]^T (KK,M) * dy[chunk] (M,F)
///
/// The forward pass (and so the stride-1 input gradient) cuts the output rows of the batch
/// into fixed pieces (at most 2 MB of columns each, and at least `minPieces` when there are
/// enough rows); each piece is packed and multiplied start to finish by one thread with
/// single-threaded OpenBLAS, and the pieces are handed to the cores as they come free, so a
/// core slowed by other work leaves its share to the other one. Each output row is computed
/// the same way whichever thread takes it. The kernel gradient sums up to 8 fixed groups of
/// consecutive pieces, each in piece order (also handed out as cores come free), then adds
/// the groups in order (the direct kernel gradient keeps one partial per piece). The col2im
/// input gradient cuts a batch into `parts` (2) fixed blocks of images, each run by one
/// thread. Inside one part of a split training batch (`runConcurrently`), where everything
/// runs on one thread, pieces are only as many as the column budget needs and the col2im
/// runs as one block. Nothing depends on thread timing or on the number of cores: results
/// are reproducible bit for bit. Tested against the plain loops in
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
        // (Inside one part of a split batch everything runs on one thread: one block.)
        let p = n >= parts && !Parallel.onPartThread ? parts : 1
        return (0..<p).map { (n * $0 / p * g.outputHeight)..<(n * ($0 + 1) / p * g.outputHeight) }
    }

    /// The fewest pieces the forward pass and the kernel gradient cut a batch into (when it
    /// has that many output rows), so that both cores have work to share.
    static let minPieces = 4
    /// Most groups of pieces the kernel gradient sums separately.
    static let maxGroups = 8

    /// The fixed pieces of output rows 0..<rows: consecutive ranges of equal length (the last
    /// may be shorter), each at most the chunk budget of columns; they depend on the shapes only.
    /// Inside one part of a split batch (`runConcurrently`), where everything runs on one thread,
    /// pieces are only as many as the budget needs: fewer, longer GEMMs. Whether a thread runs
    /// a part depends on the batch, not on the machine, so the pieces still do not.
    static func pieces(_ rows: Int, _ g: WindowGeometry, channels c: Int) -> [Range<Int>] {
        let budget = Im2Col.rowsPerChunk(g, channels: c, budget: chunkBudget)
        let least = Parallel.onPartThread ? 1 : minPieces
        let per = Swift.max(1, Swift.min(budget, (rows + least - 1) / least))
        return stride(from: 0, to: rows, by: per).map { $0..<Swift.min(rows, $0 + per) }
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

    /// input (N,H,W,C), kernel (KH,KW,C,F), bias (F) or nil -> (N,OH,OW,F); with `relu`,
    /// max(y, 0) of that. Each chunk of output rows starts as copies of the bias, the GEMM adds
    /// its product (bias + product, one rounding), and ReLU follows while the chunk is in cache.
    ///
    /// Thin inputs (see `DirectConv`) run the direct kernel instead of im2col + sgemm, unless
    /// `direct` is false (tests compare both paths).
    static func forward(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry,
                        relu: Bool = false, direct: Bool = true) -> Tensor<Float> {
        forward(x, k, bias: bias, g, relu: relu, direct: direct, keep: nil)
    }

    /// `forward` with ReLU on the direct path, and ReLU's keep bits: bit e % 8 of byte e / 8 is
    /// set where output e is kept (all the backward pass of a first layer needs of y, 32 times
    /// smaller). Only when `DirectConv.applies`.
    static func forwardKeepingReLUMask(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?,
                                       _ g: WindowGeometry) -> (y: Tensor<Float>, keep: [UInt8]) {
        precondition(DirectConv.applies(g, channels: x.shape[3], filters: k.shape[3]), "ReLU keep bits need the direct kernel")
        var keep = [UInt8](repeating: 0, count: x.shape[0] * g.outputHeight * g.outputWidth * k.shape[3] / 8)
        let y = keep.withUnsafeMutableBufferPointer { forward(x, k, bias: bias, g, relu: true, direct: true, keep: $0.baseAddress) }
        return (y, keep)
    }

    /// The forward pass itself; the direct kernel streams outputs of `streamingBytes` or more.
    static func forward(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry,
                        relu: Bool, direct: Bool, keep: UnsafeMutablePointer<UInt8>?,
                        streamingBytes: Int = DirectConv.streamingBytes) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], k.shape[3])
        let ow = g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        var out = LargeArray.uninitializedFloats(n * g.outputHeight * ow * f)
        let pieces = pieces(n * g.outputHeight, g, channels: c)
        let useDirect = direct && DirectConv.applies(g, channels: c, filters: f)
        let geometry = DirectConv.geometry(g, channels: c, filters: f)
        let colsCount = useDirect ? DirectConv.scratch(g, channels: c, filters: f) : (pieces.first?.count ?? 0) * ow * kk
        let stream = out.count * MemoryLayout<Float>.size >= streamingBytes
        let biasScalars = bias?.scalars ?? []
        x.scalars.withUnsafeBufferPointer { px in
            k.scalars.withUnsafeBufferPointer { pk in
                biasScalars.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { po in
                        let box = UncheckedSendableBox(value: (px, pk, po, pb, keep))
                        Parallel.forEach(pieces.count) { i in
                            let (px, pk, po, pb, keep) = box.value
                            guard let xp = px.baseAddress, let kp = pk.baseAddress, let op = po.baseAddress else { return }
                            let rows = pieces[i]
                            let cols = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(colsCount, 1))
                            defer { cols.deallocate() }
                            let m = rows.count * ow
                            let y = op + rows.lowerBound * ow * f
                            // (An empty array may still have a base address: ask `bias` itself.)
                            let bp = bias == nil ? nil : pb.baseAddress
                            if useDirect {
                                DirectConv.forward(geometry, xp, kp, bias: bp, relu: relu, rows: rows, into: op, keep: keep,
                                                   stream: stream, scratch: cols)
                                return
                            }
                            if let bp { fillRows(y, rows: m, f, with: bp) }
                            Im2Col.pack(xp, channels: c, g, rows: rows, into: cols, parallel: false)
                            gemm(false, m, f, kk, cols, false, kp, false, y, beta: bp == nil ? 0 : 1)
                            if relu { reluInPlace(y, m * f) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, g.outputHeight, ow, f], scalars: out)
    }

    /// Every row of y (rows, F) set to `bias` (F): the GEMM then adds its product (beta 1),
    /// which gives bias + product as one rounding.
    static func fillRows(_ y: UnsafeMutablePointer<Float>, rows m: Int, _ f: Int, with bias: UnsafePointer<Float>) {
        if m == 0 { return }
        Im2Col.copy(bias, to: y, f)
        // Doubling copies from the rows already written: few calls, each one long.
        var done = 1
        while done < m {
            let n = Swift.min(done, m - done)
            (y + done * f).update(from: y, count: n * f)
            done += n
        }
    }

    /// max(y, 0) in place (as `Swift.max(y, 0)`: NaN stays NaN, -0 becomes +0), four at a time.
    static func reluInPlace(_ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let raw = UnsafeMutableRawPointer(y)
        var i = 0
        while i + 4 <= count {
            var v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self)
            v.replace(with: 0, where: v .<= 0)
            raw.storeBytes(of: v, toByteOffset: i * 4, as: SIMD4<Float>.self)
            i += 4
        }
        while i < count { y[i] = Swift.max(y[i], 0); i += 1 }
    }

    /// The adjoint of `forward` in x: dy (N,OH,OW,F), kernel (KH,KW,C,F) -> dx (N,H,W,C).
    ///
    /// With stride 1 this is itself a convolution: dy, padded by (effective kernel - 1 - pad)
    /// on each side, with the kernel turned 180 degrees and its channel axes swapped. That
    /// runs as `forward` (a GEMM over KH*KW*F instead of F, and no scatter), which is faster
    /// on large batches; on small ones (fewer than `flipMinimumColumns` columns to pack, as in
    /// the tutorial model at 28x28x1) the col2im scatter packs half as much and wins.
    static func inputGradient(_ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry,
                              flipMinimumColumns: Int = flipMinimumColumns) -> Tensor<Float> {
        // The rotated convolution's GEMM is C wide: worth it only for enough channels.
        let columns = dy.shape[0] * g.inputHeight * g.inputWidth * g.kernelHeight * g.kernelWidth * k.shape[3]
        if g.strideY == 1 && g.strideX == 1 && k.shape[2] >= 16 && columns >= flipMinimumColumns,
           let flipped = flippedGeometry(g) {
            return forward(dy, rotatedKernel(k), bias: nil, flipped)
        }
        return scatterInputGradient(dy, k, g)
    }

    /// Fewest columns (N*H*W*KH*KW*F floats) for which the input gradient runs as a
    /// convolution with the rotated kernel (measured: at 28x28x1, batch 32, the scatter took
    /// 1-14% less CPU per training step in five paired runs of five; at 150x150x3 neither won).
    static let flipMinimumColumns = 1 << 23

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
        let out: [Float] = k.scalars.withUnsafeBufferPointer { src in
            LargeArray.make(k.count) { (dst: UnsafeMutablePointer<Float>) in
                guard let s = src.baseAddress else { return }
                for ky in 0..<kh { for kx in 0..<kw {
                    let from = s + (ky * kw + kx) * c * f
                    let to = dst + ((kh - 1 - ky) * kw + (kw - 1 - kx)) * f * c
                    // (C,F) -> (F,C): OpenBLAS' transposing copy (alpha 1: the same values).
                    cblas_somatcopy(CblasRowMajor, CblasTrans, Int32(c), Int32(f), 1, from, Int32(f), to, Int32(c))
                } }
            }
        }
        return Tensor(shape: [kh, kw, f, c], scalars: out)
    }

    /// The plain loop of `rotatedKernel`, its reference.
    static func rotatedKernelReference(_ k: Tensor<Float>) -> Tensor<Float> {
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
                            // Zeroed here and added to (beta 1): OpenBLAS' own zeroing for beta 0 took
                            // 5% of a 28x28x1 training step.
                            cols.initialize(repeating: 0, count: rows.count * ow * kk)
                            gemm(inside, rows.count * ow, kk, f, dyp + rows.lowerBound * ow * f, false, kp, true, cols, beta: 1)
                            Im2Col.unpack(cols, channels: c, g, rows: rows, into: dxp)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, g.inputHeight, g.inputWidth, c], scalars: dx)
    }

    /// The gradient in the kernel: x (N,H,W,C), dy (N,OH,OW,F) -> dK (KH,KW,C,F).
    /// Thin inputs run the direct kernel (`directGradients`), unless `direct` is false.
    static func kernelGradient(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ g: WindowGeometry,
                               direct: Bool = true) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], dy.shape[3])
        if direct && DirectConv.applies(g, channels: c, filters: f) {
            return directGradients(x, dy, keep: nil, g, bias: false).kernel
        }
        let ow = g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        let pieces = pieces(n * g.outputHeight, g, channels: c)
        let colsCount = (pieces.first?.count ?? 0) * ow * kk
        let groups = Swift.max(1, Swift.min(maxGroups, pieces.count))
        let size = kk * f
        let stride = partialStride(size, bytes: 4)
        var partial = LargeArray.uninitializedFloats(groups * stride)
        x.scalars.withUnsafeBufferPointer { px in
            dy.scalars.withUnsafeBufferPointer { pdy in
                partial.withUnsafeMutableBufferPointer { pp in
                    let box = UncheckedSendableBox(value: (px, pdy, pp))
                    Parallel.forEach(groups) { j in
                        let (px, pdy, pp) = box.value
                        guard let xp = px.baseAddress, let dyp = pdy.baseAddress, let pk = pp.baseAddress else { return }
                        let dk = pk + j * stride
                        let mine = (pieces.count * j / groups)..<(pieces.count * (j + 1) / groups)
                        if mine.isEmpty { dk.initialize(repeating: 0, count: size); return }
                        let cols = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(colsCount, 1))
                        defer { cols.deallocate() }
                        for i in mine {
                            let rows = pieces[i]
                            Im2Col.pack(xp, channels: c, g, rows: rows, into: cols, parallel: false)
                            let beta: Float = i == mine.lowerBound ? 0 : 1
                            gemm(false, kk, f, rows.count * ow, cols, true, dyp + rows.lowerBound * ow * f, false, dk, beta: beta)
                        }
                    }
                }
            }
        }
        // Groups are added in order (each element the same way, so any split over cores).
        let dk: [Float] = partial.withUnsafeBufferPointer { pp in
            LargeArray.make(size) { (out: UnsafeMutablePointer<Float>) in
                let box = UncheckedSendableBox(value: (pp, out))
                Parallel.forRanges(size, minimumChunk: 1 << 15) { r in
                    let (pp, out) = box.value
                    for i in r {
                        var v = pp[i]
                        for j in 1..<groups { v += pp[j * stride + i] }
                        out[i] = v
                    }
                }
            }
        }
        return Tensor(shape: [g.kernelHeight, g.kernelWidth, c, f], scalars: dk)
    }

    /// Elements between the starts of two per-piece partial sums of `count` elements of `bytes`
    /// each: at least 64 bytes of gap, so two cores writing neighbouring partials never write
    /// the same cache line (which then bounces between the cores on every store).
    static func partialStride(_ count: Int, bytes: Int) -> Int { count + Swift.max(1, 64 / bytes) }

    /// Whether `directGradients` computes the gradients of a convolution whose input needs
    /// none (a first layer) on this CPU.
    static func hasDirectGradients(_ x: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry) -> Bool {
        DirectConv.applies(g, channels: x.shape[3], filters: k.shape[3])
    }

    /// The kernel gradient and, when `bias`, the bias gradient of a thin-input convolution in
    /// one pass over dy (masked on the way by the fused ReLU's keep bits from
    /// `forwardKeepingReLUMask`, when given), without writing the masked dy:
    /// x (N,H,W,C), dy (N,OH,OW,F) -> dK (KH,KW,C,F), db (F).
    /// The rows are cut into the pieces of `kernelGradient`, each summed on its own (the partial
    /// gradients are tiny: K x F), handed to the cores as they come free, then added in piece
    /// order (db in Double), so nothing depends on cores. Only when `hasDirectGradients`.
    static func directGradients(_ x: Tensor<Float>, _ dy: Tensor<Float>, keep: [UInt8]?,
                                _ g: WindowGeometry, bias: Bool) -> (kernel: Tensor<Float>, bias: Tensor<Float>?) {
        let (n, c, f) = (x.shape[0], x.shape[3], dy.shape[3])
        precondition(DirectConv.applies(g, channels: c, filters: f), "direct gradients for \(formatShape(x.shape)) -> \(formatShape(dy.shape))")
        let pieces = pieces(n * g.outputHeight, g, channels: c)
        let groups = Swift.max(1, pieces.count)
        let size = g.kernelHeight * g.kernelWidth * c * f
        let geometry = DirectConv.geometry(g, channels: c, filters: f)
        let scratch = DirectConv.backwardScratch(g, channels: c, filters: f)
        let (stride, biasStride) = (partialStride(size, bytes: 4), partialStride(f, bytes: 8))
        var partial = LargeArray.uninitializedFloats(groups * stride)
        var partialBias = [Double](repeating: 0, count: groups * biasStride)
        let bits = keep ?? []
        precondition(keep == nil || bits.count * 8 == dy.count, "direct gradients: \(bits.count) keep bytes for \(dy.count) outputs")
        x.scalars.withUnsafeBufferPointer { px in
            dy.scalars.withUnsafeBufferPointer { pdy in
                bits.withUnsafeBufferPointer { py in
                    partial.withUnsafeMutableBufferPointer { pp in
                        partialBias.withUnsafeMutableBufferPointer { pb in
                            let box = UncheckedSendableBox(value: (px, pdy, py, pp, pb))
                            let masked = keep != nil
                            Parallel.forEach(groups) { j in
                                let (px, pdy, py, pp, pb) = box.value
                                guard let xp = px.baseAddress, let dyp = pdy.baseAddress, let pk = pp.baseAddress,
                                      let bp = pb.baseAddress else { return }
                                let dk = pk + j * stride
                                dk.initialize(repeating: 0, count: size)
                                let cols = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
                                defer { cols.deallocate() }
                                for i in (pieces.count * j / groups)..<(pieces.count * (j + 1) / groups) {
                                    DirectConv.backward(geometry, xp, dyp, keep: masked ? py.baseAddress : nil, rows: pieces[i],
                                                        kernel: dk, bias: bias ? bp + j * biasStride : nil, scratch: cols)
                                }
                            }
                        }
                    }
                }
            }
        }
        let dk: [Float] = partial.withUnsafeBufferPointer { pp in
            LargeArray.make(size) { (out: UnsafeMutablePointer<Float>) in
                for i in 0..<size {
                    var v = pp[i]
                    for j in 1..<groups { v += pp[j * stride + i] }
                    out[i] = v
                }
            }
        }
        var db = [Double](repeating: 0, count: f)
        for j in 0..<groups { for ch in 0..<f { db[ch] += partialBias[j * biasStride + ch] } }
        return (Tensor(shape: [g.kernelHeight, g.kernelWidth, c, f], scalars: dk),
                bias ? Tensor(shape: [f], scalars: db.map { Float($0) }) : nil)
    }

    /// The gradient in the bias: dy (N,OH,OW,F) -> (F). Rows are cut into 8 fixed blocks
    /// (summed concurrently) and each block into runs of 256 rows; a run is summed in Float
    /// (eight channels at a time when F is a multiple of 8), runs are added in Double, then
    /// blocks in order, so the result does not depend on cores. Within 1e-6 relative of a
    /// Double sum for rows of similar size.
    static func biasGradient(_ dy: Tensor<Float>) -> Tensor<Float> {
        biasGradient(dy, reluOutput: nil).bias
    }

    /// `biasGradient` of dy masked by ReLU's output y (dy where y > 0, else 0, as
    /// `LargeArray.reluGradient`), and that masked dy, in one pass: the same bits as
    /// `biasGradient(reluGradient(dy, y))`. Without y, the masked dy is dy itself.
    static func biasGradient(_ dy: Tensor<Float>, reluOutput y: Tensor<Float>?) -> (bias: Tensor<Float>, masked: Tensor<Float>) {
        let f = Swift.max(dy.shape.last ?? 1, 1)
        let rows = dy.count / f
        let blocks = 8, run = 256
        var partial = [Double](repeating: 0, count: blocks * f)
        var masked = y == nil ? [] : LargeArray.uninitializedFloats(dy.count)
        let ys = y?.scalars ?? []
        precondition(y == nil || ys.count == dy.count, "bias gradient: mask of \(ys.count) for \(dy.count) elements")
        dy.scalars.withUnsafeBufferPointer { p in
            ys.withUnsafeBufferPointer { py in
                masked.withUnsafeMutableBufferPointer { pm in
                    partial.withUnsafeMutableBufferPointer { q in
                        let box = UncheckedSendableBox(value: (p, py, pm, q))
                        // (An empty array may still have a base address: ask y itself.)
                        let mask = y != nil
                        Parallel.forEach(blocks, work: dy.count) { blk in
                            let (p, py, pm, q) = box.value
                            guard let raw = UnsafeRawPointer(p.baseAddress) else { return }
                            let (yr, mr) = (UnsafeRawPointer(py.baseAddress), UnsafeMutableRawPointer(pm.baseAddress))
                            var r = rows * blk / blocks
                            let end = rows * (blk + 1) / blocks
                            var sums = [Float](repeating: 0, count: f)
                            var lanes = [SIMD8<Float>](repeating: .zero, count: f / 8)
                            while r < end {
                                let stop = Swift.min(end, r + run)
                                if f % 8 == 0, let yr, let mr, mask {
                                    for l in 0..<(f / 8) { lanes[l] = .zero }
                                    for row in r..<stop {
                                        for l in 0..<(f / 8) {
                                            let o = (row * f + l * 8) * 4
                                            let gv = raw.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                                            let yv = yr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                                            let v = gv.replacing(with: 0, where: yv .<= 0)
                                            mr.storeBytes(of: v, toByteOffset: o, as: SIMD8<Float>.self)
                                            lanes[l] += v
                                        }
                                    }
                                    for l in 0..<(f / 8) { for e in 0..<8 { sums[l * 8 + e] = lanes[l][e] } }
                                } else if f % 8 == 0 {
                                    for l in 0..<(f / 8) { lanes[l] = .zero }
                                    for row in r..<stop {
                                        for l in 0..<(f / 8) {
                                            lanes[l] += raw.loadUnaligned(fromByteOffset: (row * f + l * 8) * 4, as: SIMD8<Float>.self)
                                        }
                                    }
                                    for l in 0..<(f / 8) { for e in 0..<8 { sums[l * 8 + e] = lanes[l][e] } }
                                } else {
                                    for j in 0..<f { sums[j] = 0 }
                                    for row in r..<stop {
                                        for j in 0..<f {
                                            var v = p[row * f + j]
                                            if mask { v = py[row * f + j] <= 0 ? 0 : v; pm[row * f + j] = v }
                                            sums[j] += v
                                        }
                                    }
                                }
                                for j in 0..<f { q[blk * f + j] += Double(sums[j]) }
                                r = stop
                            }
                        }
                    }
                }
            }
        }
        var db = [Double](repeating: 0, count: f)
        for blk in 0..<blocks { for j in 0..<f { db[j] += partial[blk * f + j] } }
        return (Tensor(shape: [f], scalars: db.map { Float($0) }), y == nil ? dy : Tensor(shape: dy.shape, scalars: masked))
    }
}
