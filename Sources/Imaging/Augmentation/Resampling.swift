import Tensor

/// What the affine step reads outside the image: Keras' `fill_mode`, which it passes to
/// scipy.ndimage.affine_transform unchanged as `mode`, so each case has scipy's meaning.
///
/// Careful with names: scipy's (and so Keras') `reflect` is the half-sample mirror
/// `d c b a | a b c d | d c b a` that repeats the edge pixel, and scipy's `wrap` has period
/// n - 1 (the first and last pixel overlap), not n; scipy calls the other conventions
/// `mirror` and `grid-wrap`, and Keras does not offer them.
public enum FillMode: String, Sendable, CaseIterable {
    /// Replicate the edge pixel: `a a a | a b c d | d d d`.
    case nearest
    /// `cval` everywhere a coordinate falls outside [0, n - 1]; no interpolation past the edge.
    case constant
    /// scipy's `reflect`, about the outer edge of the edge pixel.
    case reflect
    /// scipy's `wrap`.
    case wrap
}


// The affine step samples with `Interpolation` (Datasets/ImageConversion.swift): `.nearest` is
// SciPy's order 0, `.bilinear` its order 1 (`Interpolation.order`).

/// How the affine step samples: the fill mode, the constant for `.constant`, the order.
public struct Resampling: Sendable, Equatable {
    public var fill: FillMode
    public var cval: Double
    public var order: Interpolation

    public init(fill: FillMode = .nearest, cval: Double = 0, order: Interpolation = .bilinear) {
        self.fill = fill; self.cval = cval; self.order = order
    }

    /// Keras' defaults: nearest fill, cval 0, bilinear.
    public static let keras = Resampling()
}

extension AffineMap {
    /// Resamples each channel of `image` (H,W,C), Float pixels 0...255, through the map,
    /// exactly as scipy.ndimage.affine_transform does for order 0 and 1 (no spline prefilter at
    /// these orders): coordinates and weights in Double, a coordinate outside [0, n - 1] first
    /// moved by scipy's `map_coordinate` for the mode, its neighbours past the edge taken as
    /// `neighbour` says, each output rounded to Float once. Against Keras 3.15.1 / scipy 1.17.1
    /// every fixture agrees to the bit (AugmentationKerasTests).
    ///
    /// Nearest picks floor(c + 0.5); bilinear weighs floor(c) by w0 = 1 - frac and the next by
    /// 1 - w0, summed row-neighbour-major as scipy sums them.
    public func resample(_ image: Tensor<Float>, _ r: Resampling) -> Tensor<Float> {
        precondition(image.rank == 3, "resample takes an image (H,W,C), got \(formatShape(image.shape))")
        let (h, w, c) = (image.shape[0], image.shape[1], image.shape[2])
        let src = image.scalars
        var out = [Float](repeating: 0, count: src.count)
        let m = matrix, o = offset
        let cval = r.cval
        // One axis' neighbours and weights for a coordinate: nil = constant fill.
        func taps(_ x: Double, _ n: Int) -> (i0: Int, i1: Int, w0: Double, w1: Double)? {
            // A non-finite coordinate (only from a hand-built map) reads as the constant.
            guard x.isFinite, let cc = Self.mapCoordinate(x, n, r.fill) else { return nil }
            if r.order == .nearest {
                return (Self.neighbour(Int((cc + 0.5).rounded(.down)), n, r.fill), 0, 1, 0)
            }
            let f = cc.rounded(.down)
            let start = Int(f)
            let w0 = 1 - (cc - f)
            return (Self.neighbour(start, n, r.fill), Self.neighbour(start + 1, n, r.fill), w0, 1 - w0)
        }
        for i in 0..<h {
            for j in 0..<w {
                // The offset first, then each term: the order scipy 1.17 sums in (with the
                // offset last, a -90 degree rotation lands 4e-15 inside the edge, not outside).
                var y = o[0], x = o[1]
                y += Double(i) * m[0]; y += Double(j) * m[1]
                x += Double(i) * m[2]; x += Double(j) * m[3]
                let base = (i * w + j) * c
                guard let ry = taps(y, h), let rx = taps(x, w) else {
                    for k in 0..<c { out[base + k] = Float(cval) }
                    continue
                }
                for k in 0..<c {
                    if r.order == .nearest {
                        out[base + k] = src[(ry.i0 * w + rx.i0) * c + k]
                        continue
                    }
                    var t = 0.0
                    t += Double(src[(ry.i0 * w + rx.i0) * c + k]) * ry.w0 * rx.w0
                    t += Double(src[(ry.i0 * w + rx.i1) * c + k]) * ry.w0 * rx.w1
                    t += Double(src[(ry.i1 * w + rx.i0) * c + k]) * ry.w1 * rx.w0
                    t += Double(src[(ry.i1 * w + rx.i1) * c + k]) * ry.w1 * rx.w1
                    out[base + k] = Float(t)
                }
            }
        }
        return Tensor(shape: image.shape, scalars: out)
    }

    /// scipy's `map_coordinate`: a coordinate outside [0, n - 1] moved back per mode, or nil
    /// for `constant` (the pixel is `cval`). The integer steps truncate toward zero as C's
    /// casts do. `reflect` can give exactly -1 (a coordinate a hair below 0); scipy 1.17 reads
    /// that as a coordinate, not as the constant marker, and so does this.
    static func mapCoordinate(_ x: Double, _ n: Int, _ mode: FillMode) -> Double? {
        var x = x
        let last = Double(n - 1)
        if x < 0 {
            switch mode {
            case .nearest: return 0
            case .constant: return nil
            case .reflect:
                if n <= 1 { return 0 }
                let sz2 = Double(2 * n)
                if x < -sz2 { x = sz2 * (-x / sz2).rounded(.towardZero) + x }
                return x < -Double(n) ? x + sz2 : -x - 1
            case .wrap:
                if n <= 1 { return 0 }
                let sz = Double(n - 1)
                return x + sz * ((-x / sz).rounded(.towardZero) + 1)
            }
        } else if x > last {
            switch mode {
            case .nearest: return last
            case .constant: return nil
            case .reflect:
                if n <= 1 { return 0 }
                let sz2 = Double(2 * n)
                x -= sz2 * (x / sz2).rounded(.towardZero)
                return x >= Double(n) ? sz2 - x - 1 : x
            case .wrap:
                if n <= 1 { return 0 }
                let sz = Double(n - 1)
                return x - sz * (x / sz).rounded(.towardZero)
            }
        }
        return x
    }

    /// scipy's neighbour index past an edge. After `mapCoordinate` only `reflect` leaves a
    /// coordinate in (-1, 0) or (n - 1, n), whose outer neighbour scipy takes by the same
    /// half-sample reflection (index -1 is 0, index n is n - 1); for the other modes the
    /// neighbour past the edge has weight 0 and scipy mirrors it about the edge pixel.
    static func neighbour(_ i: Int, _ n: Int, _ mode: FillMode) -> Int {
        if n <= 1 { return 0 }
        if mode == .reflect {
            let s2 = 2 * n
            var idx = i
            if idx < 0 { idx = -idx - 1 }
            idx %= s2
            return idx >= n ? s2 - 1 - idx : idx
        }
        let s2 = 2 * n - 2
        var idx = i
        if idx < 0 {
            idx = s2 * (-idx / s2) + idx
            idx = idx <= 1 - n ? idx + s2 : -idx
        } else if idx >= n {
            idx -= s2 * (idx / s2)
            if idx >= n { idx = s2 - idx }
        }
        return idx
    }
}
