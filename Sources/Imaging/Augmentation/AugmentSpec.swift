import Tensor

/// The ranges an augmentation draws from: Keras' `ImageDataGenerator` arguments.
///
/// `rotation` (degrees), `shiftX` (Keras' `width_shift_range`) and `shiftY`
/// (`height_shift_range`), `shear` (degrees, see `AugmentTransform`) are symmetric ranges
/// [-r, r]; a shift below 1 is a fraction of the image's width or height, 1 or more is pixels
/// (Keras' rule for a float range; Keras draws whole pixels only when handed an int). Zoom
/// factors zx and zy are drawn independently, each from its own range (Keras has one
/// `zoom_range` for both; `zoom=0.2` means [0.8, 1.2] as there). A flip happens with
/// probability 1/2 when enabled. `channelShift` is a symmetric range, `brightness` a range of
/// factors or nil.
///
/// One departure from Keras 3's `get_random_transform`, which draws `tx` (the column shift,
/// see `AugmentTransform`) from `height_shift_range` times the height and `ty` from the width
/// range: here `shiftX` moves along the columns, as its name says, scaled by the width. With
/// equal ranges on a square image (the tutorial's) the two draw from the same distribution.
public struct AugmentSpec: Sendable, Equatable {
    public var rotation: Double = 0
    public var shiftX: Double = 0
    public var shiftY: Double = 0
    public var shear: Double = 0
    public var zoomX: ClosedRange<Double> = 1...1
    public var zoomY: ClosedRange<Double> = 1...1
    public var horizontalFlip = false
    public var verticalFlip = false
    public var brightness: ClosedRange<Double>? = nil
    public var channelShift: Double = 0
    public var resampling = Resampling.keras

    public init() {}

    /// No augmentation at all.
    public static let none = AugmentSpec()

    /// The tutorial notebook's training generator (section 4.3): rotation 40, shifts 0.2,
    /// shear 0.2, zoom 0.2, horizontal flip, nearest fill (Keras' default), bilinear.
    public static let tutorial: AugmentSpec = {
        var s = AugmentSpec()
        s.rotation = 40; s.shiftX = 0.2; s.shiftY = 0.2; s.shear = 0.2
        s.zoomX = 0.8...1.2; s.zoomY = 0.8...1.2; s.horizontalFlip = true
        return s
    }()

    /// The transform for image `index` of epoch `epoch` in a run with `seed`: the same three
    /// numbers always give the same transform, whatever was drawn before (a resumed run, or a
    /// gallery, redraws it exactly).
    public func draw(height: Int, width: Int, seed: UInt64, epoch: Int = 0, index: Int = 0) -> AugmentTransform {
        var g = SeededGenerator(seed: Self.streamSeed(seed: seed, epoch: epoch, index: index))
        return draw(height: height, width: width, using: &g)
    }

    /// A generator's own seed for (seed, epoch, index): each number is mixed in through a
    /// SplitMix64 output, so neighbouring images get unrelated streams.
    public static func streamSeed(seed: UInt64, epoch: Int, index: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed)
        var s = g.next() ^ UInt64(bitPattern: Int64(epoch))
        g = SeededGenerator(seed: s)
        s = g.next() ^ UInt64(bitPattern: Int64(index))
        g = SeededGenerator(seed: s)
        return g.next()
    }

    /// Draws one transform from `g`. Ten uniforms are taken in a fixed order (rotation, shift
    /// x, shift y, shear, zoom x, zoom y, flip h, flip v, channel shift, brightness) whether or
    /// not each range is in use, so turning one range on does not change the others' draws.
    /// Each uniform is the top 53 bits of `next()` in [0, 1).
    public func draw(height: Int, width: Int, using g: inout SeededGenerator) -> AugmentTransform {
        var u = [Double]()
        for _ in 0..<10 { u.append(Double(g.next() >> 11) * 0x1p-53) }
        func symmetric(_ r: Double, _ v: Double) -> Double { r == 0 ? 0 : -r + 2 * r * v }
        func within(_ r: ClosedRange<Double>, _ v: Double) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * v }
        func shift(_ r: Double, _ v: Double, _ size: Int) -> Double {
            let s = symmetric(r, v)
            return r < 1 ? s * Double(size) : s
        }
        var t = AugmentTransform()
        t.theta = symmetric(rotation, u[0])
        t.tx = shift(shiftX, u[1], width)
        t.ty = shift(shiftY, u[2], height)
        t.shear = symmetric(shear, u[3])
        if zoomX != 1...1 || zoomY != 1...1 {
            t.zx = within(zoomX, u[4])
            t.zy = within(zoomY, u[5])
        }
        t.flipHorizontal = horizontalFlip && u[6] < 0.5
        t.flipVertical = verticalFlip && u[7] < 0.5
        if channelShift != 0 { t.channelShift = symmetric(channelShift, u[8]) }
        if let b = brightness { t.brightness = within(b, u[9]) }
        return t
    }

    /// Draws a transform and applies it (with this spec's resampling) to an 8-bit image.
    public func augment(_ image: RasterImage, seed: UInt64, epoch: Int = 0, index: Int = 0) throws(AugmentError) -> (RasterImage, AugmentTransform) {
        let t = draw(height: image.height, width: image.width, seed: seed, epoch: epoch, index: index)
        return (try t.apply(to: image, resampling: resampling), t)
    }
}
