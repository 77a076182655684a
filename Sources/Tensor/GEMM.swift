import CBLAS

/// Single-precision matrix products: OpenBLAS `cblas_sgemm` and the plain reference loop it
/// is tested against.
///
/// All matrices are row-major. OpenBLAS runs single-threaded and `sgemm` splits a large
/// product itself into one block of output rows (or columns) per core, computed concurrently.
/// Each output element is then computed by one thread with the summed dimension in order, so
/// results never depend on thread timing. (OpenBLAS' own threads busy-wait with `sched_yield`
/// between calls, which took 12% of a training step away from the packing loops.)
public enum GEMM {
    /// Done once before the first product: OpenBLAS to one thread (we parallelise ourselves).
    static let singleThreadedBLAS: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// `C = alpha * op(A) * op(B) + beta * C` with op(A) (M,K), op(B) (K,N), C (M,N), on all cores.
    ///
    /// `transposeA` means `a` is stored (K,M); `transposeB` means `b` is stored (N,K).
    public static func sgemm(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        _ c: UnsafeMutablePointer<Float>, alpha: Float = 1, beta: Float = 0
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        _ = singleThreadedBLAS
        let (lda, ldb, ldc) = (transposeA ? m : k, transposeB ? k : n, n)
        let parts = Parallel.cores
        let big = m * n * k >= 1 << 21
        if parts > 1 && big && m >= 32 * parts {
            let box = UncheckedSendableBox(value: (a, b, c))
            Parallel.forEach(parts) { p in
                let (a, b, c) = box.value
                let lo = m * p / parts, hi = m * (p + 1) / parts
                // Rows lo..<hi of op(A) and of C.
                call(hi - lo, n, k, transposeA ? a + lo : a + lo * lda, lda, transposeA, b, ldb, transposeB,
                     c + lo * ldc, ldc, alpha, beta)
            }
        } else if parts > 1 && big && n >= 32 * parts {
            let box = UncheckedSendableBox(value: (a, b, c))
            Parallel.forEach(parts) { p in
                let (a, b, c) = box.value
                let lo = n * p / parts, hi = n * (p + 1) / parts
                // Columns lo..<hi of op(B) and of C.
                call(m, hi - lo, k, a, lda, transposeA, transposeB ? b + lo * ldb : b + lo, ldb, transposeB,
                     c + lo, ldc, alpha, beta)
            }
        } else {
            call(m, n, k, a, lda, transposeA, b, ldb, transposeB, c, ldc, alpha, beta)
        }
    }

    /// One single-threaded `cblas_sgemm` with explicit leading dimensions.
    static func call(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ ta: Bool,
                     _ b: UnsafePointer<Float>, _ ldb: Int, _ tb: Bool, _ c: UnsafeMutablePointer<Float>, _ ldc: Int,
                     _ alpha: Float, _ beta: Float) {
        _ = singleThreadedBLAS
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// op(A) (M,K) times op(B) (K,N) for 2-D Float tensors, without materialising a
    /// transpose: `transposeA` reads `a` (K,M) as its transpose, `transposeB` reads `b` (N,K).
    /// - Precondition: the inner extents agree (callers have checked the shapes).
    static func product(_ a: Tensor<Float>, _ b: Tensor<Float>, transposeA: Bool = false, transposeB: Bool = false) -> Tensor<Float> {
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition((transposeB ? b.shape[1] : b.shape[0]) == k, "product of \(formatShape(a.shape)) and \(formatShape(b.shape))")
        var c = LargeArray.uninitializedFloats(m * n)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else {
                        pc.update(repeating: 0)  // an empty operand: a zero product
                        return
                    }
                    sgemm(m: m, n: n, k: k, ap, transposeA: transposeA, bp, transposeB: transposeB, cp)
                }
            }
        }
        return Tensor(shape: [m, n], scalars: c)
    }

    /// The plain triple loop with a Double accumulator: the reference for `sgemm`.
    /// Returns op(A) (M,K) times op(B) (K,N) as (M,N) Doubles.
    public static func reference(m: Int, n: Int, k: Int, _ a: [Float], transposeA: Bool = false,
                                 _ b: [Float], transposeB: Bool = false) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc = 0.0
                for p in 0..<k {
                    let av = transposeA ? a[p * m + i] : a[i * k + p]
                    let bv = transposeB ? b[j * k + p] : b[p * n + j]
                    acc += Double(av) * Double(bv)
                }
                c[i * n + j] = acc
            }
        }
        return c
    }

}

extension Tensor {
    /// Matrix product as numpy's `matmul` for ranks 1 and 2: (M,K)x(K,N) -> (M,N);
    /// (K)x(K,N) -> (N); (M,K)x(K) -> (M); (K)x(K) -> scalar.
    ///
    /// `Int` is exact (checked loops, overflow throws); `Float` goes through `cblas_sgemm`
    /// (within a few ulps times sqrt(K) of a Double reference).
    @_specialize(exported: true, where Scalar == Float)
    public func matmul(_ b: Tensor) throws(TensorError) -> Tensor {
        guard (1...2).contains(rank), (1...2).contains(b.rank) else {
            throw .shapeMismatch("matmul needs 1-D or 2-D tensors, got \(formatShape(shape)) and \(formatShape(b.shape))")
        }
        let (m, k) = rank == 2 ? (shape[0], shape[1]) : (1, shape[0])
        let (k2, n) = b.rank == 2 ? (b.shape[0], b.shape[1]) : (b.shape[0], 1)
        guard k == k2 else {
            throw .shapeMismatch("matmul: inner extents differ in \(formatShape(shape)) and \(formatShape(b.shape))")
        }
        var outShape = [Int]()
        if rank == 2 { outShape.append(m) }
        if b.rank == 2 { outShape.append(n) }
        if let fa = self as? Tensor<Float>, let fb = b as? Tensor<Float>,
           let fa2 = try? fa.reshaped([m, k]), let fb2 = try? fb.reshaped([k, n]),
           let r = try? GEMM.product(fa2, fb2).reshaped(outShape) as? Tensor {
            return r
        }
        var c = [Scalar](repeating: .zero, count: m * n)
        for i in 0..<m {
            for p in 0..<k {
                let av = scalars[i * k + p]
                if av == .zero { continue }
                for j in 0..<n {
                    c[i * n + j] = try Scalar.checkedAdd(c[i * n + j], Scalar.checkedMultiply(av, b.scalars[p * n + j]))
                }
            }
        }
        return Tensor(shape: outShape, scalars: c)
    }
}
