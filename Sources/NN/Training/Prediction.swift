import Tensor

/// Per-class probabilities from a classifier's raw outputs (N, width), read the way `loss`
/// says the model was trained: row r is image r's probabilities, one per class, summing to 1.
///
/// - `.binaryCrossEntropy`: the single output is the sigmoid's p = P(class 1), so the row is
///   [1 - p, p] (the tutorial's head: class 0 is the first class folder, e.g. cats).
/// - `.categoricalCrossEntropyFromLogits`: the outputs are logits (softmax is part of that
///   loss, not of the model), so the row is their softmax, the engine's own.
///
/// Throws `NNError.invalidModel` when the outputs do not fit the loss: a sigmoid head has one
/// output, in [0, 1]; a softmax head at least two.
public func classProbabilities(outputs: Tensor<Float>, loss: Loss) throws(NNError) -> [[Float]] {
    guard outputs.rank == 2 else {
        throw .invalidModel("class probabilities need outputs (N, classes), got \(formatShape(outputs.shape))")
    }
    let (n, width) = (outputs.shape[0], outputs.shape[1])
    switch loss {
    case .binaryCrossEntropy:
        guard width == 1 else {
            throw .invalidModel("a binary cross-entropy model has one sigmoid output, got outputs \(formatShape(outputs.shape))")
        }
        // A value outside [0, 1] (or NaN) is not a sigmoid's: the model file's last layer
        // lacks `sigmoid`, and 1 - p would be a "probability" below 0.
        if let bad = outputs.scalars.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidModel("output \(bad) is \(outputs.scalars[bad]), not a probability in [0, 1]: a binary cross-entropy model ends in Dense 1 sigmoid")
        }
        return outputs.scalars.map { [1 - $0, $0] }
    case .categoricalCrossEntropyFromLogits:
        guard width >= 2 else {
            throw .invalidModel("a categorical model has one logit per class (at least two), got outputs \(formatShape(outputs.shape))")
        }
        let p: Tensor<Float>
        do { p = try outputs.softmax(axis: 1) } catch { throw .tensor(error) }
        return (0..<n).map { Array(p.scalars[($0 * width)..<(($0 + 1) * width)]) }
    }
}

/// `model`'s per-class probabilities for a batch (N, input shape...) at inference (Dropout
/// off); see `classProbabilities(outputs:loss:)` for how each head is read.
public func classProbabilities(model: Sequential, weights: ModelWeights, loss: Loss, batch: Tensor<Float>) throws(NNError) -> [[Float]] {
    try classProbabilities(outputs: model.predict(batch, weights: weights), loss: loss)
}

/// The class a model's raw output row picks, as the accuracy that goes with `loss` counts it:
/// p > 0.5 for a sigmoid output (Keras' binary_accuracy), else the largest logit, the first on
/// ties (categorical_accuracy). `Metrics` counts hits the same way, so a confusion matrix's
/// diagonal over a split is `evaluate`'s accuracy times its size.
public func predictedClass(output row: [Float], loss: Loss) -> Int {
    switch loss {
    case .binaryCrossEntropy: return (row.first ?? 0) > 0.5 ? 1 : 0
    case .categoricalCrossEntropyFromLogits: return firstArgmax(row)
    }
}

/// The class a target row names: a 0/1 label for a sigmoid model, one-hot otherwise.
public func targetClass(target row: [Float], loss: Loss) -> Int {
    switch loss {
    case .binaryCrossEntropy: return (row.first ?? 0) > 0.5 ? 1 : 0
    case .categoricalCrossEntropyFromLogits: return firstArgmax(row)
    }
}

func firstArgmax(_ row: [Float]) -> Int {
    var best = 0
    for i in row.indices where row[i] > row[best] { best = i }
    return best
}

/// How a classifier's predictions fall against the true classes: `counts[t][p]` images of true
/// class t were predicted as class p. Rows are true classes, columns predictions, as
/// scikit-learn's `confusion_matrix` (and the tutorial's evaluation) lays them out.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classNames: [String]
    public let counts: [[Int]]

    /// Counts already made; throws unless `counts` is K x K for K class names.
    public init(classNames: [String], counts: [[Int]]) throws(NNError) {
        guard !classNames.isEmpty, counts.count == classNames.count, counts.allSatisfy({ $0.count == classNames.count }) else {
            throw .invalidArgument("a confusion matrix of \(classNames.count) classes needs \(classNames.count)x\(classNames.count) counts, got \(counts.map(\.count))")
        }
        self.classNames = classNames
        self.counts = counts
    }

    /// Counts the rows `Sequential.evaluateWithPredictions` gives (raw output, target), each
    /// read as `loss` reads it (see `predictedClass`). `classNames` are the dataset's, in label
    /// order: two for a sigmoid model, one per output for a softmax one.
    public init(classNames: [String], rows: [(prediction: [Float], target: [Float])], loss: Loss) throws(NNError) {
        var counts = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
        for (i, row) in rows.enumerated() {
            let width = loss == .binaryCrossEntropy ? 2 : row.prediction.count
            guard width == classNames.count, row.prediction.count == row.target.count,
                  loss != .binaryCrossEntropy || row.prediction.count == 1 else {
                throw .invalidArgument("prediction \(i) has \(row.prediction.count) outputs and \(row.target.count) targets, which do not fit \(classNames.count) classes (\(classNames.joined(separator: ", "))) under \(loss.rawValue)")
            }
            counts[targetClass(target: row.target, loss: loss)][predictedClass(output: row.prediction, loss: loss)] += 1
        }
        try self.init(classNames: classNames, counts: counts)
    }

    /// Number of images counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Images on the diagonal (predicted as their true class).
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// correct / total (0 for an empty matrix).
    public var accuracy: Float { total == 0 ? 0 : Float(correct) / Float(total) }

    /// The matrix as text: a header of predicted class names, then one line per true class,
    /// its name on the left, counts right-aligned under the names, e.g.
    ///
    ///     true \ predicted  tshirt  shirt
    ///     tshirt               480     20
    ///     shirt                 35    465
    public var rendered: String {
        let corner = "true \\ predicted"
        let first = ([corner] + classNames).map(\.count).max()!
        let widths = classNames.indices.map { c in
            ([classNames[c]] + counts.map { String($0[c]) }).map(\.count).max()!
        }
        func pad(_ s: String, _ w: Int, left: Bool) -> String {
            let fill = String(repeating: " ", count: w - s.count)
            return left ? s + fill : fill + s
        }
        var lines = [pad(corner, first, left: true) + zip(classNames, widths).map { "  " + pad($0, $1, left: false) }.joined()]
        for (name, row) in zip(classNames, counts) {
            lines.append(pad(name, first, left: true) + zip(row, widths).map { "  " + pad(String($0), $1, left: false) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
