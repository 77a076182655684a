import CLibPNG
import CPNGRead
import Tensor

/// PNG encoding of 8-bit gray, RGB and RGBA images through libpng's simplified `png_image_*`
/// API (which reports errors as return codes, never by `longjmp` into Swift), and decoding
/// through its full API in C (`CPNGRead`), with the stored values.
///
/// Encoding is deterministic: the same pixels give the same bytes (no time stamp is written).
public enum PNGCodec {
    /// Encodes an image to PNG bytes; `fast` trades a somewhat larger file for quicker
    /// compression (libpng's PNG_IMAGE_FLAG_FAST), still deterministic.
    public static func encode(_ image: RasterImage, fast: Bool = false) throws(ImagingError) -> [UInt8] {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = format(channels: image.channels)
        if fast { png.flags |= png_uint_32(PNG_IMAGE_FLAG_FAST) }
        let stride = Int32(image.width * image.channels)
        var size = 0
        var result = [UInt8]()
        var failed = false
        image.pixels.withUnsafeBytes { src in
            // First call measures, second call writes.
            if png_image_write_to_memory(&png, nil, &size, 0, src.baseAddress, stride, nil) == 0 {
                failed = true
                return
            }
            result = [UInt8](repeating: 0, count: size)
            let ok = result.withUnsafeMutableBytes { dst in
                png_image_write_to_memory(&png, dst.baseAddress, &size, 0, src.baseAddress, stride, nil)
            }
            if ok == 0 { failed = true } else { result.removeSubrange(size...) }
        }
        if failed {
            let message = messageOf(&png)
            png_image_free(&png)
            throw ImagingError(path: "<png>", message: "libpng could not encode the image: \(message)")
        }
        return result
    }

    /// Writes an image as a PNG file, atomically (temporary name, then rename).
    public static func write(_ image: RasterImage, to path: String) throws(ImagingError) {
        let bytes: [UInt8]
        do { bytes = try encode(image) } catch {
            throw ImagingError(path: path, message: error.message)
        }
        try writeFileAtomically(bytes, to: path)
    }

    /// Reads a PNG file as an 8-bit image keeping its channels: gray stays 1 channel, colour
    /// becomes RGB, anything with transparency RGBA; 16-bit samples are scaled to 8 bits
    /// (round(v * 255 / 65535), no gamma transform).
    public static func read(path: String) throws(ImagingError) -> RasterImage {
        try decode(try readFileBytes(path: path), path: path)
    }

    /// Decodes PNG bytes to 8 bits a sample; `path` only names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(ImagingError) -> RasterImage {
        try decodeSamples(bytes, path: path).eightBit(path: path)
    }

    /// Decodes PNG bytes with their stored sample values (8 or 16 bits, no gamma or colour
    /// transform; palettes, tRNS and gray+alpha expanded as in `read`), through libpng's full
    /// API. The header's size is checked against the memory budget before any pixel is decoded.
    public static func decodeSamples(_ bytes: [UInt8], path: String) throws(ImagingError) -> ImageSamples {
        var info = cnn_png_info()
        let header = bytes.withUnsafeBufferPointer { cnn_png_read_header($0.baseAddress, $0.count, &info) }
        guard header == 0 else {
            throw ImagingError(path: path, message: "not a readable PNG: \(message(&info))")
        }
        let (w, h, c) = (Int(info.width), Int(info.height), Int(info.channels))
        try checkImageBudget(width: w, height: h, channels: c, path: path)
        var samples = [UInt16](repeating: 0, count: w * h * c)
        let ok = bytes.withUnsafeBufferPointer { src in
            samples.withUnsafeMutableBufferPointer { dst in
                cnn_png_decode(src.baseAddress, src.count, dst.baseAddress, dst.count, &info)
            }
        }
        guard ok == 0 else {
            throw ImagingError(path: path, message: "corrupt PNG: \(message(&info))")
        }
        return ImageSamples(width: w, height: h, channels: c, bitDepth: Int(info.bitDepth), samples: samples)
    }

    static func message(_ info: inout cnn_png_info) -> String {
        withUnsafeBytes(of: &info.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static func format(channels: Int) -> png_uint_32 {
        switch channels {
        case 1: return png_uint_32(PNG_FORMAT_GRAY)
        case 3: return png_uint_32(PNG_FORMAT_RGB)
        default: return png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        }
    }

    static func messageOf(_ png: inout png_image) -> String {
        withUnsafeBytes(of: &png.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
