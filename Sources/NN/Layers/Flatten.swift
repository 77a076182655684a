/// Keras' `Flatten`: (H,W,C) -> (H*W*C) in channels-last (row-major) order.
public struct Flatten: Layer {
    public let name: String?
    public var typeName: String { "Flatten" }
    public var namePrefix: String { "flatten" }

    public init(name: String? = nil) { self.name = name }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] { [input.reduce(1, *)] }

    public func spatialMapping(for input: [Int]) -> SpatialMapping { input.count > 1 ? .global : .identity }
}
