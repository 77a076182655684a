/// One axis of a slice, with Python semantics.
///
/// - `index(i)`: picks one position and drops the axis; negative `i` counts from the end.
/// - `range(start:end:step:)`: `start:end:step` as in Python; `nil` means the default for the
///   step's sign, out-of-range bounds are clamped, `step` must not be 0.
public enum SliceSpec: Sendable, Equatable {
    case index(Int)
    case range(start: Int?, end: Int?, step: Int?)

    /// The whole axis (`:`).
    public static let all = SliceSpec.range(start: nil, end: nil, step: nil)

    /// Python's `slice.indices(length)`: the first position, the step and how many positions.
    static func resolve(start: Int?, end: Int?, step: Int?, length: Int) throws(TensorError) -> (first: Int, step: Int, count: Int) {
        let step = step ?? 1
        guard step != 0 else { throw .invalidArgument("slice step cannot be zero") }
        let (lower, upper) = step > 0 ? (0, length) : (-1, length - 1)
        func clamp(_ v: Int?, _ byDefault: Int) -> Int {
            guard let v else { return byDefault }
            return v < 0 ? Swift.max(v + length, lower) : Swift.min(v, upper)
        }
        let s = clamp(start, step > 0 ? lower : upper)
        let e = clamp(end, step > 0 ? upper : lower)
        // Written so that no step (up to Int.max or down to Int.min) overflows.
        let n: Int
        if step > 0 { n = e > s ? (e - s - 1) / step + 1 : 0 } else { n = s > e ? (s - e - 1) / step.magnitude.clampedToInt + 1 : 0 }
        return (s, step, n)
    }
}

extension Tensor {
    /// Python/numpy basic slicing: one spec per leading axis; missing trailing axes are taken
    /// whole; `.index` drops its axis.
    @_specialize(exported: true, where Scalar == Float)
    public func slice(_ specs: [SliceSpec]) throws(TensorError) -> Tensor {
        guard specs.count <= rank else {
            throw .invalidArgument("too many indices: \(specs.count) for a tensor of shape \(formatShape(shape))")
        }
        let own = strides
        var base = 0
        var outShape = [Int](), readStrides = [Int]()
        for axis in 0..<rank {
            let spec = axis < specs.count ? specs[axis] : SliceSpec.all
            let n = shape[axis]
            switch spec {
            case .index(let i):
                let j = i < 0 ? i + n : i
                guard j >= 0, j < n else {
                    throw .invalidArgument("index \(i) is out of range for axis \(axis) with size \(n)")
                }
                base += j * own[axis]
            case let .range(start, end, step):
                let r = try SliceSpec.resolve(start: start, end: end, step: step, length: n)
                if r.count > 0 { base += r.first * own[axis] }
                outShape.append(r.count)
                // With two or more positions the step is shorter than the axis, so the
                // product fits; with one or none it is never used.
                readStrides.append(r.count > 1 ? r.step * own[axis] : 0)
            }
        }
        var out = [Scalar]()
        out.reserveCapacity(outShape.reduce(1, *))
        try Tensor.forEachOffset(outShape, readStrides, readStrides) { (_, ia, _) in out.append(scalars[base + ia]) }
        return Tensor(shape: outShape, scalars: out)
    }
}

extension UInt {
    /// The value as an Int, Int.max when it does not fit (|Int.min|).
    var clampedToInt: Int { self > UInt(Int.max) ? Int.max : Int(self) }
}
