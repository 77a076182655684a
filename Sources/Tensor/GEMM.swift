/// Single-precision matrix products (dense layers and their gradients): oneDNN's matmul for
/// products large enough to pay for a primitive, a plain loop below that, and the Double
/// reference loop both are tested against.
///
/// All matrices are row-major. A transposed operand is described to oneDNN by its strides,
/// so no transpose is ever copied.
public enum GEMM {
    /// op(A) (M,K) times op(B) (K,N) for 2-D Float tensors: `transposeA` reads `a` (K,M) as its
    /// transpose, `transposeB` reads `b` (N,K).
    /// - Precondition: the inner extents agree (callers have checked the shapes).
    static func product(_ a: Tensor<Float>, _ b: Tensor<Float>, transposeA: Bool = false, transposeB: Bool = false,
                        path: Conv2DKernels.Path = .automatic) -> Tensor<Float> {
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition((transposeB ? b.shape[1] : b.shape[0]) == k, "product of \(formatShape(a.shape)) and \(formatShape(b.shape))")
        let small = path == .reference || (path == .automatic && (Engine.portable || m * n * k < Conv2DKernels.smallWork))
        if small || k == 0 || m == 0 || n == 0 {
            return Tensor(shape: [m, n], scalars: plain(m: m, n: n, k: k, a.scalars, transposeA: transposeA, b.scalars, transposeB: transposeB))
        }
        var c = LargeArray.uninitializedFloats(m * n)
        Conv2DKernels.withPointers(a.scalars, b.scalars, []) { pa, pb, _ in
            c.withUnsafeMutableBufferPointer { pc in
                OneDNN.matmul(m: m, n: n, k: k, pa, transposeA: transposeA, pb, transposeB: transposeB, pc.baseAddress!)
            }
        }
        return Tensor(shape: [m, n], scalars: c)
    }

    /// The plain loop for small products (and the portable mode): each element summed over k
    /// in order from 0, in Float. The loops run row of A by row of B, so the innermost one goes
    /// along a row of C, contiguous and independent, which the compiler vectorises without
    /// changing any sum (B stored (N,K) is laid out as (K,N) first).
    static func plain(m: Int, n: Int, k: Int, _ a: [Float], transposeA: Bool, _ b: [Float], transposeB: Bool) -> [Float] {
        var bt = b
        if transposeB {
            for j in 0..<n { for p in 0..<k { bt[p * n + j] = b[j * k + p] } }
        }
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            bt.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let av = pa.baseAddress, let bv = pb.baseAddress, let cv = pc.baseAddress else { return }
                    for i in 0..<m {
                        let row = cv + i * n
                        for p in 0..<k {
                            let x = transposeA ? av[p * m + i] : av[i * k + p]
                            let brow = bv + p * n
                            for j in 0..<n { row[j] += x * brow[j] }
                        }
                    }
                }
            }
        }
        return c
    }

    /// The plain triple loop with a Double accumulator: the reference for `product`.
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
    /// `Int` is exact (checked loops, overflow throws); `Float` goes through oneDNN's matmul
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
        _ = try ShapeCheck.budgeted([m, n], Scalar.self, "the matmul of \(formatShape(shape)) and \(formatShape(b.shape))")
        return try Scalar.matrixProduct(reshaped([m, k]), b.reshaped([k, n])).reshaped(outShape)
    }

    /// (M,K) times (K,N) by checked loops (exact for `Int`), skipping zero terms.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Int)
    func matrixProductReference(_ b: Tensor) throws(TensorError) -> Tensor {
        let (m, k, n) = (shape[0], shape[1], b.shape[1])
        var c = [Scalar](repeating: .zero, count: m * n)
        for i in 0..<m {
            try WorkLimit.check()  // a row at a time: a time limit or Ctrl-C stops here
            for p in 0..<k {
                let av = scalars[i * k + p]
                if av == .zero { continue }
                for j in 0..<n {
                    c[i * n + j] = try Scalar.checkedAdd(c[i * n + j], Scalar.checkedMultiply(av, b.scalars[p * n + j]))
                }
            }
        }
        return Tensor(shape: [m, n], scalars: c)
    }
}
