import Tensor

/// A source file a dataset was read from: its path relative to the data folder and its size.
public struct SourceFile: Sendable, Equatable, Hashable {
    /// Relative to the folder the user named, `/`-separated: `train/cats/cat.54.jpg`.
    public let path: String
    /// Bytes on disk.
    public let size: Int

    public init(path: String, size: Int) {
        self.path = path
        self.size = size
    }
}

/// Labeled images of one size kept as bytes: pixels (N,H,W,C) as UInt8, labels 0..<K, the K
/// class names and the files they came from.
///
/// Memory: the bytes are held once, N*H*W*C of them (2000 images at 150x150x3 are 135 MB);
/// Float exists only for the batch being made (`batch(_:)`), never for the whole set.
public struct LabeledImages: Dataset {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// N*H*W*C bytes: image i's (H,W,C) pixels, row-major and channels-last, start at i*H*W*C.
    public let pixels: [UInt8]
    /// Image i's class, 0..<classNames.count.
    public let labels: [Int]
    /// Label k's name: `cats`, `T-shirt/top`.
    public let classNames: [String]
    /// What the set was read from: for image folders one file per image, in image order; for
    /// Fashion-MNIST the idx files. `dataHash` summarises them.
    public let files: [SourceFile]

    /// The keras `ImageDataGenerator(rescale=1./255)` factor: the Double 1/255 rounded to Float,
    /// as numpy multiplies a float32 array by a Python float. Each pixel becomes Float(byte) * rescale.
    public static let rescale = Float(1.0 / 255.0)

    /// A set from its parts; throws when the byte count is not N*H*W*C or a label is out of range.
    public init(height: Int, width: Int, channels: Int, pixels: [UInt8], labels: [Int], classNames: [String],
                files: [SourceFile]) throws(ImagingError) {
        guard height > 0, width > 0, [1, 3].contains(channels) else {
            throw ImagingError(path: "<dataset>", message: "images must be HxWx1 or HxWx3 with positive sides, got \(height)x\(width)x\(channels)")
        }
        guard pixels.count == labels.count * height * width * channels else {
            throw ImagingError(path: "<dataset>", message: "\(labels.count) images of \(height)x\(width)x\(channels) need \(labels.count * height * width * channels) bytes, got \(pixels.count)")
        }
        if let bad = labels.first(where: { !(0..<classNames.count).contains($0) }) {
            throw ImagingError(path: "<dataset>", message: "label \(bad) is not one of the \(classNames.count) classes")
        }
        self.height = height; self.width = width; self.channels = channels
        self.pixels = pixels; self.labels = labels; self.classNames = classNames; self.files = files
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// One image's shape (H,W,C).
    public var imageShape: [Int] { [height, width, channels] }
    /// H*W*C.
    public var bytesPerImage: Int { height * width * channels }
    /// Images per class, by label.
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: classNames.count)
        for l in labels { c[l] += 1 }
        return c
    }
    /// Columns of a label row: 1 (0 or 1, for a sigmoid output) with two classes, else K (one-hot).
    public var labelWidth: Int { classNames.count <= 2 ? 1 : classNames.count }
    /// The FNV-1a hash of `files` (see `dataHash(of:)`), for a run's record of its data.
    public var dataHash: UInt64 { Imaging.dataHash(of: files) }

    /// Image i as a raster.
    public func image(at i: Int) -> RasterImage {
        let n = bytesPerImage
        // The shape was checked when the set was made, so this cannot fail.
        guard let img = try? RasterImage(width: width, height: height, channels: channels,
                                         pixels: Array(pixels[(i * n)..<((i + 1) * n)])) else {
            preconditionFailure("image \(i) of a \(formatShape(imageShape)) set has the wrong byte count")
        }
        return img
    }

    /// Images `indices` as x (N,H,W,C), each byte times `rescale`, and y (N,1) holding the class
    /// (two classes) or (N,K) one-hot (more).
    public func batch(_ indices: [Int]) -> Batch {
        let n = bytesPerImage
        let table = (0...255).map { Float($0) * Self.rescale }
        var x = [Float](repeating: 0, count: indices.count * n)
        x.withUnsafeMutableBufferPointer { dst in
            pixels.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { t in
                    for (row, i) in indices.enumerated() {
                        precondition(i >= 0 && i < count, "image \(i) is outside a set of \(count)")
                        let s = i * n, d = row * n
                        for k in 0..<n { dst[d + k] = t[Int(src[s + k])] }
                    }
                }
            }
        }
        let k = labelWidth
        var y = [Float](repeating: 0, count: indices.count * k)
        for (row, i) in indices.enumerated() {
            if k == 1 { y[row] = Float(labels[i]) } else { y[row * k + labels[i]] = 1 }
        }
        return Batch(x: Tensor(shape: [indices.count, height, width, channels], scalars: x),
                     y: Tensor(shape: [indices.count, k], scalars: y), indices: indices)
    }

    /// The images `indices`, in that order, as a set of their own (files follow when there is
    /// one per image).
    public func subset(_ indices: [Int]) -> LabeledImages {
        let n = bytesPerImage
        var px = [UInt8]()
        px.reserveCapacity(indices.count * n)
        for i in indices { px.append(contentsOf: pixels[(i * n)..<((i + 1) * n)]) }
        let perImage = files.count == count
        // The parts come from a valid set, so the checks cannot fail.
        guard let s = try? LabeledImages(height: height, width: width, channels: channels, pixels: px,
                                         labels: indices.map { labels[$0] }, classNames: classNames,
                                         files: perImage ? indices.map { files[$0] } : files) else {
            preconditionFailure("a subset of a valid set is valid")
        }
        return s
    }
}

/// 64-bit FNV-1a (Fowler, Noll, Vo) of bytes: offset basis 0xcbf29ce484222325, prime
/// 0x100000001b3; each byte is xor-ed in, then the hash is multiplied (wrapping).
public func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    return h
}

/// The hash a run records for its data: FNV-1a 64 over the files sorted by path (byte order of
/// their UTF-8), each contributing the text `path`, a NUL byte, its size in decimal and a
/// newline. Renaming, adding, removing or resizing a file changes it; the order files were
/// listed in does not. It is a fingerprint for noticing changed data, not a checksum of contents.
public func dataHash(of files: [SourceFile]) -> UInt64 {
    let sorted = files.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    var bytes = [UInt8]()
    for f in sorted {
        bytes += Array(f.path.utf8)
        bytes.append(0)
        bytes += Array(String(f.size).utf8)
        bytes.append(0x0A)
    }
    return fnv1a64(bytes)
}
