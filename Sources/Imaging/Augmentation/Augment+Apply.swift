import Tensor

extension AugmentTransform {
    /// Applies the transform to an image (H,W,C) of Float pixels 0...255, in Keras'
    /// `apply_transform` order: the affine step (skipped when it is the identity, as Keras
    /// skips it), the channel shift, the horizontal flip, the vertical flip, the brightness.
    /// This is what Keras does before `standardize` rescales by 1/255.
    ///
    /// Each channel is resampled on its own, by `AffineMap.resample`. Throws when a parameter
    /// is not finite or out of range (`validate`) or the image is not (H,W,C).
    public func apply(to image: Tensor<Float>, resampling: Resampling = .keras) throws(AugmentError) -> Tensor<Float> {
        try validate()
        guard image.rank == 3, image.shape[0] > 0, image.shape[1] > 0, image.shape[2] > 0 else {
            throw AugmentError("an image to augment is (H,W,C), got \(formatShape(image.shape))")
        }
        let (h, w, c) = (image.shape[0], image.shape[1], image.shape[2])
        var x = image
        if hasAffine { x = AffineMap(self, height: h, width: w).resample(x, resampling) }
        if let s = channelShift { x = Self.channelShifted(x, by: Float(s)) }
        if flipHorizontal || flipVertical {
            var px = [Float](repeating: 0, count: x.count)
            let src = x.scalars
            for i in 0..<h {
                let si = flipVertical ? h - 1 - i : i
                for j in 0..<w {
                    let sj = flipHorizontal ? w - 1 - j : j
                    for k in 0..<c { px[(i * w + j) * c + k] = src[(si * w + sj) * c + k] }
                }
            }
            x = Tensor(shape: x.shape, scalars: px)
        }
        if let b = brightness { x = Self.brightened(x, by: b) }
        return x
    }

    /// Applies the transform to an 8-bit image: its bytes as Float pixels, `apply`, then each
    /// value rounded to the nearest byte and clamped to 0...255.
    public func apply(to image: RasterImage, resampling: Resampling = .keras) throws(AugmentError) -> RasterImage {
        let t = Tensor<Float>(shape: [image.height, image.width, image.channels], scalars: image.pixels.map { Float($0) })
        let out = try apply(to: t, resampling: resampling)
        let bytes = out.scalars.map { v -> UInt8 in v.isNaN ? 0 : UInt8(Swift.min(Swift.max(v, 0), 255).rounded()) }
        do {
            return try RasterImage(width: image.width, height: image.height, channels: image.channels, pixels: bytes)
        } catch {
            throw AugmentError(error.message)
        }
    }

    /// Keras' `apply_channel_shift`: every value plus `s` (in Float, as numpy adds a Python
    /// float to a float32 array), clipped to the image's own minimum and maximum over all
    /// channels, so a shift saturates instead of leaving the range the image had.
    static func channelShifted(_ x: Tensor<Float>, by s: Float) -> Tensor<Float> {
        let low = x.scalars.min() ?? 0, high = x.scalars.max() ?? 0
        return Tensor(shape: x.shape, scalars: x.scalars.map { Swift.min(Swift.max($0 + s, low), high) })
    }

    /// Keras' `apply_brightness_shift(x, b, scale=False)`: the pixels cast to bytes (numpy's
    /// `astype("uint8")` truncates), through PIL's `ImageEnhance.Brightness`, which blends with
    /// black as `(UINT8)(b * v)` in C float, clipping to 255 when b > 1, and back to Float.
    /// An image with values outside 0...255 is first stretched to 0...255 and stretched back
    /// afterwards, as Keras does. PIL keeps an RGBA image's alpha (channel 3 of 4) as it is.
    static func brightened(_ x: Tensor<Float>, by b: Double) -> Tensor<Float> {
        let keepsAlpha = x.rank == 3 && x.shape[2] == 4
        let low = x.scalars.min() ?? 0, high = x.scalars.max() ?? 0
        let stretch = low < 0 || high > 255
        var v = x.scalars
        if stretch {
            v = v.map { $0 - low }
            let top = v.max() ?? 0
            if top != 0 { v = v.map { $0 / top } }
            v = v.map { $0 * 255 }
        }
        let alpha = Float(b)
        let bytes: [Float] = v.enumerated().map { i, p in
            let byte = Float(UInt8(Swift.min(Swift.max(p, 0), 255)))  // truncates, as astype does
            if alpha == 1 || (keepsAlpha && i % 4 == 3) { return byte }
            let t = alpha * byte
            if alpha <= 1 { return Float(UInt8(t)) }
            return t >= 255 ? 255 : Float(UInt8(Swift.max(t, 0)))
        }
        guard stretch else { return Tensor(shape: x.shape, scalars: bytes) }
        return Tensor(shape: x.shape, scalars: bytes.map { $0 / 255 * (high - low) + low })
    }
}
