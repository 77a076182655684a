import CZlib
import Tensor

/// The idx format of MNIST and Fashion-MNIST, read through zlib (plain or gzip-compressed).
///
/// Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only type these datasets
/// use), the number of dimensions D, then D big-endian 32-bit sizes, then the data row-major.
public enum IDXFile {
    /// The parsed header: element type code and shape.
    public struct Header: Sendable, Equatable {
        public let typeCode: UInt8
        public let shape: [Int]
        /// Bytes taken by the header: 4 + 4 * D.
        public var byteCount: Int { 4 + 4 * shape.count }
    }

    /// Parses the header at the start of `bytes`.
    public static func header(_ bytes: [UInt8], path: String) throws(ImagingError) -> Header {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw ImagingError(path: path, message: "not an idx file (it must start with two zero bytes)")
        }
        let type = bytes[2]
        guard type == 0x08 else {
            throw ImagingError(path: path, message: String(format: "idx element type 0x%02X is not supported (only 0x08, unsigned byte)", type))
        }
        let d = Int(bytes[3])
        guard d >= 1, bytes.count >= 4 + 4 * d else {
            throw ImagingError(path: path, message: "idx header is cut off: \(d) dimensions need \(4 + 4 * d) bytes")
        }
        var shape = [Int]()
        for i in 0..<d {
            let o = 4 + 4 * i
            shape.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        // The one shape check where a shape enters from a file header.
        do { _ = try ShapeCheck.budgeted(shape, bytesPerElement: 1, "the idx data") } catch {
            throw ImagingError(path: path, message: "\(error)", hint: MemoryBudget.hint)
        }
        return Header(typeCode: type, shape: shape)
    }

    /// Reads an idx or idx.gz file of unsigned bytes as exact integers 0...255 with the file's shape.
    public static func read(path: String) throws(ImagingError) -> Tensor<Int> {
        let (shape, data) = try readBytes(path: path)
        do { _ = try ShapeCheck.budgeted(shape, Int.self, "the idx data as Ints") } catch {
            throw ImagingError(path: path, message: "\(error)", hint: MemoryBudget.hint)
        }
        return Tensor(shape: shape, scalars: data.map { Int($0) })
    }

    /// Reads an idx or idx.gz file of unsigned bytes as the file's shape and its data bytes,
    /// row-major; a byte each, where `read(path:)` spends an Int (8 bytes) per value.
    public static func readBytes(path: String) throws(ImagingError) -> (shape: [Int], bytes: [UInt8]) {
        let bytes = try inflate(path: path)
        let h = try header(bytes, path: path)
        let count = h.shape.reduce(1, *)  // checked by `header`
        guard bytes.count == h.byteCount + count else {
            throw ImagingError(path: path, message: "idx data has \(bytes.count - h.byteCount) bytes, the header \(formatShape(h.shape)) needs \(count)")
        }
        return (h.shape, Array(bytes[h.byteCount...]))
    }

    /// The whole file through zlib's gz reader, which also passes uncompressed files through.
    static func inflate(path: String) throws(ImagingError) -> [UInt8] {
        _ = try readFileBytes(path: path).count  // a clear error for a missing file
        guard let gz = gzopen(path, "rb") else {
            throw ImagingError(path: path, message: "cannot open the file")
        }
        defer { gzclose(gz) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(gz, &code).map { String(cString: $0) } ?? "unknown error"
                throw ImagingError(path: path, message: "corrupt gzip data: \(message)")
            }
            if n == 0 { break }
            // A cell's time limit or Ctrl-C stops a long read (the interpreter says why).
            if let reason = WorkLimit.stopReason { throw ImagingError(path: path, message: "stopped: \(reason)") }
            out.append(contentsOf: chunk[0..<Int(n)])
            // A gzip bomb stops at the memory budget, not at the machine's memory.
            if out.count > MemoryBudget.bytes {
                throw ImagingError(path: path, message: "the file inflates to more than the memory budget of \(MemoryBudget.describe(Double(MemoryBudget.bytes)))", hint: MemoryBudget.hint)
            }
        }
        return out
    }
}
