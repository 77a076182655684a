import CBLAS

/// Single-precision matrix products: OpenBLAS `cblas_sgemm` and the plain reference loop it
/// is tested against.
///
/// All matrices are row-major. OpenBLAS splits a product over its threads by blocks of the
/// output, never across the summed dimension, so results do not depend on thread timing.
public enum GEMM {
    /// `C = alpha * op(A) * op(B) + beta * C` with op(A) (M,K), op(B) (K,N), C (M,N).
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
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transposeA ? m : k),
                    b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
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

    /// Uses every core for OpenBLAS (call once at start-up; the default already does).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
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
        if let fa = self as? Tensor<Float>, let fb = b as? Tensor<Float> {
            var c = [Float](repeating: 0, count: m * n)
            fa.scalars.withUnsafeBufferPointer { pa in
                fb.scalars.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        if let a = pa.baseAddress, let bb = pb.baseAddress, let cc = pc.baseAddress {
                            GEMM.sgemm(m: m, n: n, k: k, a, bb, cc)
                        }
                    }
                }
            }
            if let r = Tensor<Float>(shape: outShape, scalars: c) as? Tensor { return r }
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
