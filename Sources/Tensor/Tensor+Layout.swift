/// Rearranging elements without arithmetic: axis permutation, padding and concatenation.
extension Tensor {
    /// Resolves a possibly negative axis against `rank` (numpy rules), or throws.
    static func normalizedAxis(_ axis: Int, rank: Int, _ op: String) throws(TensorError) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw .invalidArgument("\(op): axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }

    /// The axes in reverse order (numpy `.T`): shape (A,B,C) -> (C,B,A).
    @_specialize(exported: true, where Scalar == Float)
    public func transposed() -> Tensor {
        if rank < 2 { return self }
        // A permutation of valid axes cannot fail.
        return (try? permuted(Array((0..<rank).reversed()))) ?? self
    }

    /// Axis `i` of the result is axis `axes[i]` of `self` (numpy `transpose(axes)`).
    @_specialize(exported: true, where Scalar == Float)
    public func permuted(_ axes: [Int]) throws(TensorError) -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw .invalidArgument("permutation \(axes) is not a permutation of the axes of a \(formatShape(shape)) tensor")
        }
        let newShape = axes.map { shape[$0] }
        let own = strides
        let readStrides = axes.map { own[$0] }
        if rank == 2 && axes == [1, 0] {
            let (r, c) = (shape[0], shape[1])
            var out = [Scalar](repeating: .zero, count: count)
            scalars.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<r { for j in 0..<c { dst[j * r + i] = src[i * c + j] } }
                }
            }
            return Tensor(shape: newShape, scalars: out)
        }
        var out = [Scalar]()
        out.reserveCapacity(count)
        try Tensor.forEachOffset(newShape, readStrides, readStrides) { (_, ia, _) in out.append(scalars[ia]) }
        return Tensor(shape: newShape, scalars: out)
    }

    /// Pads every axis with `value`: `widths[i]` cells before and after axis `i`.
    @_specialize(exported: true, where Scalar == Float)
    public func padded(_ widths: [(before: Int, after: Int)], value: Scalar = .zero) throws(TensorError) -> Tensor {
        guard widths.count == rank else {
            throw .invalidArgument("padded needs one (before, after) pair per axis of \(formatShape(shape)), got \(widths.count)")
        }
        guard widths.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw .invalidArgument("padding widths must not be negative, got \(widths.map { [$0.before, $0.after] })")
        }
        var newShape = [Int]()
        for i in 0..<rank {
            let (a, o1) = shape[i].addingReportingOverflow(widths[i].before)
            let (b, o2) = a.addingReportingOverflow(widths[i].after)
            guard !o1, !o2 else { throw .invalidArgument("padded: padding \(widths.map { [$0.before, $0.after] }) is too large") }
            newShape.append(b)
        }
        var out = [Scalar](repeating: value, count: try ShapeCheck.budgeted(newShape, Scalar.self, "the padded tensor"))
        let dst = Tensor.strides(of: newShape)
        let base = (0..<rank).reduce(0) { $0 + widths[$1].before * dst[$1] }
        try Tensor.forEachOffset(shape, strides, dst) { (_, ia, ib) in out[base + ib] = scalars[ia] }
        return Tensor(shape: newShape, scalars: out)
    }

    /// Joins tensors along `axis` (negative counts from the end); all other extents must agree.
    @_specialize(exported: true, where Scalar == Float)
    public static func concatenate(_ ts: [Tensor], axis: Int) throws(TensorError) -> Tensor {
        guard let first = ts.first else { throw .invalidArgument("concatenate needs at least one tensor") }
        let a = try normalizedAxis(axis, rank: first.rank, "concatenate")
        for t in ts {
            var s1 = t.shape, s0 = first.shape
            guard s1.count == s0.count else {
                throw .shapeMismatch("concatenate along axis \(axis): \(formatShape(first.shape)) and \(formatShape(t.shape)) differ in rank")
            }
            s1[a] = 0; s0[a] = 0
            guard s1 == s0 else {
                throw .shapeMismatch("concatenate along axis \(axis): \(formatShape(first.shape)) and \(formatShape(t.shape)) differ off that axis")
            }
        }
        var newShape = first.shape
        newShape[a] = 0
        for t in ts {
            let (s, o) = newShape[a].addingReportingOverflow(t.shape[a])
            guard !o else { throw .invalidArgument("concatenate: the result along axis \(axis) is too large") }
            newShape[a] = s
        }
        _ = try ShapeCheck.budgeted(newShape, Scalar.self, "the concatenation")
        let outer = first.shape[..<a].reduce(1, *)
        var out = [Scalar]()
        out.reserveCapacity(newShape.reduce(1, *))
        for o in 0..<outer {
            for t in ts {
                let block = t.shape[a...].reduce(1, *)
                out.append(contentsOf: t.scalars[(o * block)..<((o + 1) * block)])
            }
        }
        return Tensor(shape: newShape, scalars: out)
    }
}
