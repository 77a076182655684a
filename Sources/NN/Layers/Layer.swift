import Tensor

/// How a layer maps positions of its input plane to positions of its output plane; the
/// receptive-field table is built from these.
public enum SpatialMapping: Sendable, Equatable {
    /// Each output position sees exactly the same input position (Dropout, Activation, Input).
    case identity
    /// A sliding window: kernel (KH,KW), stride, dilation, and the padding before the first
    /// row/column (top, left) in cells.
    case window(kernel: [Int], stride: [Int], dilation: [Int], padBefore: [Int])
    /// Every output unit sees the whole input (Flatten, Dense, GlobalAveragePooling2D).
    case global
}

/// A layer of a `Sequential` model, described by what it does to shapes.
///
/// Shapes here are per example, without the batch axis: images (H,W,C), flat vectors (F).
/// Layers with parameters list their shapes in Keras order (kernel, then bias).
public protocol Layer: Sendable {
    /// The layer's own name, or nil to let the model name it as Keras does (`conv2d`, `conv2d_1`, ...).
    var name: String? { get }
    /// The Keras class name printed in `summary`, e.g. `Conv2D`.
    var typeName: String { get }
    /// The prefix of automatic names, e.g. `conv2d` (Keras' snake-case class name).
    var namePrefix: String { get }
    /// The output shape for an input shape, or `NNError.invalidModel` naming both shapes.
    func outputShape(for input: [Int]) throws(NNError) -> [Int]
    /// Parameter shapes in Keras order (kernel, bias); empty for layers without weights.
    func parameterShapes(for input: [Int]) -> [[Int]]
    /// Multiply-accumulates per example of a forward pass (0 for layers without products).
    func macs(for input: [Int]) -> Int
    /// How output positions relate to input positions, for the receptive-field table.
    func spatialMapping(for input: [Int]) -> SpatialMapping
    /// The forward pass on the engine's tape, batch first: x (N, input shape...) ->
    /// (N, output shape...). `parameters` are this layer's weights as tape variables in Keras
    /// order (kernel, bias); `index` is the layer's position (Dropout seeds its mask with it).
    func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable
}

extension Layer {
    public func parameterShapes(for input: [Int]) -> [[Int]] { [] }
    public func macs(for input: [Int]) -> Int { 0 }
    public func spatialMapping(for input: [Int]) -> SpatialMapping { .identity }
}

/// The element-wise activation functions Keras layers take by name.
public enum ActivationFunction: String, Sendable, CaseIterable {
    case linear, relu, sigmoid, tanh, softmax
}

/// Checks that a layer gets an image (H,W,C) and returns its three extents.
func imageShape(_ input: [Int], for layer: String) throws(NNError) -> (h: Int, w: Int, c: Int) {
    guard input.count == 3 else {
        throw .invalidModel("\(layer) needs an image input HxWxC, got \(formatShape(input))")
    }
    return (input[0], input[1], input[2])
}

/// Window geometry for a layer, with an engine error turned into a model error naming the layer.
func windowGeometry(_ input: [Int], kernel: (Int, Int), stride: (Int, Int), dilation: (Int, Int),
                    padding: Padding, layer: String) throws(NNError) -> WindowGeometry {
    let (h, w, _) = try imageShape(input, for: layer)
    do {
        return try WindowGeometry(inputHeight: h, inputWidth: w, kernelHeight: kernel.0, kernelWidth: kernel.1,
                                  stride: stride, dilation: dilation, padding: padding)
    } catch {
        throw .invalidModel("\(layer) with window \(kernel.0)x\(kernel.1) on input \(formatShape(input)): \(error)")
    }
}
