import Dispatch

/// A set of labeled examples that can make any batch of them as Float tensors on demand.
///
/// Why it lives in Tensor: the trainer (module NN) consumes batches and the image sets
/// (module Imaging) produce them, and neither module may depend on the other (NN -> Tensor,
/// Imaging -> Tensor). Tensor is the one module both see, so the protocol, the batch and
/// the seeded `BatchStream` over any conforming set sit here; they know nothing of images.
///
/// A conforming set keeps its examples compactly (image sets keep UInt8 bytes) and makes Float
/// only for the rows a batch asks for, so a batch's Float exists only while it is used.
public protocol Dataset: Sendable {
    /// Number of examples.
    var count: Int { get }
    /// Examples `indices` (each in 0..<count) as one batch: x (N, example shape...) and y
    /// (N, label width), rows in the order of `indices`.
    ///
    /// Must give the same values every time it is called with the same indices, on any thread.
    func batch(_ indices: [Int]) -> Batch
    /// The batch as pass `epoch` over the data sees it: the same as `batch(_:)` for a fixed
    /// set; a set that draws something per pass (augmented images) draws it from the epoch and
    /// each example's position, so a resumed run sees the same batches.
    func batch(_ indices: [Int], epoch: Int) -> Batch
}

extension Dataset {
    public func batch(_ indices: [Int], epoch: Int) -> Batch { batch(indices) }
}

/// One batch of examples: inputs x (N, ...), labels y (N, ...) and which examples they are.
public struct Batch: Sendable, Equatable {
    /// Inputs, batch first, e.g. (N,H,W,C).
    public var x: Tensor<Float>
    /// Labels, batch first: (N,1) for two classes (0 or 1), (N,K) one-hot for K classes.
    public var y: Tensor<Float>
    /// The examples' positions in their dataset, row by row.
    public var indices: [Int]

    public init(x: Tensor<Float>, y: Tensor<Float>, indices: [Int]) {
        precondition(x.rank >= 1 && y.rank >= 1 && x.shape[0] == indices.count && y.shape[0] == indices.count,
                     "batch x \(formatShape(x.shape)) and y \(formatShape(y.shape)) must both have \(indices.count) rows")
        self.x = x; self.y = y; self.indices = indices
    }
}

/// A dataset in seeded batches, one epoch (pass over the data) or endlessly, each batch made
/// while the previous one is in use.
///
/// The order of epoch e is `BatchStream.order(count:seed:epoch:shuffle:)`: a `seededPermutation`
/// with seed `seed ^ (e + 1)`, the same rule `Trainer.fit` shuffles by, so one seed gives the
/// same batches on every run and machine. Batches are consecutive runs of `batchSize`
/// positions of that order; the last one of an epoch is short when `batchSize` does not divide
/// the count (as Keras' iterators do).
///
/// With `continues`, the stream goes on into the next epoch's order after the last batch of
/// one, and never ends: Keras' iterators behave so under `steps_per_epoch`, where a training
/// epoch of S steps need not be a pass over the data. `epoch` and `batchIndex` say where the
/// next batch comes from, which is all a checkpoint needs to resume the same stream
/// (`BatchStream(..., epoch: e, startBatch: b)`).
///
/// Prefetch: when a batch is handed out, the next one (across an epoch's end too) is started
/// on a background queue, so making batch k+1 (bytes to Float) overlaps with training on batch
/// k. At most two batches of Float exist at once. Which thread makes a batch never changes it.
///
/// Used from one thread at a time (it is an iterator); the dataset itself is shared read-only.
public final class BatchStream<D: Dataset>: Sequence, IteratorProtocol {
    /// The set the batches come from.
    public let dataset: D
    public let batchSize: Int
    public let seed: UInt64
    public let shuffle: Bool
    /// Whether the stream goes on into the next epoch after the last batch of one.
    public let continues: Bool
    /// The epoch (pass over the data) the next batch comes from, counted from 0.
    public private(set) var epoch: Int
    /// The batch `next()` returns next, counted from 0 within `epoch`.
    public private(set) var batchIndex: Int
    /// The positions of epoch `epoch`, in the order they are batched.
    public private(set) var order: [Int]
    private let prefetch: Bool
    private var pending: Pending?
    /// The next epoch's order, once a prefetch across the epoch's end has made it.
    private var upcoming: [Int]?

    /// The batches of epoch `epoch` (0-based) from batch `startBatch` on (a resumed run starts
    /// mid-epoch); `shuffle` false keeps the dataset's own order, `continues` goes on through
    /// the following epochs, `prefetch` false makes every batch on the calling thread when it
    /// is asked for.
    /// - Precondition: `batchSize >= 1`, `epoch >= 0`, `startBatch >= 0`.
    public init(_ dataset: D, batchSize: Int, seed: UInt64, epoch: Int, shuffle: Bool = true,
                startBatch: Int = 0, continues: Bool = false, prefetch: Bool = true) {
        precondition(batchSize >= 1 && epoch >= 0 && startBatch >= 0,
                     "BatchStream needs batchSize >= 1, epoch >= 0, startBatch >= 0; got \(batchSize), \(epoch), \(startBatch)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.seed = seed
        self.shuffle = shuffle
        self.continues = continues
        self.epoch = epoch
        self.order = Self.order(count: dataset.count, seed: seed, epoch: epoch, shuffle: shuffle)
        self.batchIndex = startBatch
        self.prefetch = prefetch
    }

    /// The order of epoch `epoch`: `seededPermutation(count, seed: seed ^ UInt64(epoch + 1))`,
    /// or 0..<count without shuffling.
    public static func order(count: Int, seed: UInt64, epoch: Int, shuffle: Bool = true) -> [Int] {
        shuffle ? seededPermutation(count, seed: seed ^ UInt64(epoch + 1)) : Array(0..<count)
    }

    /// Batches in one epoch: ceil(count / batchSize).
    public var batchCount: Int { (order.count + batchSize - 1) / batchSize }

    /// The dataset positions of batch `k` of the current epoch.
    public func indices(ofBatch k: Int) -> [Int] { Self.slice(order, k, batchSize) }

    private static func slice(_ order: [Int], _ k: Int, _ size: Int) -> [Int] {
        let lo = k * size
        return Array(order[lo..<Swift.min(order.count, lo + size)])
    }

    /// The next batch, or nil after an epoch's last one (never, when the stream continues,
    /// unless the dataset is empty).
    public func next() -> Batch? {
        if batchIndex >= batchCount {
            guard continues, batchCount > 0 else { return nil }
            epoch += 1
            batchIndex = 0
            order = upcoming ?? Self.order(count: dataset.count, seed: seed, epoch: epoch, shuffle: shuffle)
            upcoming = nil
        }
        let batch: Batch
        if let p = pending, p.epoch == epoch, p.batchIndex == batchIndex {
            batch = p.wait()
        } else {
            batch = dataset.batch(indices(ofBatch: batchIndex), epoch: epoch)
        }
        pending = nil
        batchIndex += 1
        guard prefetch else { return batch }
        if batchIndex < batchCount {
            pending = Pending(dataset, indices(ofBatch: batchIndex), epoch: epoch, batchIndex: batchIndex)
        } else if continues {
            let nextOrder = Self.order(count: dataset.count, seed: seed, epoch: epoch + 1, shuffle: shuffle)
            upcoming = nextOrder
            pending = Pending(dataset, Self.slice(nextOrder, 0, batchSize), epoch: epoch + 1, batchIndex: 0)
        }
        return batch
    }

    /// A batch being made on a background queue; `wait()` blocks until it is done.
    ///
    /// The semaphore orders the background write of `result` before the caller's read, so the
    /// unchecked box is safe: one writer, then one reader.
    private final class Pending: @unchecked Sendable {
        let epoch: Int
        let batchIndex: Int
        private let done = DispatchSemaphore(value: 0)
        private var result: Batch?

        init(_ dataset: D, _ indices: [Int], epoch: Int, batchIndex: Int) {
            self.epoch = epoch
            self.batchIndex = batchIndex
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                result = dataset.batch(indices, epoch: epoch)
                done.signal()
            }
        }

        func wait() -> Batch {
            done.wait()
            guard let result else { preconditionFailure("a prefetched batch signalled without a result") }
            return result
        }
    }
}
