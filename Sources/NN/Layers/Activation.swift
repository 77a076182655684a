/// Keras' `Activation`: applies an element-wise function (softmax along the last axis). Shape unchanged.
public struct Activation: Layer {
    public let function: ActivationFunction
    public let name: String?
    public var typeName: String { "Activation" }
    public var namePrefix: String { "activation" }

    public init(_ function: ActivationFunction, name: String? = nil) {
        self.function = function
        self.name = name
    }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] { input }
}
