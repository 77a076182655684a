import Dispatch
import Tensor

/// One epoch's line of a training history, as Keras' `History` records it (loss and accuracy
/// are the batch-size-weighted means over the epoch's steps, measured with Dropout active and
/// the weights still changing; validation is measured after the epoch, Dropout off).
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1 for the first epoch.
    public var epoch: Int
    public var loss: Float
    public var accuracy: Float
    public var valLoss: Float?
    public var valAccuracy: Float?
    /// Wall time of the epoch, validation included (the only field that differs between runs).
    public var seconds: Double

    public init(epoch: Int, loss: Float, accuracy: Float, valLoss: Float?, valAccuracy: Float?, seconds: Double) {
        self.epoch = epoch; self.loss = loss; self.accuracy = accuracy
        self.valLoss = valLoss; self.valAccuracy = valAccuracy; self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case epoch, loss, accuracy, valLoss = "val_loss", valAccuracy = "val_accuracy", seconds
    }
}

/// How long a run is: epochs of `stepsPerEpoch` batches (Keras' `steps_per_epoch`), or of one
/// pass over the training set when nil.
public struct FitPlan: Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var stepsPerEpoch: Int?
    public var shuffle: Bool

    public init(epochs: Int, batchSize: Int, stepsPerEpoch: Int? = nil, shuffle: Bool = true) {
        self.epochs = epochs; self.batchSize = batchSize; self.stepsPerEpoch = stepsPerEpoch; self.shuffle = shuffle
    }

    /// Batches in one pass over `count` examples (the last one short when it does not divide).
    public func batchesPerPass(_ count: Int) -> Int { (count + batchSize - 1) / batchSize }

    /// Batches in each epoch.
    public func batchesPerEpoch(_ count: Int) -> Int { stepsPerEpoch ?? batchesPerPass(count) }

    /// Where global batch `b` (0 for the first batch of the run) comes from: the pass over the
    /// data (each pass shuffled with its own seed) and the batch within it. Keras' iterators
    /// behave the same way: with `steps_per_epoch` they run on into the next shuffled pass.
    public func source(ofBatch b: Int, count: Int) -> (pass: Int, batch: Int) {
        let p = batchesPerPass(count)
        return (b / p, b % p)
    }
}

/// Where a run stands: epochs finished, batches of the current epoch finished and its running
/// sums. Together with the weights, the optimizer's state and the history this is all a
/// resumed run needs to compute the same bits as one that never stopped.
public struct FitPosition: Sendable, Equatable, Codable {
    public var epochsDone = 0
    public var batchesDone = 0
    public var lossSum = 0.0
    public var accuracySum = 0.0
    public var examplesSeen = 0
    /// Wall time of the current epoch so far.
    public var seconds = 0.0
    public init() {}
}

/// What the trainer reports as it goes, for the CLI, lessons and the web page to render.
public enum TrainingEvent: Sendable {
    /// A batch finished: its epoch (1-based), batch (1-based) of `batches`, the epoch's running
    /// loss and accuracy, images per second so far in the epoch, and the epoch's seconds.
    case batchDone(epoch: Int, batch: Int, batches: Int, loss: Float, accuracy: Float, imagesPerSecond: Double, seconds: Double)
    /// An epoch finished, validation included.
    case epochDone(EpochRecord)
}

/// What the receiver of an event wants next.
public enum TrainingControl: Sendable {
    case proceed
    /// Stop after this batch; the position says where, so the run can be saved and resumed.
    case stop
}

extension Trainer {
    /// Trains on `train` as `plan` says, from `position` (a fresh one, or a resumed run's),
    /// appending each finished epoch to `history`, validating on `validation` after each epoch.
    /// Calls `onEvent` after every batch and epoch; `.stop` returns after that batch with
    /// `position` telling where. Returns true when every epoch of the plan is done.
    ///
    /// Deterministic: the order of pass p is `BatchStream.order(seed: seed, epoch: p)`, and step
    /// k's Dropout masks come from `seed + k`, so a run stopped anywhere and resumed from its
    /// saved state computes the same bits as one that never stopped.
    public mutating func fit<D: Dataset>(_ train: D, validation: (any Dataset)?, plan: FitPlan,
                                         position: inout FitPosition, history: inout [EpochRecord],
                                         onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws(NNError) -> Bool {
        guard train.count > 0, plan.batchSize >= 1, plan.epochs >= 0, (plan.stepsPerEpoch ?? 1) >= 1 else {
            throw .invalidArgument("training needs examples, a batch of at least 1 and at least one step per epoch (got \(train.count) examples, batch \(plan.batchSize), steps \(plan.stepsPerEpoch.map(String.init) ?? "one pass"))")
        }
        let perEpoch = plan.batchesPerEpoch(train.count)
        // One stream for the whole run, running on from pass to pass (and prefetching across
        // their ends); made anew only where it is not already at the batch wanted (a resume).
        var stream: BatchStream<D>?
        func next(of s: BatchStream<D>) -> (Int, Int) {
            s.batchIndex >= s.batchCount ? (s.epoch + 1, 0) : (s.epoch, s.batchIndex)
        }
        while position.epochsDone < plan.epochs {
            let epoch = position.epochsDone
            var start = DispatchTime.now().uptimeNanoseconds
            while position.batchesDone < perEpoch {
                let global = epoch * perEpoch + position.batchesDone
                let (pass, k) = plan.source(ofBatch: global, count: train.count)
                if stream.map({ next(of: $0) != (pass, k) }) ?? true {
                    stream = BatchStream(train, batchSize: plan.batchSize, seed: seed, epoch: pass, shuffle: plan.shuffle,
                                         startBatch: k, continues: true)
                }
                guard let batch = stream!.next() else {
                    throw .invalidArgument("batch \(k) of pass \(pass) is past the data")
                }
                let r = try trainStep(x: batch.x, y: batch.y)
                let n = batch.indices.count
                position.lossSum += Double(r.loss) * Double(n)
                position.accuracySum += Double(r.accuracy) * Double(n)
                position.examplesSeen += n
                position.batchesDone += 1
                let now = DispatchTime.now().uptimeNanoseconds
                position.seconds += Double(now - start) / 1e9
                start = now
                let control = onEvent(.batchDone(
                    epoch: epoch + 1, batch: position.batchesDone, batches: perEpoch,
                    loss: Float(position.lossSum / Double(position.examplesSeen)),
                    accuracy: Float(position.accuracySum / Double(position.examplesSeen)),
                    imagesPerSecond: Double(position.examplesSeen) / Swift.max(position.seconds, 1e-9), seconds: position.seconds))
                if case .stop = control, position.batchesDone < perEpoch { return false }
                if case .stop = control { break }
            }
            var record = EpochRecord(epoch: epoch + 1, loss: Float(position.lossSum / Double(position.examplesSeen)),
                                     accuracy: Float(position.accuracySum / Double(position.examplesSeen)),
                                     valLoss: nil, valAccuracy: nil, seconds: 0)
            if let validation {
                let v = try model.evaluate(validation, weights: weights, loss: loss, batchSize: plan.batchSize)
                (record.valLoss, record.valAccuracy) = (v.loss, v.accuracy)
            }
            record.seconds = position.seconds + Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            history.append(record)
            position = FitPosition()
            position.epochsDone = epoch + 1
            if case .stop = onEvent(.epochDone(record)) { return position.epochsDone == plan.epochs }
        }
        return true
    }
}

extension Sequential {
    /// Loss and accuracy on a whole dataset at inference (Dropout off), predicted in batches of
    /// `batchSize` in the dataset's order; each the mean over all its examples.
    public func evaluate(_ data: any Dataset, weights: ModelWeights, loss: Loss, batchSize: Int = 32) throws(NNError) -> (loss: Float, accuracy: Float) {
        let (l, a, _) = try evaluateWithPredictions(data, weights: weights, loss: loss, batchSize: batchSize)
        return (l, a)
    }

    /// `evaluate`, also giving every example's prediction and target rows (for a confusion matrix).
    public func evaluateWithPredictions(_ data: any Dataset, weights: ModelWeights, loss: Loss,
                                        batchSize: Int = 32) throws(NNError) -> (loss: Float, accuracy: Float, rows: [(prediction: [Float], target: [Float])]) {
        guard data.count > 0, batchSize >= 1 else {
            throw .invalidArgument("evaluate needs examples and a batch size of at least 1, got \(data.count) examples, batch \(batchSize)")
        }
        var lossSum = 0.0, accSum = 0.0
        var rows: [(prediction: [Float], target: [Float])] = []
        var start = 0
        while start < data.count {
            let batch = data.batch(Array(start..<Swift.min(data.count, start + batchSize)))
            let p = try predict(batch.x, weights: weights)
            let l: Float
            do { l = try loss.value(predictions: p, targets: batch.y) } catch { throw .tensor(error) }
            let a = try loss.accuracy(predictions: p, targets: batch.y)
            let n = batch.indices.count
            lossSum += Double(l) * Double(n)
            accSum += Double(a) * Double(n)
            let (pw, tw) = (p.count / n, batch.y.count / n)
            for r in 0..<n {
                rows.append((Array(p.scalars[(r * pw)..<((r + 1) * pw)]), Array(batch.y.scalars[(r * tw)..<((r + 1) * tw)])))
            }
            start += batchSize
        }
        return (Float(lossSum / Double(data.count)), Float(accSum / Double(data.count)), rows)
    }
}

/// Examples held as Float tensors: x (N, ...) and y (N, ...), for data made in memory (tests,
/// lessons' small sets, `Trainer.fit(x:y:)`).
public struct TensorDataset: Dataset {
    public let x: Tensor<Float>
    public let y: Tensor<Float>
    public init(x: Tensor<Float>, y: Tensor<Float>) throws(NNError) {
        guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0] else {
            throw .invalidArgument("a dataset needs as many labels as examples, got x \(formatShape(x.shape)), y \(formatShape(y.shape))")
        }
        self.x = x; self.y = y
    }
    public var count: Int { x.shape[0] }
    public func batch(_ indices: [Int]) -> Batch {
        Batch(x: gatherRows(x, indices), y: gatherRows(y, indices), indices: indices)
    }
}
