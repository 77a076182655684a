import Tensor

/// Which reduction a pooling window takes.
public enum PoolingKind: Sendable, Equatable {
    case max, average
}

/// Shared shape rules of Keras' `MaxPooling2D` and `AveragePooling2D`: input (H,W,C) -> (OH,OW,C).
///
/// Keras defaults: the stride is the pool size and padding is 'valid', so a 2x2 pool floors
/// odd sizes (75 -> 37). Padded cells never take part in the reduction.
public protocol Pooling2DLayer: Layer {
    var kind: PoolingKind { get }
    var poolSize: (Int, Int) { get }
    var strides: (Int, Int) { get }
    var padding: Padding { get }
}

extension Pooling2DLayer {
    /// The window geometry on an input (H,W,C).
    public func geometry(for input: [Int]) throws(NNError) -> WindowGeometry {
        try windowGeometry(input, kernel: poolSize, stride: strides, dilation: (1, 1), padding: padding,
                           layer: typeName)
    }

    public func outputShape(for input: [Int]) throws(NNError) -> [Int] {
        let g = try geometry(for: input)
        return [g.outputHeight, g.outputWidth, input[2]]
    }

    public func spatialMapping(for input: [Int]) -> SpatialMapping {
        guard let g = try? geometry(for: input) else { return .identity }
        return .window(kernel: [poolSize.0, poolSize.1], stride: [strides.0, strides.1], dilation: [1, 1],
                       padBefore: [g.padTop, g.padLeft])
    }
}

/// Keras' `MaxPooling2D`: the largest value of each window, per channel.
public struct MaxPooling2D: Pooling2DLayer {
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let name: String?
    public var kind: PoolingKind { .max }
    public var typeName: String { "MaxPooling2D" }
    public var namePrefix: String { "max_pooling2d" }

    /// A max pool; `strides` nil means the pool size (the Keras default).
    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid,
                name: String? = nil) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name
    }
}

/// Keras' `AveragePooling2D`: the mean of each window's real (unpadded) cells, per channel.
public struct AveragePooling2D: Pooling2DLayer {
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let name: String?
    public var kind: PoolingKind { .average }
    public var typeName: String { "AveragePooling2D" }
    public var namePrefix: String { "average_pooling2d" }

    /// An average pool; `strides` nil means the pool size (the Keras default).
    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid,
                name: String? = nil) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name
    }
}
