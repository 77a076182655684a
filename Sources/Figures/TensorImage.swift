import Imaging
import Tensor

/// Raw tensor images (a photo, a feature map, a filter) at native resolution, one pixel per
/// element, written through libpng or embedded in an SVG figure.
public enum TensorImage {
    public enum ColorMap: Sendable { case gray, viridis }

    /// A plane (H,W) scaled linearly from [low, high] (default: its own min and max) to the
    /// colour map; a constant plane maps to the low end. (H,W,3) or (H,W,1) in [0, 1] are
    /// taken as RGB or gray directly.
    public static func raster(_ t: Tensor<Float>, colorMap: ColorMap = .viridis, range: (Float, Float)? = nil) throws(FigureError) -> RasterImage {
        do {
            if t.rank == 3 { return try RasterImage(normalized: t) }
            guard t.rank == 2 else { throw FigureError("a tensor image is (H,W) or (H,W,C), got \(formatShape(t.shape))") }
            let low = range?.0 ?? (t.scalars.min() ?? 0), high = range?.1 ?? (t.scalars.max() ?? 1)
            let span = high > low ? high - low : 1
            var px = [UInt8]()
            px.reserveCapacity(t.count * (colorMap == .gray ? 1 : 3))
            for v in t.scalars {
                let u = Double((v - low) / span)
                switch colorMap {
                case .gray: px.append(UInt8((Swift.min(Swift.max(u, 0), 1) * 255).rounded()))
                case .viridis: let (r, g, b) = Palette.viridis(u); px += [r, g, b]
                }
            }
            return try RasterImage(width: t.shape[1], height: t.shape[0], channels: colorMap == .gray ? 1 : 3, pixels: px)
        } catch let e as ImagingError {
            throw FigureError(e.message)
        } catch let e as FigureError {
            throw e
        } catch {
            throw FigureError("\(error)")
        }
    }

    /// Writes a tensor image as a PNG file (atomically), at native resolution.
    public static func write(_ t: Tensor<Float>, to path: String, colorMap: ColorMap = .viridis) throws(FigureError) {
        let image = try raster(t, colorMap: colorMap)
        do { try PNGCodec.write(image, to: path) } catch { throw FigureError(error.description) }
    }
}
