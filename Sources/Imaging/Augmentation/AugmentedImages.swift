import Tensor

/// A training set whose images are augmented on the fly: each time an image is put in a batch,
/// a transform is drawn for it from `spec` with the run's seed, the pass over the data and the
/// image's position (`AugmentSpec.draw(seed:epoch:index:)`), applied to its 0-255 pixels as
/// Floats (not rounded back to bytes), and only then scaled by 1/255, in Keras' order
/// (`DirectoryIterator`: load, img_to_array, random_transform, standardize). The same (seed, pass, image) always gives the same picture, so a resumed run
/// trains on the same batches as one that never stopped. Validation and test sets are not
/// wrapped: augmentation is for training data only.
public struct AugmentedImages: Dataset {
    public let base: LabeledImages
    public let spec: AugmentSpec
    public let seed: UInt64

    /// Checks the spec on the first image, so that a batch can never fail later.
    public init(_ base: LabeledImages, spec: AugmentSpec, seed: UInt64) throws(AugmentError) {
        self.base = base; self.spec = spec; self.seed = seed
        if base.count > 0 {
            _ = try spec.draw(height: base.height, width: base.width, seed: seed).apply(to: Self.pixels(base, 0), resampling: spec.resampling)
        }
    }

    public var count: Int { base.count }

    public func batch(_ indices: [Int]) -> Batch { batch(indices, epoch: 0) }

    public func batch(_ indices: [Int], epoch: Int) -> Batch {
        let plain = base.batch(indices)
        let n = base.bytesPerImage
        var x = [Float](repeating: 0, count: indices.count * n)
        for (row, i) in indices.enumerated() {
            let t = spec.draw(height: base.height, width: base.width, seed: seed, epoch: epoch, index: i)
            let out: Tensor<Float>
            do { out = try t.apply(to: Self.pixels(base, i), resampling: spec.resampling) } catch {
                preconditionFailure("augmentation checked at the start failed on image \(i): \(error)")
            }
            for k in 0..<n { x[row * n + k] = out.scalars[k] * LabeledImages.rescale }
        }
        return Batch(x: Tensor(shape: plain.x.shape, scalars: x), y: plain.y, indices: indices)
    }

    /// Image `i` as (H,W,C) Floats 0...255.
    static func pixels(_ set: LabeledImages, _ i: Int) -> Tensor<Float> {
        let n = set.bytesPerImage
        return Tensor(shape: [set.height, set.width, set.channels], scalars: set.pixels[(i * n)..<((i + 1) * n)].map { Float($0) })
    }
}
