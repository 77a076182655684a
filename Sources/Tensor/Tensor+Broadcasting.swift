/// Element-wise arithmetic with numpy broadcasting.
///
/// Shapes are aligned at their trailing axes; an axis of extent 1 (or a missing leading axis)
/// stretches to the other operand's extent. `Int` arithmetic is checked: overflow throws
/// `TensorError.overflow`, never wraps.
extension Tensor {
    /// The numpy broadcast of two shapes, e.g. `4x1x3` and `5x1` give `4x5x3`.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws(TensorError) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw .shapeMismatch("cannot broadcast \(formatShape(a)) with \(formatShape(b))")
            }
        }
        return out
    }

    /// Strides (in elements) that read a tensor of `shape` as if it had the broadcast shape
    /// `target`: stretched axes get stride 0.
    static func broadcastStrides(_ shape: [Int], into target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let lead = target.count - shape.count
        return (0..<target.count).map { i in
            i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
        }
    }

    /// Calls `body(outputIndex, offsetA, offsetB)` for every element of `shape` in row-major
    /// order, with offsets advanced by `stridesA` and `stridesB`.
    @inlinable static func forEachOffset(_ shape: [Int], _ stridesA: [Int], _ stridesB: [Int],
                                         _ body: (Int, Int, Int) throws(TensorError) -> Void) throws(TensorError) {
        let total = shape.reduce(1, *)
        if total == 0 { return }
        let rank = shape.count
        var idx = [Int](repeating: 0, count: rank)
        var oa = 0, ob = 0
        for o in 0..<total {
            try body(o, oa, ob)
            var d = rank - 1
            while d >= 0 {
                idx[d] += 1
                oa += stridesA[d]
                ob += stridesB[d]
                if idx[d] < shape[d] { break }
                oa -= stridesA[d] * shape[d]
                ob -= stridesB[d] * shape[d]
                idx[d] = 0
                d -= 1
            }
        }
    }

    /// Combines `a` and `b` element by element under numpy broadcasting.
    @_specialize(exported: true, where Scalar == Float, R == Float)
    public static func broadcasting<R: TensorScalar>(
        _ a: Tensor, _ b: Tensor, _ f: (Scalar, Scalar) throws(TensorError) -> R
    ) throws(TensorError) -> Tensor<R> {
        if a.shape == b.shape {
            let out: [R] = try a.scalars.withUnsafeBufferPointer { (pa) throws(TensorError) in
                try b.scalars.withUnsafeBufferPointer { (pb) throws(TensorError) in
                    try LargeArray.make(a.count) { (p: UnsafeMutablePointer<R>) throws(TensorError) in
                        for i in 0..<pa.count { p[i] = try f(pa[i], pb[i]) }
                    }
                }
            }
            return Tensor<R>(shape: a.shape, scalars: out)
        }
        let shape = try broadcastShape(a.shape, b.shape)
        _ = try ShapeCheck.budgeted(shape, R.self, "the broadcast of \(formatShape(a.shape)) and \(formatShape(b.shape))")
        // Common fast cases: one operand a single element, or b repeating along a's leading
        // axes (a bias (F) added to (N,F)).
        if shape == a.shape && (b.count == 1 || a.shape.suffix(b.rank).elementsEqual(b.shape)) {
            let inner = b.count
            let out: [R] = try LargeArray.make(a.count) { (p: UnsafeMutablePointer<R>) throws(TensorError) in
                var i = 0
                while i < a.count {
                    for j in 0..<inner { p[i + j] = try f(a.scalars[i + j], b.scalars[j]) }
                    i += inner
                }
            }
            return Tensor<R>(shape: shape, scalars: out)
        }
        if shape == b.shape && a.count == 1 {
            let av = a.scalars[0]
            let out: [R] = try LargeArray.make(b.count) { (p: UnsafeMutablePointer<R>) throws(TensorError) in
                for i in 0..<b.count { p[i] = try f(av, b.scalars[i]) }
            }
            return Tensor<R>(shape: shape, scalars: out)
        }
        let sa = broadcastStrides(a.shape, into: shape)
        let sb = broadcastStrides(b.shape, into: shape)
        var out = [R]()
        out.reserveCapacity(shape.reduce(1, *))
        try forEachOffset(shape, sa, sb) { (_, ia, ib) throws(TensorError) in
            out.append(try f(a.scalars[ia], b.scalars[ib]))
        }
        return Tensor<R>(shape: shape, scalars: out)
    }

    /// `self + b` with broadcasting; `Int` overflow throws.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Int)
    public func adding(_ b: Tensor) throws(TensorError) -> Tensor {
        if shape == b.shape { return try Scalar.addSameShape(self, b) }
        return try Tensor.broadcasting(self, b) { (x, y) throws(TensorError) in try Scalar.checkedAdd(x, y) }
    }

    /// `self - b` with broadcasting; `Int` overflow throws.
    @_specialize(exported: true, where Scalar == Float)
    public func subtracting(_ b: Tensor) throws(TensorError) -> Tensor {
        try Tensor.broadcasting(self, b) { (x, y) throws(TensorError) in try Scalar.checkedSubtract(x, y) }
    }

    /// `self * b` (element-wise) with broadcasting; `Int` overflow throws.
    @_specialize(exported: true, where Scalar == Float)
    public func multiplying(_ b: Tensor) throws(TensorError) -> Tensor {
        try Tensor.broadcasting(self, b) { (x, y) throws(TensorError) in try Scalar.checkedMultiply(x, y) }
    }

    /// `self / b` with broadcasting, as Float (true division, like numpy's `/`).
    ///
    /// `Int / Int` is computed in Double and rounded once to Float; an `Int` division by zero
    /// throws. `Float` division follows IEEE (x/0 is ±inf or nan).
    @_specialize(exported: true, where Scalar == Float)
    public func dividing(_ b: Tensor) throws(TensorError) -> Tensor<Float> {
        if Scalar.isExact {
            return try Tensor.broadcasting(self, b) { (x, y) throws(TensorError) -> Float in
                if y == .zero { throw .invalidArgument("division by zero: \(x) / 0") }
                return Float(x.doubleValue / y.doubleValue)
            }
        }
        return try Tensor.broadcasting(self, b) { (x, y) throws(TensorError) -> Float in x.floatValue / y.floatValue }
    }

    /// `-self`; `-Int.min` throws.
    @_specialize(exported: true, where Scalar == Float)
    public func negated() throws(TensorError) -> Tensor {
        try map { (x) throws(TensorError) in try Scalar.checkedNegate(x) }
    }

    /// Element-wise `a < b` etc. as 0/1 `Int`, with broadcasting.
    @_specialize(exported: true, where Scalar == Float)
    public func compared(_ b: Tensor, _ op: Comparison) throws(TensorError) -> Tensor<Int> {
        try Tensor.broadcasting(self, b) { (x, y) throws(TensorError) -> Int in
            switch op {
            case .less: return x < y ? 1 : 0
            case .lessOrEqual: return x <= y ? 1 : 0
            case .greater: return x > y ? 1 : 0
            case .greaterOrEqual: return x >= y ? 1 : 0
            case .equal: return x == y ? 1 : 0
            case .notEqual: return x != y ? 1 : 0
            }
        }
    }
}

/// An element-wise comparison for `Tensor.compared(_:_:)`.
public enum Comparison: Sendable {
    case less, lessOrEqual, greater, greaterOrEqual, equal, notEqual
}
