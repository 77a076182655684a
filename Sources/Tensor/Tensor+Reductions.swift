/// Reductions over one axis or the whole tensor: sum, mean, max, argmax.
///
/// `axis: nil` reduces everything to a scalar (shape `[]`); otherwise the axis is removed
/// (negative axes count from the end). Sums run in a fixed order, so results are reproducible:
/// along an axis in index order; over a whole Float tensor as Double sums of consecutive
/// blocks of 65536 elements (computed concurrently) added in block order.
extension Tensor {
    /// The Double total of all elements, by fixed blocks (see above).
    func doubleTotal() -> Double {
        let block = 1 << 16
        let blocks = (count + block - 1) / block
        var partial = [Double](repeating: 0, count: blocks)
        scalars.withUnsafeBufferPointer { src in
            partial.withUnsafeMutableBufferPointer { dst in
                let box = UncheckedSendableBox(value: (src, dst))
                Parallel.forRanges(blocks) { range in
                    let (src, dst) = box.value
                    for b in range {
                        var acc = 0.0
                        for i in (b * block)..<Swift.min(src.count, (b + 1) * block) { acc += src[i].doubleValue }
                        dst[b] = acc
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Splits the shape around `axis` into (outer, length, inner) for a row-major walk.
    func reductionLayout(_ axis: Int?, _ op: String) throws(TensorError) -> (outer: Int, length: Int, inner: Int, shape: [Int]) {
        guard let axis else { return (1, count, 1, []) }
        let a = try Tensor.normalizedAxis(axis, rank: rank, op)
        var s = shape
        s.remove(at: a)
        return (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *), s)
    }

    /// The sum over `axis` (or all elements). `Int` sums are exact or throw on overflow;
    /// `Float` sums accumulate in Double in index order and round once.
    @_specialize(exported: true, where Scalar == Float)
    public func sum(axis: Int? = nil) throws(TensorError) -> Tensor {
        if axis == nil && !Scalar.isExact { return Tensor(scalar: Tensor.fromDouble(doubleTotal())) }
        let l = try reductionLayout(axis, "sum")
        var out = [Scalar]()
        out.reserveCapacity(l.outer * l.inner)
        for o in 0..<l.outer {
            for i in 0..<l.inner {
                let base = o * l.length * l.inner + i
                if Scalar.isExact {
                    var acc = Scalar.zero
                    for k in 0..<l.length { acc = try Scalar.checkedAdd(acc, scalars[base + k * l.inner]) }
                    out.append(acc)
                } else {
                    var acc = 0.0
                    for k in 0..<l.length { acc += scalars[base + k * l.inner].doubleValue }
                    out.append(Tensor.fromDouble(acc))
                }
            }
        }
        return Tensor(shape: l.shape, scalars: out)
    }

    /// The arithmetic mean over `axis` (or all elements), as Float: the exact (Int) or
    /// Double-accumulated (Float) sum divided by the count, rounded once.
    @_specialize(exported: true, where Scalar == Float)
    public func mean(axis: Int? = nil) throws(TensorError) -> Tensor<Float> {
        let l = try reductionLayout(axis, "mean")
        guard l.length > 0 else { throw .invalidArgument("mean of an empty axis of \(formatShape(shape))") }
        if axis == nil && !Scalar.isExact { return Tensor<Float>(scalar: Float(doubleTotal() / Double(count))) }
        var out = [Float]()
        out.reserveCapacity(l.outer * l.inner)
        for o in 0..<l.outer {
            for i in 0..<l.inner {
                let base = o * l.length * l.inner + i
                if Scalar.isExact {
                    var acc = Scalar.zero
                    for k in 0..<l.length { acc = try Scalar.checkedAdd(acc, scalars[base + k * l.inner]) }
                    out.append(Float(acc.doubleValue / Double(l.length)))
                } else {
                    var acc = 0.0
                    for k in 0..<l.length { acc += scalars[base + k * l.inner].doubleValue }
                    out.append(Float(acc / Double(l.length)))
                }
            }
        }
        return Tensor<Float>(shape: l.shape, scalars: out)
    }

    /// The largest element over `axis` (or all elements); throws on an empty axis.
    @_specialize(exported: true, where Scalar == Float)
    public func max(axis: Int? = nil) throws(TensorError) -> Tensor {
        let idx = try argmax(axis: axis)
        let l = try reductionLayout(axis, "max")
        var out = [Scalar]()
        out.reserveCapacity(idx.count)
        for o in 0..<l.outer {
            for i in 0..<l.inner {
                let k = idx.scalars[o * l.inner + i]
                out.append(scalars[o * l.length * l.inner + i + k * l.inner])
            }
        }
        return Tensor(shape: l.shape, scalars: out)
    }

    /// The position of the largest element over `axis` (the first one on ties, the first NaN
    /// if there is one, as numpy), or the flat row-major index when `axis` is nil; throws on an
    /// empty axis.
    @_specialize(exported: true, where Scalar == Float)
    public func argmax(axis: Int? = nil) throws(TensorError) -> Tensor<Int> {
        let l = try reductionLayout(axis, "argmax")
        guard l.length > 0 else { throw .invalidArgument("argmax of an empty axis of \(formatShape(shape))") }
        var out = [Int]()
        out.reserveCapacity(l.outer * l.inner)
        for o in 0..<l.outer {
            for i in 0..<l.inner {
                let base = o * l.length * l.inner + i
                var best = 0
                var bestValue = scalars[base]
                // numpy: a NaN is the maximum, and the first NaN's index is the argmax.
                for k in 1..<Swift.max(l.length, 1) {
                    let v = scalars[base + k * l.inner]
                    if v > bestValue || (v != v && bestValue == bestValue) {
                        best = k
                        bestValue = v
                    }
                }
                out.append(best)
            }
        }
        return Tensor<Int>(shape: l.shape, scalars: out)
    }

    /// A Double rounded to `Scalar` (only used for Float; Int callers never reach it).
    @inlinable static func fromDouble(_ d: Double) -> Scalar {
        if let f = Float(d) as? Scalar { return f }
        return Scalar.zero
    }
}
