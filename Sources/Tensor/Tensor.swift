/// A dense, row-major (C order), channels-last n-dimensional array of `Int` or `Float`.
///
/// Images are (H, W, C), batches (N, H, W, C), conv kernels (KH, KW, CIN, COUT) and dense
/// kernels (IN, OUT), as in Keras. A tensor of shape `[]` is a scalar.
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable {
    /// The extent of each axis.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Scalar]

    /// Makes a tensor from its shape and row-major elements.
    /// - Precondition: the element count matches the shape.
    public init(shape: [Int], scalars: [Scalar]) {
        let n = try? ShapeCheck.count(shape)
        precondition(n != nil, "invalid shape \(formatShape(shape)) (shapes are checked where they enter: ShapeCheck)")
        precondition(n == scalars.count, "shape \(formatShape(shape)) needs \(n ?? -1) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape with every element `value`.
    public init(repeating value: Scalar, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// A scalar tensor (shape `[]`).
    public init(scalar: Scalar) { self.init(shape: [], scalars: [scalar]) }

    /// A 2-D tensor from rows; throws when the rows are ragged.
    public init(rows: [[Scalar]]) throws(TensorError) {
        let w = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == w }) else {
            throw .shapeMismatch("ragged rows: lengths \(rows.map(\.count))")
        }
        self.init(shape: [rows.count, w], scalars: rows.flatMap { $0 })
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// Row-major strides of `shape`, in elements.
    public var strides: [Int] { Tensor.strides(of: shape) }

    public static func strides(of shape: [Int]) -> [Int] {
        var s = Array(repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// The element at a full multi-index (no bounds checks beyond the array's own).
    public subscript(index: [Int]) -> Scalar {
        get { scalars[offset(of: index)] }
        set { scalars[offset(of: index)] = newValue }
    }

    @inlinable func offset(of index: [Int]) -> Int {
        var o = 0
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            o += index[i] * acc
            acc *= shape[i]
        }
        return o
    }

    /// The same elements under another shape with the same element count.
    @_specialize(exported: true, where Scalar == Float)
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        guard try ShapeCheck.count(newShape, "reshape") == count else {
            throw .shapeMismatch("cannot reshape \(formatShape(shape)) (\(count) elements) to \(formatShape(newShape))")
        }
        return Tensor(shape: newShape, scalars: scalars)
    }

    /// Applies `f` to every element.
    @_specialize(exported: true, where Scalar == Float, R == Float)
    @_specialize(exported: true, where Scalar == Int, R == Int)
    public func map<R: TensorScalar>(_ f: (Scalar) throws(TensorError) -> R) throws(TensorError) -> Tensor<R> {
        let out: [R] = try scalars.withUnsafeBufferPointer { (src) throws(TensorError) in
            try LargeArray.make(src.count) { (p: UnsafeMutablePointer<R>) throws(TensorError) in
                for i in 0..<src.count { p[i] = try f(src[i]) }
            }
        }
        return Tensor<R>(shape: shape, scalars: out)
    }
}

extension Tensor where Scalar == Int {
    /// The same values as 32-bit floats.
    public var asFloat: Tensor<Float> { Tensor<Float>(shape: shape, scalars: scalars.map { Float($0) }) }
}
