import Tensor

/// An 8-bit image in memory: `height` rows of `width` pixels of `channels` bytes (1 gray, 3 RGB, 4 RGBA).
///
/// Pixels are row-major and interleaved, the same order as a `Tensor` of shape (H,W,C).
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `height * width * channels` bytes, row-major, channels interleaved.
    public var pixels: [UInt8]

    /// Makes an image from its bytes; the count must be `width * height * channels` and
    /// `channels` one of 1, 3, 4.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws(ImagingError) {
        guard [1, 3, 4].contains(channels) else {
            throw ImagingError(path: "<image>", message: "an image has 1, 3 or 4 channels, not \(channels)")
        }
        guard width > 0, height > 0, pixels.count == width * height * channels else {
            throw ImagingError(path: "<image>", message: "\(width)x\(height)x\(channels) image needs \(max(0, width * height * channels)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The image as exact integers 0...255, shape (H,W,C).
    public var intTensor: Tensor<Int> {
        Tensor(shape: [height, width, channels], scalars: pixels.map { Int($0) })
    }

    /// The image scaled to [0, 1] (each byte divided by 255), shape (H,W,C).
    public var floatTensor: Tensor<Float> {
        Tensor(shape: [height, width, channels], scalars: pixels.map { Float($0) / 255 })
    }

    /// An image from integers 0...255 of shape (H,W) (gray) or (H,W,C) with C in 1, 3, 4.
    /// Throws for another shape or a value outside 0...255.
    public init(_ t: Tensor<Int>) throws(ImagingError) {
        let (h, w, c) = try RasterImage.dimensions(t.shape)
        var bytes = [UInt8]()
        bytes.reserveCapacity(t.count)
        for v in t.scalars {
            guard (0...255).contains(v) else {
                throw ImagingError(path: "<image>", message: "pixel value \(v) is outside 0...255",
                                   hint: "scale the tensor to 0...255 before making an image")
            }
            bytes.append(UInt8(v))
        }
        try self.init(width: w, height: h, channels: c, pixels: bytes)
    }

    /// An image from floats in [0, 1] of shape (H,W) or (H,W,C): each value is clamped to
    /// [0, 1], times 255, rounded to the nearest byte (so the error is at most 0.5/255).
    public init(normalized t: Tensor<Float>) throws(ImagingError) {
        let (h, w, c) = try RasterImage.dimensions(t.shape)
        let bytes = t.scalars.map { v -> UInt8 in
            let x = v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1)
            return UInt8((x * 255).rounded())
        }
        try self.init(width: w, height: h, channels: c, pixels: bytes)
    }

    static func dimensions(_ shape: [Int]) throws(ImagingError) -> (Int, Int, Int) {
        if shape.count == 2 { return (shape[0], shape[1], 1) }
        if shape.count == 3, [1, 3, 4].contains(shape[2]) { return (shape[0], shape[1], shape[2]) }
        throw ImagingError(path: "<image>", message: "an image tensor is (H,W) or (H,W,C) with C = 1, 3 or 4, got \(formatShape(shape))")
    }
}

/// Reads a PNG or JPEG file, chosen by its first bytes (not its name).
public func readImage(path: String) throws(ImagingError) -> RasterImage {
    try decodeImage(try readFileBytes(path: path), path: path)
}

/// Decodes PNG or JPEG bytes, chosen by their first bytes; `path` only names the source in errors.
public func decodeImage(_ bytes: [UInt8], path: String) throws(ImagingError) -> RasterImage {
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNGCodec.decode(bytes, path: path) }
    if bytes.starts(with: [0xFF, 0xD8]) { return try JPEGCodec.decode(bytes, path: path) }
    throw ImagingError(path: path, message: "not a PNG or JPEG file", hint: "cnnlearn reads .png and .jpg images")
}

/// The memory budget (`MemoryBudget`) for a decoded image, checked from its header before
/// any pixel is decoded: a 69-byte PNG may claim 60000x60000 pixels. An image is counted as
/// the exact Int tensor a lesson's `load` makes of it (8 bytes a sample).
func checkImageBudget(width: Int, height: Int, channels: Int, path: String) throws(ImagingError) {
    do { _ = try ShapeCheck.budgeted([height, width, channels], Int.self, "the decoded image") } catch {
        throw ImagingError(path: path, message: "\(error)", hint: MemoryBudget.hint)
    }
}

/// An image's samples as stored in its file: 8 or 16 bits each (16 only from PNG), shape
/// (H,W,C) with C = 1, 3 or 4.
public struct ImageSamples: Sendable, Equatable {
    public let width, height, channels, bitDepth: Int
    public let samples: [UInt16]

    /// The samples as exact Ints (0...255, or 0...65535 for 16-bit), shape (H,W,C).
    public var intTensor: Tensor<Int> {
        Tensor(shape: [height, width, channels], scalars: samples.map { Int($0) })
    }

    /// The image at 8 bits a sample; 16-bit samples are scaled by 255/65535 and rounded (no
    /// gamma transform).
    func eightBit(path: String) throws(ImagingError) -> RasterImage {
        let pixels = bitDepth == 16 ? samples.map { UInt8((UInt32($0) * 255 + 32767) / 65535) } : samples.map { UInt8(truncatingIfNeeded: $0) }
        do { return try RasterImage(width: width, height: height, channels: channels, pixels: pixels) } catch {
            throw ImagingError(path: path, message: error.message)
        }
    }
}

/// Reads a PNG or JPEG file with its stored sample values (16-bit PNGs keep 0...65535).
public func readImageSamples(path: String) throws(ImagingError) -> ImageSamples {
    let bytes = try readFileBytes(path: path)
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNGCodec.decodeSamples(bytes, path: path) }
    let image = try decodeImage(bytes, path: path)
    return ImageSamples(width: image.width, height: image.height, channels: image.channels, bitDepth: 8,
                        samples: image.pixels.map { UInt16($0) })
}
