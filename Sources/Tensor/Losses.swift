import Foundation

/// The two training losses, as Keras 3 computes them; each gives a scalar mean over the batch.
extension Tensor where Scalar == Float {
    /// Keras' clipping bound for probabilities in binary cross-entropy.
    public static let crossEntropyEpsilon: Float = 1e-7

    /// Binary cross-entropy of predicted probabilities `self` against `targets` (same shape):
    /// mean of -(t * log(p) + (1 - t) * log(1 - p)) with p clipped to [1e-7, 1 - 1e-7],
    /// as Keras (mean over the last axis, then over the batch, which is the overall mean).
    public func binaryCrossEntropy(targets: Tensor<Float>) throws(TensorError) -> Tensor<Float> {
        guard targets.shape == shape, count > 0 else {
            throw .shapeMismatch("binaryCrossEntropy: predictions \(formatShape(shape)) and targets \(formatShape(targets.shape)) must have the same non-empty shape")
        }
        let eps = Tensor.crossEntropyEpsilon
        var acc = 0.0
        for i in 0..<count {
            let p = Swift.min(Swift.max(scalars[i], eps), 1 - eps)
            let t = targets.scalars[i]
            acc += Double(-(t * Foundation.log(p) + (1 - t) * Foundation.log(1 - p)))
        }
        return Tensor(scalar: Float(acc / Double(count)))
    }

    /// Categorical cross-entropy from logits `self` (N,K) against target distributions (N,K)
    /// (one-hot rows): mean over N of -sum_k t_k * logSoftmax(z)_k.
    public func categoricalCrossEntropyFromLogits(targets: Tensor<Float>) throws(TensorError) -> Tensor<Float> {
        guard targets.shape == shape, rank == 2, shape[0] > 0 else {
            throw .shapeMismatch("categoricalCrossEntropyFromLogits: logits \(formatShape(shape)) and targets \(formatShape(targets.shape)) must both be (N,K)")
        }
        let ls = try logSoftmax(axis: -1)
        var acc = 0.0
        for i in 0..<count { acc -= Double(targets.scalars[i] * ls.scalars[i]) }
        return Tensor(scalar: Float(acc / Double(shape[0])))
    }
}
