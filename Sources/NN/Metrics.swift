import Foundation
import Tensor

/// Losses and accuracies on plain tensors, for evaluation and reporting (training uses the
/// differentiable versions on the tape). Keras 3 semantics; sums run in index order in Double.
public enum Metrics {
    /// Keras' `epsilon()`: predictions are clipped to [1e-7, 1 - 1e-7] before the logarithms.
    public static let epsilon: Float = 1e-7

    /// Mean binary cross-entropy of predictions p (N,1) or (N) against labels y in {0,1}, same
    /// shape: mean of -(y log p + (1-y) log(1-p)) with p clipped as Keras clips it. Within 1e-6
    /// relative of a Double evaluation.
    public static func binaryCrossEntropy(labels y: Tensor<Float>, predictions p: Tensor<Float>) throws(NNError) -> Float {
        try sameCount(y, p, "binaryCrossEntropy")
        var total = 0.0
        for (yi, pi) in zip(y.scalars, p.scalars) {
            let c = Double(min(max(pi, epsilon), 1 - epsilon))
            total -= Double(yi) * log(c) + Double(1 - yi) * log(1 - c)
        }
        return Float(total / Double(max(y.count, 1)))
    }

    /// Keras 3 `binary_accuracy` (threshold 0.5): the fraction of rows where (p > 0.5) equals y.
    public static func binaryAccuracy(labels y: Tensor<Float>, predictions p: Tensor<Float>) throws(NNError) -> Float {
        try sameCount(y, p, "binaryAccuracy")
        let hits = zip(y.scalars, p.scalars).reduce(0) { $0 + ((($1.1 > 0.5) ? 1 : 0) == ($1.0 > 0.5 ? 1 : 0) ? 1 : 0) }
        return Float(hits) / Float(max(y.count, 1))
    }

    /// Mean categorical cross-entropy of logits (N,K) against one-hot labels (N,K):
    /// mean over rows of -sum y * log_softmax(logits), computed stably (max subtracted).
    public static func categoricalCrossEntropy(labels y: Tensor<Float>, logits z: Tensor<Float>) throws(NNError) -> Float {
        guard y.shape == z.shape, z.rank == 2 else {
            throw .invalidModel("categoricalCrossEntropy needs labels and logits (N,K) of one shape, got \(formatShape(y.shape)) and \(formatShape(z.shape))")
        }
        let (n, k) = (z.shape[0], z.shape[1])
        var total = 0.0
        for r in 0..<n {
            let row = z.scalars[(r * k)..<(r * k + k)].map(Double.init)
            let m = row.max() ?? 0
            let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
            for j in 0..<k { total -= Double(y.scalars[r * k + j]) * (row[j] - lse) }
        }
        return Float(total / Double(max(n, 1)))
    }

    /// Keras 3 `categorical_accuracy`: the fraction of rows whose largest score (first on ties)
    /// is at the label's largest entry.
    public static func categoricalAccuracy(labels y: Tensor<Float>, predictions p: Tensor<Float>) throws(NNError) -> Float {
        guard y.shape == p.shape, p.rank == 2 else {
            throw .invalidModel("categoricalAccuracy needs labels and predictions (N,K) of one shape, got \(formatShape(y.shape)) and \(formatShape(p.shape))")
        }
        let (n, k) = (p.shape[0], p.shape[1])
        func argmax(_ s: ArraySlice<Float>) -> Int { s.indices.max { s[$0] < s[$1] || (s[$0] == s[$1] && $0 > $1) } ?? 0 }
        var hits = 0
        for r in 0..<n where argmax(y.scalars[(r * k)..<(r * k + k)]) == argmax(p.scalars[(r * k)..<(r * k + k)]) { hits += 1 }
        return Float(hits) / Float(max(n, 1))
    }

    static func sameCount(_ y: Tensor<Float>, _ p: Tensor<Float>, _ op: String) throws(NNError) {
        guard y.count == p.count, y.count > 0 else {
            throw .invalidModel("\(op) needs labels and predictions with the same number of elements, got \(formatShape(y.shape)) and \(formatShape(p.shape))")
        }
    }
}
