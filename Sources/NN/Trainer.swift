import Tensor

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

    /// Sets the update count of a resumed run (its Dropout masks are seeded by it).
    mutating func restoreSteps(_ n: Int) { steps = n }

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

    /// The batch's loss and accuracy and the gradients per layer: forward and backward of the
    /// whole batch on one tape. (oneDNN spreads each layer over the cores itself, so the batch
    /// is no longer cut into halves run side by side.)
    func lossAndGradients(x: Tensor<Float>, y: Tensor<Float>) throws(NNError) -> (Float, Float, [[Tensor<Float>]]) {
        guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0] else {
            throw .invalidModel("labels \(formatShape(y.shape)) do not match the batch \(formatShape(x.shape))")
        }
        let tape = Tape()
        let params = weights.tensors.map { $0.map { tape.variable($0) } }
        let out = try model.forward(tape.constant(x), parameters: params, tape: tape,
                                    context: ForwardContext(training: true, seed: seed &+ UInt64(steps)))
        guard out.tensor.shape == y.shape else {
            throw .invalidModel("labels \(formatShape(y.shape)) do not match the model's output \(formatShape(out.tensor.shape))")
        }
        do {
            let lossValue = try loss.onTape(out, y, tape: tape)
            let accuracy = try loss.accuracy(predictions: out.tensor, targets: y)
            let grads = try tape.gradients(of: lossValue, wrt: params.flatMap { $0 })
            var k = 0
            let shaped = params.map { ps in ps.map { _ in defer { k += 1 }; return grads[k] } }
            return (lossValue.tensor.scalars[0], accuracy, shaped)
        } catch let e as TensorError {
            throw .tensor(e)
        } catch let e as NNError {
            throw e
        } catch {
            throw .invalidModel("\(error)")
        }
    }

    /// Trains for `epochs` passes over x (N, input...), y (N, ...) in batches (the last one may
    /// be short), shuffled each epoch when `shuffle` is on: `fit(_:validation:plan:...)` on
    /// the tensors.
    public mutating func fit(x: Tensor<Float>, y: Tensor<Float>, batchSize: Int = 32, epochs: Int = 1,
                             shuffle: Bool = true) throws(NNError) -> TrainingHistory {
        var position = FitPosition()
        var records: [EpochRecord] = []
        _ = try fit(TensorDataset(x: x, y: y), validation: nil, plan: FitPlan(epochs: epochs, batchSize: batchSize, shuffle: shuffle),
                    position: &position, history: &records)
        return TrainingHistory(loss: records.map(\.loss), accuracy: records.map(\.accuracy))
    }
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
        try evaluate(TensorDataset(x: x, y: y), weights: weights, loss: loss, batchSize: batchSize)
    }
}
