/// The element type's own kernels (the `TensorScalar` requirements that depend on it): exact
/// checked loops for `Int`; for `Float`, oneDNN above `Conv2DKernels.smallWork` and the plain
/// loops below it, and vector loops for the element-wise operations.

extension Int {
    public static func convolve(_ x: Tensor<Int>, _ kernel: Tensor<Int>, bias: Tensor<Int>?, _ g: WindowGeometry) throws(TensorError) -> Tensor<Int> {
        try x.conv2dReference(kernel, bias: bias, g)
    }
    public static func convolveTransposed(_ y: Tensor<Int>, _ kernel: Tensor<Int>, _ g: WindowGeometry) throws(TensorError) -> Tensor<Int> {
        try y.conv2dTransposeReference(kernel, g)
    }
    public static func matrixProduct(_ a: Tensor<Int>, _ b: Tensor<Int>) throws(TensorError) -> Tensor<Int> {
        try a.matrixProductReference(b)
    }
    public static func rectify(_ x: Tensor<Int>) -> Tensor<Int> {
        Tensor(shape: x.shape, scalars: x.scalars.map { Swift.max($0, 0) })
    }
    public static func addSameShape(_ a: Tensor<Int>, _ b: Tensor<Int>) throws(TensorError) -> Tensor<Int> {
        try Tensor.broadcasting(a, b) { (x, y) throws(TensorError) in try Int.checkedAdd(x, y) }
    }
    public static func maxPool(_ x: Tensor<Int>, _ g: WindowGeometry) -> Tensor<Int> {
        x.maxPoolWithIndices(g).values
    }
    public static func averagePool(_ x: Tensor<Int>, _ g: WindowGeometry) throws(TensorError) -> Tensor<Float> {
        try x.avgPoolReference(g)
    }
}

extension Float {
    public static func convolve(_ x: Tensor<Float>, _ kernel: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry) throws(TensorError) -> Tensor<Float> {
        Conv2DKernels.forward(x, kernel, bias: bias, g)
    }
    public static func convolveTransposed(_ y: Tensor<Float>, _ kernel: Tensor<Float>, _ g: WindowGeometry) throws(TensorError) -> Tensor<Float> {
        Conv2DKernels.inputGradient(y, kernel, g)
    }
    public static func matrixProduct(_ a: Tensor<Float>, _ b: Tensor<Float>) throws(TensorError) -> Tensor<Float> {
        GEMM.product(a, b)
    }
    public static func rectify(_ x: Tensor<Float>) -> Tensor<Float> {
        Tensor(shape: x.shape, scalars: LargeArray.relu(x.scalars))
    }
    /// A plain loop the compiler vectorises (summed gradients), on all cores when large.
    public static func addSameShape(_ a: Tensor<Float>, _ b: Tensor<Float>) throws(TensorError) -> Tensor<Float> {
        Tensor(shape: a.shape, scalars: LargeArray.zipMap(a.scalars, b.scalars, FloatSum.self))
    }
    public static func maxPool(_ x: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        Conv2DKernels.maxPoolUsesOneDNN && Conv2DKernels.poolingUsesOneDNN(x.shape, g)
            ? Conv2DKernels.poolingForward(x, g, max: true).0 : x.maxPoolWithIndices(g).values
    }
    public static func averagePool(_ x: Tensor<Float>, _ g: WindowGeometry) throws(TensorError) -> Tensor<Float> {
        Conv2DKernels.poolingUsesOneDNN(x.shape, g) ? Conv2DKernels.poolingForward(x, g, max: false).0 : try x.avgPoolReference(g)
    }
}
