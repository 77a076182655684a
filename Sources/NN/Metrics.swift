import Tensor

/// Accuracies on plain tensors, as Keras 3 reports them (the losses themselves are `Loss`,
/// one definition for the tape and for reporting).
public enum Metrics {
    /// Keras 3 `binary_accuracy` (threshold 0.5): the fraction of rows where (p > 0.5) equals y.
    public static func binaryAccuracy(labels y: Tensor<Float>, predictions p: Tensor<Float>) throws(NNError) -> Float {
        try sameCount(y, p, "binaryAccuracy")
        let hits = zip(y.scalars, p.scalars).reduce(0) { $0 + ((($1.1 > 0.5) ? 1 : 0) == ($1.0 > 0.5 ? 1 : 0) ? 1 : 0) }
        return Float(hits) / Float(max(y.count, 1))
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
