import CRSVG
import Imaging

/// Rasterizes SVG text to pixels with librsvg and cairo (text through pango and fontconfig,
/// so "DejaVu Sans" comes from Debian's fonts-dejavu-core).
public enum Rasterizer {
    /// Renders `svg` onto a white `width` x `height` pixel canvas (the document's own size
    /// times `scale`) and returns an RGB image.
    ///
    /// cairo's ARGB32 pixels are premultiplied by alpha; they are unpremultiplied (rounding to
    /// the nearest byte) before the alpha channel is dropped, which is exact for an opaque canvas.
    public static func rasterize(svg: String, width: Double, height: Double, scale: Double = 1) throws(FigureError) -> RasterImage {
        let w = Int((width * scale).rounded()), h = Int((height * scale).rounded())
        guard w > 0, h > 0 else { throw FigureError("cannot rasterize an SVG of size \(w)x\(h)") }
        var gerror: UnsafeMutablePointer<GError>? = nil
        let bytes = Array(svg.utf8)
        let handle = bytes.withUnsafeBufferPointer { rsvg_handle_new_from_data($0.baseAddress, gsize($0.count), &gerror) }
        guard let handle else {
            throw FigureError("librsvg could not read the SVG: \(takeMessage(&gerror))")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(handle)) }
        rsvg_handle_set_dpi(handle, 96)

        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)) else {
            throw FigureError("cairo could not make a \(w)x\(h) surface")
        }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw FigureError("cairo could not start drawing") }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        var viewport = RsvgRectangle(x: 0, y: 0, width: Double(w), height: Double(h))
        let ok = rsvg_handle_render_document(handle, cr, &viewport, &gerror)
        cairo_destroy(cr)
        guard ok != 0 else { throw FigureError("librsvg could not draw the SVG: \(takeMessage(&gerror))") }
        cairo_surface_flush(surface)

        guard let data = cairo_image_surface_get_data(surface) else { throw FigureError("cairo gave no pixels") }
        let stride = Int(cairo_image_surface_get_stride(surface))
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            for y in 0..<h {
                // ARGB32 is a native-endian 32-bit word: on little-endian machines B, G, R, A.
                let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                var o = 3 * y * w
                for x in 0..<w {
                    let p = row[x]
                    let a = p >> 24, r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255
                    if a == 255 {
                        out[o] = UInt8(truncatingIfNeeded: r); out[o + 1] = UInt8(truncatingIfNeeded: g); out[o + 2] = UInt8(truncatingIfNeeded: b)
                    } else if a > 0 {
                        out[o] = UInt8(Swift.min(255, (r * 255 + a / 2) / a))
                        out[o + 1] = UInt8(Swift.min(255, (g * 255 + a / 2) / a))
                        out[o + 2] = UInt8(Swift.min(255, (b * 255 + a / 2) / a))
                    }
                    o += 3
                }
            }
        }
        do {
            return try RasterImage(width: w, height: h, channels: 3, pixels: rgb)
        } catch {
            throw FigureError(error.message)
        }
    }

    private static func takeMessage(_ e: inout UnsafeMutablePointer<GError>?) -> String {
        guard let err = e else { return "unknown error" }
        let message = err.pointee.message.map { String(cString: $0) } ?? "unknown error"
        g_error_free(err)
        e = nil
        return message
    }
}

/// A raw tensor image as PNG bytes in a base64 `data:` URI, for embedding in SVG at native
/// resolution (one pixel per element).
public func pngDataURI(_ image: RasterImage) throws(FigureError) -> String {
    do {
        return "data:image/png;base64," + base64(try PNGCodec.encode(image))
    } catch {
        throw FigureError(error.message)
    }
}

/// Standard base64 (RFC 4648) with padding.
public func base64(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var out = ""
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
        let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
        out.append(table[b0 >> 2])
        out.append(table[((b0 & 3) << 4) | (b1 >> 4)])
        out.append(i + 1 < bytes.count ? table[((b1 & 15) << 2) | (b2 >> 6)] : "=")
        out.append(i + 2 < bytes.count ? table[b2 & 63] : "=")
        i += 3
    }
    return out
}
