import Tensor

/// Keras' `Dropout` (inverted): in training each unit is zeroed with probability `rate` and
/// the kept ones are scaled by 1/(1-rate); at inference it is the identity. Shape unchanged.
public struct Dropout: Layer {
    public let rate: Float
    public let name: String?
    public var typeName: String { "Dropout" }
    public var namePrefix: String { "dropout" }

    public init(_ rate: Float, name: String? = nil) {
        self.rate = rate
        self.name = name
    }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] {
        guard rate >= 0, rate < 1 else { throw .invalidModel("Dropout rate must be in [0, 1), got \(rate)") }
        return input
    }
}
