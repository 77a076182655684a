import CLibJPEG

/// JPEG decoding and encoding of 8-bit gray and RGB images through libjpeg-turbo's TurboJPEG API.
///
/// TurboJPEG returns error codes (libjpeg's default handler would call `exit()`), so a corrupt
/// or cut-off file is an `ImagingError` naming the path. Warnings, such as "premature end of
/// data segment" for a truncated file, count as errors too: the picture would be incomplete.
public enum JPEGCodec {
    /// Decodes JPEG bytes to gray (1 channel) for a grayscale JPEG, RGB (3 channels) otherwise.
    public static func decode(_ bytes: [UInt8], path: String) throws(ImagingError) -> RasterImage {
        guard let handle = tjInitDecompress() else {
            throw ImagingError(path: path, message: "libjpeg-turbo could not start a decoder")
        }
        defer { tjDestroy(handle) }
        var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &w, &h, &subsampling, &colorspace)
        }
        if header != 0, errorText(handle).contains("subsampling"), let frame = JPEGFrame(bytes) {
            // TurboJPEG 2.x's header call refuses sampling factors it has no TJSAMP constant for
            // (4:4:1, i.e. luma 1x4, and other legal ones), though its decoder (libjpeg's)
            // reads them: take the size and colour space from the frame header instead.
            (w, h) = (Int32(frame.width), Int32(frame.height))
            switch frame.components {
            case 1: colorspace = Int32(TJCS_GRAY.rawValue)
            case 3: colorspace = Int32(frame.adobeTransform == 0 ? TJCS_RGB.rawValue : TJCS_YCbCr.rawValue)
            case 4: colorspace = Int32(frame.adobeTransform == 2 ? TJCS_YCCK.rawValue : TJCS_CMYK.rawValue)
            default:
                throw ImagingError(path: path, message: "a JPEG with \(frame.components) colour components, which cnnlearn does not read (it reads grey, RGB and YCbCr)")
            }
        } else {
            guard header == 0, w > 0, h > 0 else {
                throw ImagingError(path: path, message: "not a readable JPEG (corrupt or cut off): \(errorText(handle))",
                                   hint: "the file may be incomplete; download or export it again")
            }
        }
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            let name = colorspace == Int32(TJCS_CMYK.rawValue) ? "CMYK" : "YCCK (Adobe CMYK)"
            throw ImagingError(path: path, message: "a \(name) JPEG (print colours), which cnnlearn does not convert",
                               hint: "convert it to RGB first, e.g. `convert in.jpg -colorspace sRGB out.jpg`")
        }
        let gray = colorspace == Int32(TJCS_GRAY.rawValue)
        let channels = gray ? 1 : 3
        try checkImageBudget(width: Int(w), height: Int(h), channels: channels, path: path)
        let pixelFormat = gray ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue)
        var pixels = [UInt8](repeating: 0, count: Int(w) * Int(h) * channels)
        let status = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), dst.baseAddress, w, 0, h,
                              pixelFormat, TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS)
            }
        }
        guard status == 0 else {
            let text = errorText(handle)
            if text.contains("scans") {
                throw ImagingError(path: path, message: "a progressive JPEG with too many scans (\(text)); refused, as decoding it would take minutes")
            }
            throw ImagingError(path: path, message: "corrupt or cut-off JPEG: \(text)",
                               hint: "the file may be incomplete; download or export it again")
        }
        do {
            return try RasterImage(width: Int(w), height: Int(h), channels: channels, pixels: pixels)
        } catch {
            throw ImagingError(path: path, message: error.message)
        }
    }

    /// Reads a JPEG file.
    public static func read(path: String) throws(ImagingError) -> RasterImage {
        try decode(try readFileBytes(path: path), path: path)
    }

    /// Encodes a gray or RGB image at `quality` (1...100) with 4:4:4 chroma (no subsampling).
    /// JPEG is lossy: at quality 95 a smooth image decodes within a few levels of the original.
    public static func encode(_ image: RasterImage, quality: Int = 95) throws(ImagingError) -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw ImagingError(path: "<jpeg>", message: "JPEG stores gray or RGB images, not \(image.channels) channels")
        }
        guard (1...100).contains(quality) else {
            throw ImagingError(path: "<jpeg>", message: "JPEG quality must be 1...100, got \(quality)")
        }
        guard let handle = tjInitCompress() else {
            throw ImagingError(path: "<jpeg>", message: "libjpeg-turbo could not start an encoder")
        }
        defer { tjDestroy(handle) }
        let gray = image.channels == 1
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height),
                        gray ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue), &out, &size,
                        gray ? Int32(TJSAMP_GRAY.rawValue) : Int32(TJSAMP_444.rawValue),
                        Int32(quality), TJFLAG_ACCURATEDCT)
        }
        defer { if let out { tjFree(out) } }
        guard status == 0, let out else {
            throw ImagingError(path: "<jpeg>", message: "libjpeg-turbo could not encode: \(errorText(handle))")
        }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    /// Writes a JPEG file atomically.
    public static func write(_ image: RasterImage, to path: String, quality: Int = 95) throws(ImagingError) {
        let bytes: [UInt8]
        do { bytes = try encode(image, quality: quality) } catch {
            throw ImagingError(path: path, message: error.message)
        }
        try writeFileAtomically(bytes, to: path)
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let c = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: c)
    }
}

/// What a JPEG's frame header (SOF0-SOF15) and Adobe marker (APP14) say, read from the bytes
/// up to the first scan; nil when there is no frame header before it (or the markers are cut).
struct JPEGFrame {
    var width = 0, height = 0, components = 0
    /// The Adobe marker's colour transform: 0 none (RGB or CMYK), 1 YCbCr, 2 YCCK; nil if absent.
    var adobeTransform: Int?

    init?(_ b: [UInt8]) {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        var found = false
        while i + 3 < b.count {
            guard b[i] == 0xFF else { return nil }
            let m = b[i + 1]
            if m == 0xFF { i += 1; continue }                       // fill byte
            if m == 0x01 || (0xD0...0xD7).contains(m) { i += 2; continue }  // no length
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { return nil }
            let body = i + 4
            if (0xC0...0xCF).contains(m), m != 0xC4, m != 0xC8, m != 0xCC, length >= 8 {
                height = Int(b[body + 1]) << 8 | Int(b[body + 2])
                width = Int(b[body + 3]) << 8 | Int(b[body + 4])
                components = Int(b[body + 5])
                found = true
            } else if m == 0xEE, length >= 14, Array(b[body..<body + 5]) == Array("Adobe".utf8) {
                adobeTransform = Int(b[body + 11])
            } else if m == 0xDA || m == 0xD9 {
                break
            }
            i += 2 + length
        }
        guard found, width > 0, height > 0 else { return nil }
    }
}
