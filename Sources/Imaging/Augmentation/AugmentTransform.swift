import Foundation

/// One drawn augmentation: the parameters Keras' `ImageDataGenerator.get_random_transform`
/// returns for an image, applied exactly by `apply_transform` (tutorial section 4.3).
///
/// Units and directions are Keras 3's (its legacy `keras.src.legacy.preprocessing.image`,
/// checked against 3.15.1 by the fixtures in Tests/ImagingTests/Fixtures/augment):
/// - `theta`: rotation in degrees (`np.deg2rad` inside Keras); positive turns the picture
///   counter-clockwise on screen (rows down, columns right): what was at the top goes left.
/// - `tx`, `ty`: shifts in pixels along the columns (x) and the rows (y). The matrix is a
///   pull-back, output pixel p reads the input at M p, so a positive `tx` reads from further
///   right and the picture moves left; a positive `ty` moves it up.
/// - `shear`: shear angle in **degrees**: output (x, y) reads x - sin(shear) y, cos(shear) y
///   about the centre, so rows below the centre slide right for a positive angle. Keras 3's
///   legacy code (like Keras >= 2.1.3) applies `np.deg2rad(shear)`; Keras 2.0.8, the
///   tutorial's version, took radians, so its `shear_range=0.2` meant about 11.5 degrees
///   where Keras 3's means 0.2 degrees.
/// - `zx`, `zy`: zoom factors along x and y; because the matrix pulls back, a factor above 1
///   samples a larger area and so zooms out.
/// - `flipHorizontal`, `flipVertical`: mirror left-right and top-bottom, after the affine step.
/// - `channelShift`: added to every channel, then clipped to the image's own [min, max].
/// - `brightness`: PIL's `ImageEnhance.Brightness` factor (1 keeps the image).
public struct AugmentTransform: Sendable, Equatable, CustomStringConvertible {
    public var theta: Double
    public var tx: Double
    public var ty: Double
    public var shear: Double
    public var zx: Double
    public var zy: Double
    public var flipHorizontal: Bool
    public var flipVertical: Bool
    /// nil: no brightness step (Keras' `brightness=None`).
    public var brightness: Double?
    /// nil: no channel shift (Keras' `channel_shift_intensity=None`).
    public var channelShift: Double?

    public init(theta: Double = 0, tx: Double = 0, ty: Double = 0, shear: Double = 0, zx: Double = 1, zy: Double = 1,
                flipHorizontal: Bool = false, flipVertical: Bool = false, brightness: Double? = nil, channelShift: Double? = nil) {
        self.theta = theta; self.tx = tx; self.ty = ty; self.shear = shear; self.zx = zx; self.zy = zy
        self.flipHorizontal = flipHorizontal; self.flipVertical = flipVertical
        self.brightness = brightness; self.channelShift = channelShift
    }

    /// The transform that changes nothing.
    public static let identity = AugmentTransform()

    /// Whether the affine step changes anything (Keras skips resampling when it does not).
    public var hasAffine: Bool { theta != 0 || tx != 0 || ty != 0 || shear != 0 || zx != 1 || zy != 1 }

    /// The limits `validate` enforces, so that a typo cannot ask for an absurd resampling.
    public static let maxShiftPixels = 100_000.0
    public static let zoomLimits = 0.001...1000.0
    public static let maxBrightness = 100.0

    /// Checks every parameter is finite and in a usable range; the error names the parameter.
    public func validate() throws(AugmentError) {
        let values: [(String, Double)] = [("rotation", theta), ("shift_x", tx), ("shift_y", ty), ("shear", shear), ("zoom_x", zx), ("zoom_y", zy)]
            + (brightness.map { [("brightness", $0)] } ?? []) + (channelShift.map { [("channel_shift", $0)] } ?? [])
        for (name, v) in values where !v.isFinite {
            throw AugmentError("\(name) must be a finite number, got \(v)")
        }
        for (name, v) in [("shift_x", tx), ("shift_y", ty)] where abs(v) > Self.maxShiftPixels {
            throw AugmentError("\(name) of \(v) pixels is too large (at most \(Int(Self.maxShiftPixels)))")
        }
        for (name, v) in [("zoom_x", zx), ("zoom_y", zy)] where !Self.zoomLimits.contains(v) {
            throw AugmentError("\(name) must be between \(Self.zoomLimits.lowerBound) and \(Self.zoomLimits.upperBound), got \(v)")
        }
        if abs(shear.truncatingRemainder(dividingBy: 180)) == 90 {
            throw AugmentError("shear of \(shear) degrees collapses the image (cos(shear) = 0)")
        }
        if let b = brightness, !(0...Self.maxBrightness).contains(b) {
            throw AugmentError("brightness must be between 0 and \(Int(Self.maxBrightness)), got \(b)")
        }
        if let c = channelShift, abs(c) > 1e6 {
            throw AugmentError("channel_shift must be at most 1e6 in size, got \(c)")
        }
    }

    /// The parameters as a short caption, Keras' names for what changed: `theta=12.3 tx=-2.1
    /// flip_h`; "identity" when nothing does.
    public var description: String {
        var parts = [String]()
        func num(_ v: Double) -> String {
            let s = String(format: "%.2f", v)
            var t = s
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
            return t == "-0" ? "0" : t
        }
        if theta != 0 { parts.append("theta=\(num(theta))") }
        if tx != 0 { parts.append("tx=\(num(tx))") }
        if ty != 0 { parts.append("ty=\(num(ty))") }
        if shear != 0 { parts.append("shear=\(num(shear))") }
        if zx != 1 || zy != 1 { parts.append("zx=\(num(zx)) zy=\(num(zy))") }
        if flipHorizontal { parts.append("flip_h") }
        if flipVertical { parts.append("flip_v") }
        if let c = channelShift { parts.append("ch_shift=\(num(c))") }
        if let b = brightness { parts.append("bright=\(num(b))") }
        return parts.isEmpty ? "identity" : parts.joined(separator: " ")
    }
}

/// An augmentation that cannot be made: a bad parameter, spec or image. `message` is one
/// line; `hint` lists what would be accepted.
public struct AugmentError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { "error: \(message)" + (hint.map { "\nhint: \($0)" } ?? "") }
}

/// The affine step as scipy.ndimage.affine_transform takes it: output pixel (row, col) reads
/// the input at `matrix * (row, col) + offset`, all in Double as numpy computes it.
public struct AffineMap: Sendable, Equatable {
    /// Row-major 2x2 over (row, col).
    public var matrix: [Double]
    public var offset: [Double]

    /// The map of `t` for an image of `height` x `width`, built as Keras'
    /// `apply_affine_transform` builds it: M = R T S Z over (x, y) = (col, row), moved to the
    /// centre by `transform_matrix_offset_center`, then its x and y swapped for numpy's (row,
    /// col) indexing.
    ///
    /// One departure, on purpose: Keras centres with `o = h / 2 - 0.5` on x and `w / 2 - 0.5`
    /// on y (it passes the height for the axis that is the columns), so on a non-square image
    /// it rotates, shears and zooms about a point off the centre. Here the centre is the
    /// image's own, x on `w / 2 - 0.5` and y on `h / 2 - 0.5`; on square images (the
    /// tutorial's 150x150, Fashion-MNIST's 28x28, every rotation fixture) the two are the same
    /// numbers. Shifts and flips do not depend on the centre and match Keras on any shape.
    public init(_ t: AugmentTransform, height: Int, width: Int) {
        var m = Matrix3.identity
        if t.theta != 0 {
            let a = t.theta * (Double.pi / 180)
            m = m * Matrix3([cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1])
        }
        if t.tx != 0 || t.ty != 0 { m = m * Matrix3([1, 0, t.tx, 0, 1, t.ty, 0, 0, 1]) }
        if t.shear != 0 {
            let s = t.shear * (Double.pi / 180)
            m = m * Matrix3([1, -sin(s), 0, 0, cos(s), 0, 0, 0, 1])
        }
        if t.zx != 1 || t.zy != 1 { m = m * Matrix3([t.zx, 0, 0, 0, t.zy, 0, 0, 0, 1]) }
        let ox = Double(width) / 2 - 0.5, oy = Double(height) / 2 - 0.5
        let centred = Matrix3([1, 0, ox, 0, 1, oy, 0, 0, 1]) * m * Matrix3([1, 0, -ox, 0, 1, -oy, 0, 0, 1])
        let e = centred.e
        // P M P with P swapping x and y: (row, col) indexing.
        matrix = [e[4], e[3], e[1], e[0]]
        offset = [e[5], e[2]]
    }
}

/// A 3x3 matrix of Doubles in homogeneous 2-D coordinates, row-major.
struct Matrix3: Equatable {
    var e: [Double]
    init(_ e: [Double]) { self.e = e }
    static let identity = Matrix3([1, 0, 0, 0, 1, 0, 0, 0, 1])

    /// The product, each element summed in k order as a plain triple loop does.
    static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 {
                r[i * 3 + j] = a.e[i * 3] * b.e[j] + a.e[i * 3 + 1] * b.e[3 + j] + a.e[i * 3 + 2] * b.e[6 + j]
            }
        }
        return Matrix3(r)
    }
}

extension AugmentTransform {
    /// The parameters as short caption lines for a gallery, in the spec's words: "rotation
    /// 12.3°", "shift -3.1, 2.2 px" (x then y), "shear 0.12°", "zoom 0.93 x 1.10" (x then y),
    /// "flip", "vflip", "channel shift 20", "brightness 1.10"; ["no change"] for the identity.
    public var captionLines: [String] {
        func n(_ v: Double, _ digits: Int) -> String {
            let s = String(format: "%.\(digits)f", v)
            return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
        }
        var lines = [String]()
        if theta != 0 { lines.append("rotation \(n(theta, 1))°") }
        if tx != 0 || ty != 0 { lines.append("shift \(n(tx, 1)), \(n(ty, 1)) px") }
        if shear != 0 { lines.append("shear \(n(shear, 2))°") }
        if zx != 1 || zy != 1 { lines.append("zoom \(n(zx, 2)) x \(n(zy, 2))") }
        var flips = [String]()
        if flipHorizontal { flips.append("flip") }
        if flipVertical { flips.append("vflip") }
        if !flips.isEmpty { lines.append(flips.joined(separator: ", ")) }
        if let c = channelShift { lines.append("channel shift \(n(c, 1))") }
        if let b = brightness { lines.append("brightness \(n(b, 2))") }
        return lines.isEmpty ? ["no change"] : lines
    }
}
