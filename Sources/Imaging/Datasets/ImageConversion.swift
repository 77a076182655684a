/// How `RasterImage.resized(width:height:interpolation:)` picks output pixels.
public enum Interpolation: String, Sendable, CaseIterable {
    /// PIL's NEAREST, which Keras' `flow_from_directory` uses (the tutorial's): output pixel
    /// (x, y) copies input pixel (floor((x + 0.5) * inW / outW), floor((y + 0.5) * inH / outH)),
    /// the input pixel under the output pixel's centre. Computed in integers, so exact.
    case nearest
    /// Bilinear with half-pixel centres (TensorFlow's `resize(..., 'bilinear')`, OpenCV's
    /// INTER_LINEAR): the output centre maps to s = (x + 0.5) * in / out - 0.5, clamped to
    /// [0, in - 1], and the two nearest input pixels on each axis are mixed by their distance,
    /// rounded to the nearest byte. Unlike PIL's BILINEAR it does not widen its filter when
    /// shrinking, so a large reduction can alias; it is the smooth alternative, not Keras'.
    case bilinear

    /// The spline order SciPy's `affine_transform` calls it (augmentation: 0 or 1).
    public var order: Int { self == .nearest ? 0 : 1 }
    public var name: String { rawValue }
}

extension RasterImage {
    /// The image with `channels` channels (1 gray, 3 RGB), as PIL's `convert` does it:
    ///
    /// - RGB (or RGBA, whose alpha is dropped) to gray is PIL's 'L': the ITU-R 601 luma
    ///   L = R * 299/1000 + G * 587/1000 + B * 114/1000, in PIL's own fixed point
    ///   (R*19595 + G*38470 + B*7471 + 32768) >> 16, so rounded to the nearest level (it
    ///   differs from round((299R + 587G + 114B) / 1000) by one level for 9,040 of the 2^24
    ///   colours, and keeps cnnlearn's gray bytes equal to PIL's);
    /// - gray to RGB copies the gray level into all three channels;
    /// - RGBA to RGB drops alpha (no compositing, as `convert('RGB')`).
    ///
    /// - Precondition: `channels` is 1 or 3.
    public func converted(toChannels target: Int) -> RasterImage {
        precondition(target == 1 || target == 3, "images convert to 1 or 3 channels, not \(target)")
        if target == channels { return self }
        let n = width * height
        var out = [UInt8](repeating: 0, count: n * target)
        let c = channels
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let s = i * c
                    if c == 1 {
                        let v = src[s]
                        dst[3 * i] = v; dst[3 * i + 1] = v; dst[3 * i + 2] = v
                    } else if target == 1 {
                        dst[i] = luma(src[s], src[s + 1], src[s + 2])
                    } else {
                        dst[3 * i] = src[s]; dst[3 * i + 1] = src[s + 1]; dst[3 * i + 2] = src[s + 2]
                    }
                }
            }
        }
        return RasterImage(trusted: width, height, target, out)
    }

    /// The image resized to `width` x `height` (see `Interpolation` for what each mode computes);
    /// the same image when the size already matches.
    /// - Precondition: both sides are positive.
    public func resized(width outW: Int, height outH: Int, interpolation: Interpolation = .nearest) -> RasterImage {
        precondition(outW > 0 && outH > 0, "resize needs positive sides, got \(outW)x\(outH)")
        if outW == width && outH == height { return self }
        switch interpolation {
        case .nearest: return nearest(outW, outH)
        case .bilinear: return bilinear(outW, outH)
        }
    }

    private func nearest(_ outW: Int, _ outH: Int) -> RasterImage {
        let c = channels
        // floor((d + 0.5) * in / out) = floor((2d + 1) * in / (2 * out)), exact in integers;
        // it is at most in - 1 because (2d + 1) < 2 * out.
        let xs = (0..<outW).map { ((2 * $0 + 1) * width) / (2 * outW) }
        let ys = (0..<outH).map { ((2 * $0 + 1) * height) / (2 * outH) }
        var out = [UInt8](repeating: 0, count: outW * outH * c)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var d = 0
                for y in ys {
                    let row = y * width
                    for x in xs {
                        let s = (row + x) * c
                        for k in 0..<c { dst[d + k] = src[s + k] }
                        d += c
                    }
                }
            }
        }
        return RasterImage(trusted: outW, outH, c, out)
    }

    private func bilinear(_ outW: Int, _ outH: Int) -> RasterImage {
        let c = channels
        // Per output column (row): the two input columns (rows) and the weight of the second.
        func taps(_ out: Int, _ inSize: Int) -> [(Int, Int, Double)] {
            (0..<out).map { d in
                let s = min(max((Double(d) + 0.5) * Double(inSize) / Double(out) - 0.5, 0), Double(inSize - 1))
                let lo = Int(s.rounded(.down))
                return (lo, min(lo + 1, inSize - 1), s - Double(lo))
            }
        }
        let xt = taps(outW, width), yt = taps(outH, height)
        var out = [UInt8](repeating: 0, count: outW * outH * c)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var d = 0
                for (y0, y1, fy) in yt {
                    for (x0, x1, fx) in xt {
                        for k in 0..<c {
                            let p00 = Double(src[(y0 * width + x0) * c + k]), p01 = Double(src[(y0 * width + x1) * c + k])
                            let p10 = Double(src[(y1 * width + x0) * c + k]), p11 = Double(src[(y1 * width + x1) * c + k])
                            let top = p00 + (p01 - p00) * fx, bottom = p10 + (p11 - p10) * fx
                            let v = (top + (bottom - top) * fy).rounded()
                            dst[d + k] = UInt8(min(max(v, 0), 255))
                        }
                        d += c
                    }
                }
            }
        }
        return RasterImage(trusted: outW, outH, c, out)
    }

    /// For pixels this file made itself with the right count: no checks to fail.
    init(trusted width: Int, _ height: Int, _ channels: Int, _ pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels)
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// PIL's 'L' conversion of one RGB pixel: the ITU-R 601 weights 0.299, 0.587, 0.114 in 16-bit
/// fixed point (19595 + 38470 + 7471 = 65536), rounded.
@inline(__always)
func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
    let red: Int = Int(r) * 19595
    let green: Int = Int(g) * 38470
    let blue: Int = Int(b) * 7471
    return UInt8(truncatingIfNeeded: (red + green + blue + 0x8000) >> 16)
}
