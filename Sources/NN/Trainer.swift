import Tensor

/// The loss a `Trainer` minimises.
public enum Loss: Sendable {
    /// Keras' binary_crossentropy on sigmoid outputs (N,1), predictions clipped to [1e-7, 1-1e-7].
    case binaryCrossEntropy
    /// Categorical cross-entropy on logits (N,K) against one-hot labels; the model's last layer
    /// must be linear (no softmax).
    case categoricalCrossEntropyFromLogits
}

/// Loss and accuracy per epoch, each the batch-size-weighted mean over the epoch's steps
/// (as Keras reports them, measured with Dropout active and weights still changing).
public struct TrainingHistory: Sendable, Equatable {
    public var loss: [Float] = []
    public var accuracy: [Float] = []
}

/// Trains a `Sequential` model with an optimizer: forward on the engine's tape, gradients by
/// reverse-mode autodiff, one optimizer update per batch.
///
/// Deterministic: step k's dropout masks come from `seed + k`, epoch e's shuffle from
/// `seed ^ e`, so the same seed gives the same weights bit for bit.
public struct Trainer<O: Optimizer> {
    public let model: Sequential
    public var weights: ModelWeights
    public var optimizer: O
    public let loss: Loss
    public let seed: UInt64
    /// Updates applied so far.
    public private(set) var steps = 0

    public init(model: Sequential, weights: ModelWeights, optimizer: O, loss: Loss, seed: UInt64 = 0) throws(NNError) {
        try weights.check(against: model)
        self.model = model; self.weights = weights; self.optimizer = optimizer; self.loss = loss; self.seed = seed
    }

    /// One update on a batch x (N, input...), y (N,1) or (N,K); returns the batch's mean loss
    /// and accuracy before the update.
    @discardableResult
    public mutating func trainStep(x: Tensor<Float>, y: Tensor<Float>) throws(NNError) -> (loss: Float, accuracy: Float) {
        // The tape (which keeps the weights it saw) is gone before the update, so the
        // optimizer writes the weights in place instead of copying them.
        let (lossValue, accuracy, grads) = try lossAndGradients(x: x, y: y)
        try optimizer.step(&weights, gradients: grads)
        steps += 1
        return (lossValue, accuracy)
    }

    /// How many parts a batch of `n` is cut into: two (each on its own tape, run concurrently)
    /// when it has 2+ examples and its largest activation is at most `splitLimit` bytes, else
    /// one. Small layers leave the engine's parallel loops too little work to keep both cores
    /// busy, so whole tapes run side by side instead; large ones keep both cores busy by
    /// themselves (at 150x150x3, a split step ran 10-25% slower and held 25-50% more memory).
    /// Depends on the model and the batch only, never on the machine's cores.
    func parts(ofBatch n: Int) -> Int {
        let largest = model.layers.map(\.activationBytes).max() ?? 0
        return n >= 2 && n * largest <= Self.splitLimit ? 2 : 1
    }

    /// Largest activation (bytes, whole batch) for which a step runs as two concurrent halves.
    static var splitLimit: Int { 32 << 20 }

    /// The batch's loss and accuracy and the gradients per layer.
    ///
    /// The batch is cut into `parts(ofBatch:)` fixed blocks of rows. Each block runs forward and
    /// backward on a tape of its own, concurrently: the two cores then work without waiting
    /// for each other at every layer. Block b's loss is its mean times n_b/n (its gradients
    /// start from that factor, exactly 1/2 for even batches), the blocks' gradients are added
    /// in block order, and each block's Dropout masks are its rows of the whole batch's masks,
    /// so the result is the whole batch's mean loss and its gradient, the same bits on every run.
    func lossAndGradients(x: Tensor<Float>, y: Tensor<Float>) throws(NNError) -> (Float, Float, [[Tensor<Float>]]) {
        guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0] else {
            throw .invalidModel("labels \(formatShape(y.shape)) do not match the batch \(formatShape(x.shape))")
        }
        let n = x.shape[0]
        let parts = self.parts(ofBatch: n)
        let ranges = (0..<parts).map { (n * $0 / parts)..<(n * ($0 + 1) / parts) }
        let results = runConcurrently(parts) { i in
            Result { () throws(NNError) in
                try partLossAndGradients(x: rowBlock(x, ranges[i]), y: rowBlock(y, ranges[i]),
                                         rows: ranges[i], batchSize: n)
            }
        }
        var lossValue: Float = 0, accuracy: Float = 0
        var grads: [[Tensor<Float>]] = []
        for r in results {
            let (l, a, g) = try r.get()
            lossValue += l
            accuracy += a
            do {
                grads = grads.isEmpty ? g : try zip(grads, g).map { try zip($0, $1).map { try $0.adding($1) } }
            } catch let e as TensorError {
                throw .tensor(e)
            } catch {
                throw .invalidModel("\(error)")
            }
        }
        return (lossValue, accuracy, grads)
    }

    /// Forward and backward of rows `rows` of a batch of `batchSize` on a fresh tape: the part's
    /// loss and accuracy weighted by its share of the batch, and its gradients of that loss.
    func partLossAndGradients(x: Tensor<Float>, y: Tensor<Float>, rows: Range<Int>,
                              batchSize: Int) throws(NNError) -> (Float, Float, [[Tensor<Float>]]) {
        let tape = Tape()
        let params = weights.tensors.map { $0.map { tape.variable($0) } }
        let whole = rows.count == batchSize
        let out = try model.forward(tape.constant(x), parameters: params, tape: tape,
                                    context: ForwardContext(training: true, seed: seed &+ UInt64(steps),
                                                            part: whole ? nil : (rows, batchSize)))
        guard out.tensor.shape == y.shape else {
            throw .invalidModel("labels \(formatShape(y.shape)) do not match the model's output \(formatShape(out.tensor.shape))")
        }
        do {
            let lossValue: Variable
            let accuracy: Float
            switch loss {
            case .binaryCrossEntropy:
                lossValue = try tape.binaryCrossEntropy(out, tape.constant(y))
                accuracy = try Metrics.binaryAccuracy(labels: y, predictions: out.tensor)
            case .categoricalCrossEntropyFromLogits:
                lossValue = try tape.categoricalCrossEntropyFromLogits(out, tape.constant(y))
                accuracy = try Metrics.categoricalAccuracy(labels: y, predictions: out.tensor)
            }
            let share = Float(rows.count) / Float(batchSize)
            let grads = try tape.gradients(of: lossValue, seed: Tensor(repeating: share, shape: lossValue.shape),
                                           wrt: params.flatMap { $0 })
            var k = 0
            let shaped = params.map { ps in ps.map { _ in defer { k += 1 }; return grads[k] } }
            return (lossValue.tensor.scalars[0] * share, accuracy * share, shaped)
        } catch let e as TensorError {
            throw .tensor(e)
        } catch let e as NNError {
            throw e
        } catch {
            throw .invalidModel("\(error)")
        }
    }

    /// Trains for `epochs` passes over x (N, input...), y (N, ...) in batches (the last one may
    /// be short), shuffled each epoch when `shuffle` is on.
    public mutating func fit(x: Tensor<Float>, y: Tensor<Float>, batchSize: Int = 32, epochs: Int = 1,
                             shuffle: Bool = true) throws(NNError) -> TrainingHistory {
        guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0], x.shape[0] > 0, batchSize >= 1 else {
            throw .invalidArgument("fit needs as many labels as examples and a batch size of at least 1, got x \(formatShape(x.shape)), y \(formatShape(y.shape)), batch \(batchSize)")
        }
        let n = x.shape[0]
        var history = TrainingHistory()
        for epoch in 0..<epochs {
            let order = shuffle ? seededPermutation(n, seed: seed ^ UInt64(epoch + 1)) : Array(0..<n)
            var lossSum = 0.0, accSum = 0.0
            var start = 0
            while start < n {
                let idx = Array(order[start..<min(n, start + batchSize)])
                let r = try trainStep(x: gatherRows(x, idx), y: gatherRows(y, idx))
                lossSum += Double(r.loss) * Double(idx.count)
                accSum += Double(r.accuracy) * Double(idx.count)
                start += batchSize
            }
            history.loss.append(Float(lossSum / Double(n)))
            history.accuracy.append(Float(accSum / Double(n)))
        }
        return history
    }
}

/// Rows `rows` of a batch-first tensor (N, ...) -> (rows.count, ...), or t itself when that is all of them.
func rowBlock(_ t: Tensor<Float>, _ rows: Range<Int>) -> Tensor<Float> {
    if rows.count == t.shape[0] { return t }
    let per = t.count / max(t.shape[0], 1)
    return Tensor(shape: [rows.count] + t.shape.dropFirst(), scalars: Array(t.scalars[(rows.lowerBound * per)..<(rows.upperBound * per)]))
}

/// Rows `indices` of a batch-first tensor (N, ...) -> (indices.count, ...).
public func gatherRows(_ t: Tensor<Float>, _ indices: [Int]) -> Tensor<Float> {
    let per = t.count / max(t.shape[0], 1)
    var out = [Float]()
    out.reserveCapacity(per * indices.count)
    for i in indices { out.append(contentsOf: t.scalars[(i * per)..<((i + 1) * per)]) }
    return Tensor(shape: [indices.count] + t.shape.dropFirst(), scalars: out)
}

extension Sequential {
    /// Loss and accuracy of the model on x (N, input...), y (N, ...) at inference (Dropout off),
    /// predicted in batches; each the mean over all N examples.
    public func evaluate(x: Tensor<Float>, y: Tensor<Float>, weights: ModelWeights, loss: Loss,
                         batchSize: Int = 32) throws(NNError) -> (loss: Float, accuracy: Float) {
        guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0], x.shape[0] > 0, batchSize >= 1 else {
            throw .invalidArgument("evaluate needs as many labels as examples and a batch size of at least 1, got x \(formatShape(x.shape)), y \(formatShape(y.shape)), batch \(batchSize)")
        }
        let n = x.shape[0]
        var lossSum = 0.0, accSum = 0.0
        var start = 0
        while start < n {
            let idx = Array(start..<min(n, start + batchSize))
            let p = try predict(gatherRows(x, idx), weights: weights)
            let t = gatherRows(y, idx)
            let (l, a): (Float, Float)
            switch loss {
            case .binaryCrossEntropy:
                (l, a) = (try Metrics.binaryCrossEntropy(labels: t, predictions: p), try Metrics.binaryAccuracy(labels: t, predictions: p))
            case .categoricalCrossEntropyFromLogits:
                (l, a) = (try Metrics.categoricalCrossEntropy(labels: t, logits: p), try Metrics.categoricalAccuracy(labels: t, predictions: p))
            }
            lossSum += Double(l) * Double(idx.count)
            accSum += Double(a) * Double(idx.count)
            start += batchSize
        }
        return (Float(lossSum / Double(n)), Float(accSum / Double(n)))
    }
}
