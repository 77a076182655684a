import Tensor

/// One layer placed in a model: the layer with the name the model gave it and the shapes,
/// parameter count, multiply-accumulates and activation memory it has at its place.
public struct ModelLayer: Sendable {
    /// The layer as declared.
    public let layer: any Layer
    /// Its name in the model: the declared one, or `conv2d`, `conv2d_1`, ... as Keras numbers them.
    public let name: String
    /// Per-example input shape, e.g. [150, 150, 3].
    public let inputShape: [Int]
    /// Per-example output shape, e.g. [150, 150, 32].
    public let outputShape: [Int]
    /// Parameter shapes in Keras order (kernel, then bias).
    public let parameterShapes: [[Int]]

    /// The Keras class name, e.g. `Conv2D`.
    public var typeName: String { layer.typeName }
    /// Number of trainable scalars.
    public var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.reduce(1, *) } }
    /// Multiply-accumulates of one forward pass for one example.
    public var macs: Int { layer.macs(for: inputShape) }
    /// Bytes of this layer's output for one example, as 32-bit floats.
    public var activationBytes: Int { outputShape.reduce(1, *) * MemoryLayout<Float>.size }
}

/// A linear stack of layers, as Keras' `Sequential`; it knows every layer's shapes when built.
///
/// Weights are not held here (VGG16 alone would need 553 MB); `ModelWeights` holds them.
public struct Sequential: Sendable {
    /// The model's name, printed on the summary's first line.
    public let name: String
    /// Per-example input shape, e.g. [150, 150, 3].
    public let inputShape: [Int]
    /// The layers in order, with their names and shapes.
    public let layers: [ModelLayer]

    /// Builds a model on an input shape, naming unnamed layers as Keras does.
    ///
    /// Throws `NNError.invalidModel` naming the first layer that cannot take its input, or a
    /// repeated layer name.
    public init(name: String = "sequential", input: [Int], layers: [any Layer]) throws(NNError) {
        guard !input.isEmpty, input.allSatisfy({ $0 > 0 }) else {
            throw .invalidModel("model input must have positive extents, got \(formatShape(input))")
        }
        self.name = name
        self.inputShape = input
        var counters: [String: Int] = [:]
        var used: Set<String> = []
        var placed: [ModelLayer] = []
        var shape = input
        for (i, layer) in layers.enumerated() {
            if layer is Input, i != 0 {
                throw .invalidModel("Input can only be the first layer, found at position \(i)")
            }
            let n: String
            if let given = layer.name {
                n = given
            } else {
                // Keras numbers automatic names per prefix: conv2d, conv2d_1, conv2d_2, ...
                var k = counters[layer.namePrefix, default: 0]
                var candidate = k == 0 ? layer.namePrefix : "\(layer.namePrefix)_\(k)"
                while used.contains(candidate) {
                    k += 1
                    candidate = "\(layer.namePrefix)_\(k)"
                }
                counters[layer.namePrefix] = k + 1
                n = candidate
            }
            guard used.insert(n).inserted else {
                throw .invalidModel("layer name '\(n)' is used twice; every layer needs a unique name")
            }
            let out: [Int]
            do {
                out = try layer.outputShape(for: shape)
            } catch {
                throw .invalidModel("layer \(n) (\(layer.typeName)): \(error)")
            }
            placed.append(ModelLayer(layer: layer, name: n, inputShape: shape, outputShape: out,
                                     parameterShapes: layer.parameterShapes(for: shape)))
            shape = out
        }
        self.layers = placed
    }

    /// Builds a model whose first layer is an `Input`, which sets the input shape.
    public init(name: String = "sequential", layers: [any Layer]) throws(NNError) {
        guard let first = layers.first as? Input else {
            throw .invalidModel("a model without an input shape needs Input(shape:) as its first layer")
        }
        try self.init(name: name, input: first.shape, layers: layers)
    }

    /// Per-example output shape of the last layer.
    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }
    /// Total trainable scalars.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    /// Total multiply-accumulates of one forward pass for one example.
    public var macs: Int { layers.reduce(0) { $0 + $1.macs } }
    /// Bytes of all layer outputs for one example, as 32-bit floats.
    public var activationBytes: Int { layers.reduce(0) { $0 + $1.activationBytes } }

    /// The layer with a given name, or nil.
    public func layer(named n: String) -> ModelLayer? { layers.first { $0.name == n } }
    /// The position of the layer with a given name in `layers`, or nil.
    public func index(ofLayer n: String) -> Int? { layers.firstIndex { $0.name == n } }
}
