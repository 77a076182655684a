import Tensor

/// Keras' `Dense`: input (IN) -> (OUT) as x · kernel + bias, then the activation;
/// kernel (IN,OUT), bias (OUT).
///
/// Keras defaults: no activation, a bias; glorot_uniform kernel and zero bias when initialised.
public struct Dense: Layer {
    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let name: String?
    public var typeName: String { "Dense" }
    public var namePrefix: String { "dense" }

    public init(_ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true, name: String? = nil) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] {
        guard units >= 1 else { throw .invalidModel("Dense needs at least 1 unit, got \(units)") }
        // Keras applies Dense to the last axis; this project's models flatten first.
        guard input.count == 1 else {
            throw .invalidModel("Dense needs a flat input (F), got \(formatShape(input)); add Flatten() before it")
        }
        return [units]
    }

    public func parameterShapes(for input: [Int]) -> [[Int]] {
        let kernel = [input.last ?? 0, units]
        return useBias ? [kernel, [units]] : [kernel]
    }

    /// IN*OUT: one multiply-accumulate per kernel weight.
    public func macs(for input: [Int]) -> Int { (input.last ?? 0) * units }

    public func spatialMapping(for input: [Int]) -> SpatialMapping { .global }
}
