import Tensor

/// A 2-D convolution layer as Keras' `Conv2D`: input (H,W,CIN), kernel (KH,KW,CIN,COUT), bias (COUT)
/// -> (OH,OW,COUT), then the activation.
///
/// Keras defaults: stride 1, 'valid' padding, dilation 1, no activation, a bias; kernels are
/// glorot_uniform and biases zero when the model's weights are initialised.
public struct Conv2D: Layer {
    public let filters: Int
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let dilation: (Int, Int)
    public let activation: ActivationFunction
    public let useBias: Bool
    public let name: String?
    public var typeName: String { "Conv2D" }
    public var namePrefix: String { "conv2d" }

    public init(_ filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                dilation: (Int, Int) = (1, 1), activation: ActivationFunction = .linear, useBias: Bool = true,
                name: String? = nil) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dilation = dilation
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    /// The window geometry on an input (H,W,CIN).
    public func geometry(for input: [Int]) throws(NNError) -> WindowGeometry {
        try windowGeometry(input, kernel: kernelSize, stride: strides, dilation: dilation, padding: padding,
                           layer: "Conv2D")
    }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] {
        guard filters >= 1 else { throw .invalidModel("Conv2D needs at least 1 filter, got \(filters)") }
        let g = try geometry(for: input)
        return [g.outputHeight, g.outputWidth, filters]
    }

    public func parameterShapes(for input: [Int]) -> [[Int]] {
        let cin = input.last ?? 0
        let kernel = [kernelSize.0, kernelSize.1, cin, filters]
        return useBias ? [kernel, [filters]] : [kernel]
    }

    /// OH*OW*COUT*KH*KW*CIN: one multiply-accumulate per kernel tap per output value.
    public func macs(for input: [Int]) -> Int {
        guard let out = try? outputShape(for: input) else { return 0 }
        return out[0] * out[1] * filters * kernelSize.0 * kernelSize.1 * input[2]
    }

    public func spatialMapping(for input: [Int]) -> SpatialMapping {
        guard let g = try? geometry(for: input) else { return .identity }
        return .window(kernel: [kernelSize.0, kernelSize.1], stride: [strides.0, strides.1],
                       dilation: [dilation.0, dilation.1], padBefore: [g.padTop, g.padLeft])
    }
}
