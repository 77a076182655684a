/// Keras' `GlobalAveragePooling2D`: the mean of each channel over the whole plane,
/// input (H,W,C) -> (C).
public struct GlobalAveragePooling2D: Layer {
    public let name: String?
    public var typeName: String { "GlobalAveragePooling2D" }
    public var namePrefix: String { "global_average_pooling2d" }

    public init(name: String? = nil) { self.name = name }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] {
        let (_, _, c) = try imageShape(input, for: typeName)
        return [c]
    }

    public func spatialMapping(for input: [Int]) -> SpatialMapping { .global }
}
