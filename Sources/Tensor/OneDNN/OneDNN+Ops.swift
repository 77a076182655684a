import CDNNL

/// The oneDNN operations the engine uses, on channels-last Float buffers whose shapes the
/// caller has checked: convolution forward (bias and ReLU fused), backward data, backward
/// weights and bias; max and average pooling forward and backward; matrix products.
///
/// oneDNN describes every tensor by its logical dimensions in NCHW order (weights OIHW) and
/// a layout; here the layouts are `nhwc` for activations and `hwio` for kernels, which are
/// exactly the engine's (N,H,W,C) and Keras' (KH,KW,C,F).
extension OneDNN {
    /// The numbers that define a convolution: input (N,H,W,C), C -> F filters, and its geometry.
    struct Convolution {
        let n, c, f: Int
        let g: WindowGeometry

        /// Multiply-adds of one pass (forward, backward data or backward weights).
        var work: Int { n * g.outputHeight * g.outputWidth * f * g.kernelHeight * g.kernelWidth * c }

        var key: [Int] {
            [n, g.inputHeight, g.inputWidth, c, g.kernelHeight, g.kernelWidth, f, g.strideY, g.strideX,
             g.dilationY, g.dilationX, g.padTop, g.padBottom, g.padLeft, g.padRight]
        }
        var src: dnnl_memory_desc_t { OneDNN.md([n, c, g.inputHeight, g.inputWidth], dnnl_nhwc) }
        var dst: dnnl_memory_desc_t { OneDNN.md([n, f, g.outputHeight, g.outputWidth], dnnl_nhwc) }
        var userWeights: dnnl_memory_desc_t { OneDNN.md([f, c, g.kernelHeight, g.kernelWidth], dnnl_hwio) }
        var anyWeights: dnnl_memory_desc_t { OneDNN.md([f, c, g.kernelHeight, g.kernelWidth], dnnl_format_tag_any) }
        var bias: dnnl_memory_desc_t { OneDNN.md([f], dnnl_a) }
        var strides: [Int64] { [Int64(g.strideY), Int64(g.strideX)] }
        // oneDNN counts dilation from 0 (no gaps); the engine from 1.
        var dilation: [Int64] { [Int64(g.dilationY - 1), Int64(g.dilationX - 1)] }
        var padBefore: [Int64] { [Int64(g.padTop), Int64(g.padLeft)] }
        var padAfter: [Int64] { [Int64(g.padBottom), Int64(g.padRight)] }

        /// The forward primitive (also the hint that backward primitives are made from).
        func forward(_ ctx: Context, bias hasBias: Bool, relu: Bool) -> Primitive {
            OneDNN.primitive(ctx, Key(kind: .convForward(bias: hasBias, relu: relu), numbers: key)) {
                var (s, w, d, b) = (src, anyWeights, dst, bias)
                var desc = dnnl_convolution_desc_t()
                withUnsafePointer(to: &b) { bp in
                    OneDNN.check(dnnl_dilated_convolution_forward_desc_init(
                        &desc, dnnl_forward_training, dnnl_convolution_direct, &s, &w, hasBias ? bp : nil, &d,
                        strides, dilation, padBefore, padAfter), "describing a convolution \(key)")
                }
                var attr: dnnl_primitive_attr_t?
                OneDNN.check(dnnl_primitive_attr_create(&attr), "making attributes")
                defer { dnnl_primitive_attr_destroy(attr) }
                if relu {
                    var ops: dnnl_post_ops_t?
                    OneDNN.check(dnnl_post_ops_create(&ops), "making post-ops")
                    defer { dnnl_post_ops_destroy(ops) }
                    OneDNN.check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "appending ReLU")
                    OneDNN.check(dnnl_primitive_attr_set_post_ops(attr, ops), "setting post-ops")
                }
                return OneDNN.describe(ctx, &desc, attr: attr)
            }
        }
    }

    /// Runs `body` with `user` (in layout `userMD`) available in layout `wanted`: itself when
    /// the layouts agree, else reordered into a scratch buffer.
    static func withLayout<R>(_ ctx: Context, _ user: UnsafeRawPointer, _ userMD: dnnl_memory_desc_t,
                              _ wanted: dnnl_memory_desc_t, _ body: (UnsafeMutableRawPointer) -> R) -> R {
        if equal(userMD, wanted) { return body(UnsafeMutableRawPointer(mutating: user)) }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(size(wanted), 1), alignment: 64)
        defer { scratch.deallocate() }
        reorder(ctx, userMD, UnsafeMutableRawPointer(mutating: user), wanted, scratch)
        return body(scratch)
    }

    /// y (N,OH,OW,F) = conv(x, k) + bias, then max(., 0) when `relu`.
    static func convolutionForward(_ conv: Convolution, x: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
                                   bias: UnsafePointer<Float>?, relu: Bool, y: UnsafeMutablePointer<Float>) {
        withContext(work: conv.work) { ctx in
            let p = conv.forward(ctx, bias: bias != nil, relu: relu)
            withLayout(ctx, kernel, conv.userWeights, p.md(dnnl_query_weights_md)) { w in
                var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer?)] = [
                    (CNN_DNNL_ARG_SRC, conv.src, UnsafeMutableRawPointer(mutating: x)),
                    (CNN_DNNL_ARG_WEIGHTS, p.md(dnnl_query_weights_md), w),
                    (CNN_DNNL_ARG_DST, conv.dst, UnsafeMutableRawPointer(y)),
                ]
                if let bias { args.append((CNN_DNNL_ARG_BIAS, conv.bias, UnsafeMutableRawPointer(mutating: bias))) }
                execute(ctx, p, args)
            }
        }
    }

    /// dx (N,H,W,C) from dy (N,OH,OW,F) and the kernel: the adjoint of the convolution in x
    /// (and the forward pass of a transposed convolution).
    static func convolutionBackwardData(_ conv: Convolution, dy: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
                                        dx: UnsafeMutablePointer<Float>) {
        withContext(work: conv.work) { ctx in
            let hint = conv.forward(ctx, bias: false, relu: false)
            let p = primitive(ctx, Key(kind: .convBackwardData, numbers: conv.key)) {
                var (s, w, d) = (conv.src, conv.anyWeights, conv.dst)
                var desc = dnnl_convolution_desc_t()
                check(dnnl_dilated_convolution_backward_data_desc_init(
                    &desc, dnnl_convolution_direct, &s, &w, &d, conv.strides, conv.dilation, conv.padBefore, conv.padAfter),
                      "describing a convolution's backward data \(conv.key)")
                return describe(ctx, &desc, hint: hint.pd)
            }
            withLayout(ctx, kernel, conv.userWeights, p.md(dnnl_query_weights_md)) { w in
                execute(ctx, p, [(CNN_DNNL_ARG_DIFF_DST, conv.dst, UnsafeMutableRawPointer(mutating: dy)),
                                 (CNN_DNNL_ARG_WEIGHTS, p.md(dnnl_query_weights_md), w),
                                 (CNN_DNNL_ARG_DIFF_SRC, conv.src, UnsafeMutableRawPointer(dx))])
            }
        }
    }

    /// dK (KH,KW,C,F) and, when `db` is given, dbias (F), from x (N,H,W,C) and dy (N,OH,OW,F).
    static func convolutionBackwardWeights(_ conv: Convolution, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                           dk: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?) {
        withContext(work: conv.work) { ctx in
            let hasBias = db != nil
            let hint = conv.forward(ctx, bias: hasBias, relu: false)
            let p = primitive(ctx, Key(kind: .convBackwardWeights(bias: hasBias), numbers: conv.key)) {
                var (s, w, d, b) = (conv.src, conv.anyWeights, conv.dst, conv.bias)
                var desc = dnnl_convolution_desc_t()
                withUnsafePointer(to: &b) { bp in
                    check(dnnl_dilated_convolution_backward_weights_desc_init(
                        &desc, dnnl_convolution_direct, &s, &w, hasBias ? bp : nil, &d, conv.strides, conv.dilation,
                        conv.padBefore, conv.padAfter), "describing a convolution's backward weights \(conv.key)")
                }
                return describe(ctx, &desc, hint: hint.pd)
            }
            let wanted = p.md(dnnl_query_diff_weights_md)
            let user = conv.userWeights
            let same = equal(user, wanted)
            let out = same ? UnsafeMutableRawPointer(dk)
                           : UnsafeMutableRawPointer.allocate(byteCount: Swift.max(size(wanted), 1), alignment: 64)
            defer { if !same { out.deallocate() } }
            var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer?)] = [
                (CNN_DNNL_ARG_SRC, conv.src, UnsafeMutableRawPointer(mutating: x)),
                (CNN_DNNL_ARG_DIFF_DST, conv.dst, UnsafeMutableRawPointer(mutating: dy)),
                (CNN_DNNL_ARG_DIFF_WEIGHTS, wanted, out),
            ]
            if let db { args.append((CNN_DNNL_ARG_DIFF_BIAS, conv.bias, UnsafeMutableRawPointer(db))) }
            execute(ctx, p, args)
            if !same { reorder(ctx, wanted, out, user, UnsafeMutableRawPointer(dk)) }
        }
    }

    /// The numbers that define a pooling: input (N,H,W,C) and its window geometry.
    struct Pooling {
        let n, c: Int
        let g: WindowGeometry
        let max: Bool

        var key: [Int] {
            [n, g.inputHeight, g.inputWidth, c, g.kernelHeight, g.kernelWidth, g.strideY, g.strideX,
             g.padTop, g.padBottom, g.padLeft, g.padRight]
        }
        /// Cells visited: every output's window.
        var work: Int { n * g.outputHeight * g.outputWidth * c * g.kernelHeight * g.kernelWidth }
        var src: dnnl_memory_desc_t { OneDNN.md([n, c, g.inputHeight, g.inputWidth], dnnl_nhwc) }
        var dst: dnnl_memory_desc_t { OneDNN.md([n, c, g.outputHeight, g.outputWidth], dnnl_nhwc) }
        /// Padded cells are never the maximum and never counted in an average (Keras).
        var algorithm: dnnl_alg_kind_t { max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding }

        func forward(_ ctx: Context) -> Primitive {
            OneDNN.primitive(ctx, Key(kind: max ? .maxPoolForward : .avgPoolForward, numbers: key)) {
                var (s, d) = (src, dst)
                var desc = dnnl_pooling_v2_desc_t()
                let window: [Int64] = [Int64(g.kernelHeight), Int64(g.kernelWidth)]
                OneDNN.check(dnnl_pooling_v2_forward_desc_init(
                    &desc, dnnl_forward_training, algorithm, &s, &d, [Int64(g.strideY), Int64(g.strideX)], window, [0, 0],
                    [Int64(g.padTop), Int64(g.padLeft)], [Int64(g.padBottom), Int64(g.padRight)]), "describing a pooling \(key)")
                return OneDNN.describe(ctx, &desc)
            }
        }
    }

    /// The workspace a max pooling's forward pass leaves for its backward pass (which cell won
    /// each window, in oneDNN's own compact form).
    final class PoolingWorkspace: @unchecked Sendable {
        let bytes: UnsafeMutableRawPointer
        let count: Int
        init(count: Int) {
            self.count = count
            bytes = .allocate(byteCount: Swift.max(count, 1), alignment: 64)
        }
        deinit { bytes.deallocate() }
    }

    /// y (N,OH,OW,C) of max or average pooling; for max pooling, the workspace its backward
    /// pass needs.
    static func poolingForward(_ pool: Pooling, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) -> PoolingWorkspace? {
        withContext(work: pool.work) { ctx in
            let p = pool.forward(ctx)
            var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer?)] = [
                (CNN_DNNL_ARG_SRC, pool.src, UnsafeMutableRawPointer(mutating: x)),
                (CNN_DNNL_ARG_DST, pool.dst, UnsafeMutableRawPointer(y)),
            ]
            var workspace: PoolingWorkspace?
            if pool.max {
                let md = p.md(dnnl_query_workspace_md)
                let w = PoolingWorkspace(count: size(md))
                args.append((CNN_DNNL_ARG_WORKSPACE, md, w.bytes))
                workspace = w
            }
            execute(ctx, p, args)
            return workspace
        }
    }

    /// dx (N,H,W,C) from dy (N,OH,OW,C): to each window's winner (max, from `workspace`) or
    /// shared by its real cells (average).
    static func poolingBackward(_ pool: Pooling, dy: UnsafePointer<Float>, workspace: PoolingWorkspace?,
                                dx: UnsafeMutablePointer<Float>) {
        withContext(work: pool.work) { ctx in
            let hint = pool.forward(ctx)
            let p = primitive(ctx, Key(kind: pool.max ? .maxPoolBackward : .avgPoolBackward, numbers: pool.key)) {
                var (s, d) = (pool.src, pool.dst)
                var desc = dnnl_pooling_v2_desc_t()
                let g = pool.g
                check(dnnl_pooling_v2_backward_desc_init(
                    &desc, pool.algorithm, &s, &d, [Int64(g.strideY), Int64(g.strideX)], [Int64(g.kernelHeight), Int64(g.kernelWidth)],
                    [0, 0], [Int64(g.padTop), Int64(g.padLeft)], [Int64(g.padBottom), Int64(g.padRight)]),
                      "describing a pooling's backward pass \(pool.key)")
                return describe(ctx, &desc, hint: hint.pd)
            }
            var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer?)] = [
                (CNN_DNNL_ARG_DIFF_DST, pool.dst, UnsafeMutableRawPointer(mutating: dy)),
                (CNN_DNNL_ARG_DIFF_SRC, pool.src, UnsafeMutableRawPointer(dx)),
            ]
            if let workspace { args.append((CNN_DNNL_ARG_WORKSPACE, hint.md(dnnl_query_workspace_md), workspace.bytes)) }
            execute(ctx, p, args)
        }
    }

    /// C (M,N) = op(A) (M,K) times op(B) (K,N), all row-major; `transposeA` reads `a` stored
    /// (K,M), `transposeB` reads `b` stored (N,K) (strides, no copies).
    static func matmul(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, transposeA: Bool,
                       _ b: UnsafePointer<Float>, transposeB: Bool, _ c: UnsafeMutablePointer<Float>) {
        let aMD = md([m, k], strides: transposeA ? [1, m] : [k, 1])
        let bMD = md([k, n], strides: transposeB ? [1, k] : [n, 1])
        let cMD = md([m, n], strides: [n, 1])
        withContext(work: m * n * k) { ctx in
            let p = primitive(ctx, Key(kind: .matmul(transposeA: transposeA, transposeB: transposeB), numbers: [m, n, k])) {
                var (sa, sb, sc) = (aMD, bMD, cMD)
                var desc = dnnl_matmul_desc_t()
                check(dnnl_matmul_desc_init(&desc, &sa, &sb, nil, &sc), "describing a matmul \(m)x\(k)x\(n)")
                return describe(ctx, &desc)
            }
            execute(ctx, p, [(CNN_DNNL_ARG_SRC, aMD, UnsafeMutableRawPointer(mutating: a)),
                             (CNN_DNNL_ARG_WEIGHTS, bMD, UnsafeMutableRawPointer(mutating: b)),
                             (CNN_DNNL_ARG_DST, cMD, UnsafeMutableRawPointer(c))])
        }
    }

    /// A matrix with its element strides, for `batchedMatmul`: (batch, rows, columns).
    struct StridedMatrices {
        let pointer: UnsafeMutableRawPointer
        let strides: [Int]
    }

    /// C[b] (M,N) = A[b] (M,K) times B[b] (K,N) for b in 0..<batch, each operand read and
    /// written through its (batch, row, column) strides (one of row and column 1): the
    /// Winograd transforms' 36 products at a time.
    ///
    /// Each product is one `dnnl_sgemm` call on one thread, the products spread over the
    /// engine's threads: oneDNN's sgemm inside a parallel region runs on its calling thread,
    /// so each product is summed in an order that does not depend on the thread count. A
    /// batched matmul primitive did not give that: made at one thread and run at two, it gave
    /// other bits for 1,900-67,000 of a product's elements, at 400x128x64 and at every
    /// large-K shape tried (AMD EPYC, oneDNN 2.6.3, `gemm:jit`).
    static func batchedMatmul(batch: Int, m: Int, n: Int, k: Int, a: StridedMatrices, b: StridedMatrices, c: StridedMatrices) {
        func operand(_ x: StridedMatrices) -> (trans: CChar, ld: Int) {
            x.strides[2] == 1 ? (CChar(UInt8(ascii: "N")), x.strides[1]) : (CChar(UInt8(ascii: "T")), x.strides[2])
        }
        let (ta, tb) = (operand(a), operand(b))
        precondition(c.strides[2] == 1 && (a.strides[1] == 1 || a.strides[2] == 1) && (b.strides[1] == 1 || b.strides[2] == 1),
                     "batchedMatmul: every matrix needs unit stride in a row or a column")
        let box = UncheckedSendableBox(value: (a.pointer.assumingMemoryBound(to: Float.self), b.pointer.assumingMemoryBound(to: Float.self),
                                               c.pointer.assumingMemoryBound(to: Float.self)))
        Parallel.forEach(batch, work: batch * m * n * k) { i in
            let (pa, pb, pc) = box.value
            // On a thread of its own (no OpenMP team around it), oneDNN would start one.
            Threads.applyToOpenMP(1)
            check(dnnl_sgemm(ta.trans, tb.trans, Int64(m), Int64(n), Int64(k), 1, pa + i * a.strides[0], Int64(ta.ld),
                             pb + i * b.strides[0], Int64(tb.ld), 0, pc + i * c.strides[0], Int64(c.strides[1])),
                  "multiplying \(m)x\(k) by \(k)x\(n)")
        }
    }
}
