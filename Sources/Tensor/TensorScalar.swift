/// What the engine's two element types share: exact `Int` and 32-bit `Float`.
///
/// Arithmetic is checked: for `Int` an overflow throws `TensorError.overflow`, never wraps;
/// for `Float` the operations are the IEEE ones and never throw.
public protocol TensorScalar: Sendable, Hashable, Comparable, CustomStringConvertible {
    static var zero: Self { get }
    static var one: Self { get }
    /// True for exact integer scalars.
    static var isExact: Bool { get }
    /// `a + b`, throwing on integer overflow.
    static func checkedAdd(_ a: Self, _ b: Self) throws(TensorError) -> Self
    /// `a - b`, throwing on integer overflow.
    static func checkedSubtract(_ a: Self, _ b: Self) throws(TensorError) -> Self
    /// `a * b`, throwing on integer overflow.
    static func checkedMultiply(_ a: Self, _ b: Self) throws(TensorError) -> Self
    /// `-a`, throwing on integer overflow (`-Int.min`).
    static func checkedNegate(_ a: Self) throws(TensorError) -> Self
    /// The value as a Double, for printing, references and conversions.
    var doubleValue: Double { get }
    /// The value as a 32-bit float (rounded to nearest for large integers).
    var floatValue: Float { get }

    // The operations whose fast path depends on the element type, chosen statically: generic
    // code calls them through `Scalar`. `Int` runs the exact checked loops; `Float` runs
    // oneDNN or vector loops (ScalarKernels.swift). Shapes are checked by the callers.

    /// (N,H,W,C) convolved with (KH,KW,C,F), plus an optional bias (F), under `g` -> (N,OH,OW,F).
    static func convolve(_ x: Tensor<Self>, _ kernel: Tensor<Self>, bias: Tensor<Self>?, _ g: WindowGeometry) throws(TensorError) -> Tensor<Self>
    /// The adjoint of `convolve` in its input: (N,OH,OW,F) with (KH,KW,C,F) -> (N,H,W,C).
    static func convolveTransposed(_ y: Tensor<Self>, _ kernel: Tensor<Self>, _ g: WindowGeometry) throws(TensorError) -> Tensor<Self>
    /// (M,K) times (K,N) -> (M,N).
    static func matrixProduct(_ a: Tensor<Self>, _ b: Tensor<Self>) throws(TensorError) -> Tensor<Self>
    /// max(x, 0) element-wise.
    static func rectify(_ x: Tensor<Self>) -> Tensor<Self>
    /// a + b for two tensors of one shape.
    static func addSameShape(_ a: Tensor<Self>, _ b: Tensor<Self>) throws(TensorError) -> Tensor<Self>
    /// The maximum of each window of (N,H,W,C) under `g` -> (N,OH,OW,C).
    static func maxPool(_ x: Tensor<Self>, _ g: WindowGeometry) -> Tensor<Self>
    /// The mean of the real cells of each window of (N,H,W,C) under `g` -> (N,OH,OW,C).
    static func averagePool(_ x: Tensor<Self>, _ g: WindowGeometry) throws(TensorError) -> Tensor<Float>
}

extension Int: TensorScalar {
    public static var one: Int { 1 }
    public static var isExact: Bool { true }
    @inlinable public static func checkedAdd(_ a: Int, _ b: Int) throws(TensorError) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw .overflow("\(a) + \(b)") }
        return r
    }
    @inlinable public static func checkedSubtract(_ a: Int, _ b: Int) throws(TensorError) -> Int {
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw .overflow("\(a) - \(b)") }
        return r
    }
    @inlinable public static func checkedMultiply(_ a: Int, _ b: Int) throws(TensorError) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw .overflow("\(a) * \(b)") }
        return r
    }
    @inlinable public static func checkedNegate(_ a: Int) throws(TensorError) -> Int {
        let (r, o) = (0).subtractingReportingOverflow(a)
        if o { throw .overflow("-(\(a))") }
        return r
    }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var floatValue: Float { Float(self) }
}

extension Float: TensorScalar {
    public static var one: Float { 1 }
    public static var isExact: Bool { false }
    @inlinable public static func checkedAdd(_ a: Float, _ b: Float) throws(TensorError) -> Float { a + b }
    @inlinable public static func checkedSubtract(_ a: Float, _ b: Float) throws(TensorError) -> Float { a - b }
    @inlinable public static func checkedMultiply(_ a: Float, _ b: Float) throws(TensorError) -> Float { a * b }
    @inlinable public static func checkedNegate(_ a: Float) throws(TensorError) -> Float { -a }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var floatValue: Float { self }
}
