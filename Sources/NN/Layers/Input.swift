import Tensor

/// Keras' `Input`: declares the per-example input shape, e.g. (H,W,C).
///
/// As the first layer of a `Sequential` it sets the model's input and is listed as a layer
/// (`input_layer (InputLayer)`), as Keras lists the input of a functional model such as VGG16.
public struct Input: Layer {
    public let shape: [Int]
    public let name: String?
    public var typeName: String { "InputLayer" }
    public var namePrefix: String { "input_layer" }

    public init(shape: [Int], name: String? = nil) {
        self.shape = shape
        self.name = name
    }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] {
        guard input == shape else {
            throw .invalidModel("Input declares \(formatShape(shape)) but receives \(formatShape(input))")
        }
        return shape
    }
}
