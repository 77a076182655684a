import Imaging
import Tensor
import Testing

/// 23 one-pixel images whose value is their index, two classes.
private func numbered() throws -> LabeledImages {
    try LabeledImages(height: 1, width: 1, channels: 1, pixels: (0..<23).map { UInt8($0) },
                      labels: (0..<23).map { $0 % 2 }, classNames: ["even", "odd"], files: [])
}

private func epoch(_ s: LabeledImages, seed: UInt64, epoch: Int, prefetch: Bool = true, start: Int = 0) -> [Batch] {
    Array(BatchStream(s, batchSize: 5, seed: seed, epoch: epoch, startBatch: start, prefetch: prefetch))
}

@Test func theSameSeedGivesTheSameBatches() throws {
    let s = try numbered()
    let a = epoch(s, seed: 7, epoch: 0), b = epoch(s, seed: 7, epoch: 0)
    #expect(a == b)
    #expect(a.map(\.x.shape) == [[5, 1, 1, 1], [5, 1, 1, 1], [5, 1, 1, 1], [5, 1, 1, 1], [3, 1, 1, 1]])
    // Every image once per epoch, in the order of seededPermutation(23, seed: 7 ^ 1).
    let order = a.flatMap(\.indices)
    #expect(order == seededPermutation(23, seed: 7 ^ 1))
    #expect(order.sorted() == Array(0..<23))
    // Each row is the image its index names, and its label.
    for batch in a {
        #expect(batch.x.scalars == batch.indices.map { Float($0) * LabeledImages.rescale })
        #expect(batch.y.scalars == batch.indices.map { Float($0 % 2) })
    }
}

@Test func epochsAndSeedsChangeTheOrder() throws {
    let s = try numbered()
    let e0 = epoch(s, seed: 7, epoch: 0).flatMap(\.indices)
    #expect(e0 != epoch(s, seed: 7, epoch: 1).flatMap(\.indices))
    #expect(e0 != epoch(s, seed: 8, epoch: 0).flatMap(\.indices))
    #expect(Array(BatchStream(s, batchSize: 10, seed: 7, epoch: 0, shuffle: false)).flatMap(\.indices) == Array(0..<23))
}

@Test func prefetchingChangesNothingAndAResumedEpochGivesTheRest() throws {
    let s = try numbered()
    let whole = epoch(s, seed: 3, epoch: 2)
    #expect(whole == epoch(s, seed: 3, epoch: 2, prefetch: false))
    #expect(Array(whole.dropFirst(2)) == epoch(s, seed: 3, epoch: 2, start: 2))
    let stream = BatchStream(s, batchSize: 5, seed: 3, epoch: 2)
    #expect(stream.batchCount == 5)
    #expect(stream.indices(ofBatch: 4) == whole[4].indices)
    _ = stream.next()
    #expect(stream.batchIndex == 1)
}

@Test func aContinuingStreamRunsIntoTheNextEpochsOrder() throws {
    let s = try numbered()
    // Keras' steps_per_epoch: 7 steps of 5 from 23 images cross into the second pass.
    let stream = BatchStream(s, batchSize: 5, seed: 9, epoch: 0, continues: true)
    let seven = (0..<7).compactMap { _ in stream.next() }
    #expect(seven.map(\.indices) == epoch(s, seed: 9, epoch: 0).map(\.indices) + epoch(s, seed: 9, epoch: 1).prefix(2).map(\.indices))
    #expect(stream.epoch == 1 && stream.batchIndex == 2)
    // Resuming at that position gives the same stream, with or without prefetch.
    let resumed = BatchStream(s, batchSize: 5, seed: 9, epoch: 1, startBatch: 2, continues: true, prefetch: false)
    let a = (0..<6).compactMap { _ in stream.next() }, b = (0..<6).compactMap { _ in resumed.next() }
    #expect(a == b && a.count == 6)
    #expect(stream.epoch == 2 && stream.batchIndex == 3)
}
