import Tensor

/// The loss a model is trained with, from one definition: the differentiable form on the tape
/// and the value reported for a batch or a whole split are the same Tensor functions
/// (Tensor/Losses.swift, Keras 3 semantics), so the training loss, the validation loss and
/// `evaluate` can never disagree about what they measure. Each loss also names its accuracy.
public enum Loss: String, Sendable, Codable, CaseIterable {
    /// Keras' binary_crossentropy on sigmoid outputs (N,1), predictions clipped to
    /// [1e-7, 1-1e-7]; accuracy is Keras' binary_accuracy (threshold 0.5).
    case binaryCrossEntropy = "binary_crossentropy"
    /// Categorical cross-entropy on logits (N,K) against one-hot labels (the model's last
    /// layer is linear; softmax is part of the loss, computed stably); accuracy is
    /// categorical_accuracy (the largest score, first on ties).
    case categoricalCrossEntropyFromLogits = "categorical_crossentropy_from_logits"

    /// The scalar loss of `output` against `targets`, recorded on `tape`.
    public func onTape(_ output: Variable, _ targets: Tensor<Float>, tape: Tape) throws(TensorError) -> Variable {
        switch self {
        case .binaryCrossEntropy: return try tape.binaryCrossEntropy(output, tape.constant(targets))
        case .categoricalCrossEntropyFromLogits: return try tape.categoricalCrossEntropyFromLogits(output, tape.constant(targets))
        }
    }

    /// The mean loss of `predictions` against `targets`: the same function as `onTape`.
    public func value(predictions: Tensor<Float>, targets: Tensor<Float>) throws(TensorError) -> Float {
        switch self {
        case .binaryCrossEntropy: return try predictions.binaryCrossEntropy(targets: targets).scalars[0]
        case .categoricalCrossEntropyFromLogits: return try predictions.categoricalCrossEntropyFromLogits(targets: targets).scalars[0]
        }
    }

    /// The accuracy that goes with the loss.
    public func accuracy(predictions: Tensor<Float>, targets: Tensor<Float>) throws(NNError) -> Float {
        switch self {
        case .binaryCrossEntropy: return try Metrics.binaryAccuracy(labels: targets, predictions: predictions)
        case .categoricalCrossEntropyFromLogits: return try Metrics.categoricalAccuracy(labels: targets, predictions: predictions)
        }
    }

    /// The loss for a classifier of `classes` classes, as the tutorial chooses it: one sigmoid
    /// output and binary cross-entropy for two, logits and categorical cross-entropy for more.
    public static func forClasses(_ classes: Int) -> Loss {
        classes == 2 ? .binaryCrossEntropy : .categoricalCrossEntropyFromLogits
    }
}
