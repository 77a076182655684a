import Tensor

/// The trainable tensors of a `Sequential` model, per layer in Keras order (kernel, bias).
///
/// `tensors[i]` belongs to `model.layers[i]` and is empty for layers without parameters.
public struct ModelWeights: Sendable, Equatable {
    public var tensors: [[Tensor<Float>]]

    public init(tensors: [[Tensor<Float>]]) { self.tensors = tensors }

    /// All-zero weights shaped for a model.
    public static func zeros(for model: Sequential) -> ModelWeights {
        ModelWeights(tensors: model.layers.map { l in l.parameterShapes.map { Tensor(repeating: 0, shape: $0) } })
    }

    /// Total number of scalars.
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    /// Checks that these weights fit a model; the error names the first mismatching layer and shapes.
    public func check(against model: Sequential) throws(NNError) {
        guard tensors.count == model.layers.count else {
            throw .invalidModel("weights hold \(tensors.count) layers but model \(model.name) has \(model.layers.count)")
        }
        for (l, ts) in zip(model.layers, tensors) where ts.map(\.shape) != l.parameterShapes {
            throw .invalidModel("layer \(l.name) (\(l.typeName)) needs parameters \(l.parameterShapes.map(formatShape)) but the weights hold \(ts.map { formatShape($0.shape) })")
        }
    }
}
