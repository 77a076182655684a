import Foundation

/// An array read from or written to a numpy `.npy` file.
///
/// Reading maps float32/float64 to `.float` (float64 rounded to Float), int32/int64/uint8 to
/// `.int`, and bool to `.bool` (0/1). Writing stores `.float` as `<f4`, `.int` as `<i8` and
/// `.bool` as `|b1`.
public enum NPYArray: Sendable, Equatable {
    case int(Tensor<Int>)
    case float(Tensor<Float>)
    case bool(Tensor<Int>)

    public var shape: [Int] {
        switch self {
        case .int(let t), .bool(let t): return t.shape
        case .float(let t): return t.shape
        }
    }
}

/// A `.npy` file that cannot be read or written, with its path and what was wrong.
public struct NPYError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

/// numpy's `.npy` format, versions 1.0, 2.0 and 3.0 (header length in 2 or 4 bytes; 3.0's
/// header is UTF-8), C or Fortran order.
///
/// Element types: every number and bool type `np.save` writes (float16/32/64, int8-64,
/// uint8-64, bool), little- or big-endian. float64 values outside Float's range and uint64
/// values above Int.max are errors, not silent infinities or wraps. Anything else is an
/// `NPYError` naming the path.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Reads a `.npy` file.
    public static func read(path: String) throws -> NPYArray {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NPYError(path: path, message: "cannot read the file (missing or unreadable)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes the bytes of a `.npy` file; `path` only names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> NPYArray {
        func fail(_ m: String) -> NPYError { NPYError(path: path, message: m) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported .npy version \(major).\(bytes[7]) (1.0, 2.0 and 3.0 are supported)")
        }
        guard bytes.count >= headerStart + headerLength,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("truncated header")
        }
        let h = try NPYHeader(parsing: header, path: path)
        let count = h.count
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart >= count * h.itemSize else {
            throw fail("data is truncated: shape \(formatShape(h.shape)) of \(h.descr) needs \(count * h.itemSize) bytes, found \(bytes.count - dataStart)")
        }
        func word(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            let base = dataStart + i * h.itemSize
            for b in 0..<h.itemSize {
                let byte = UInt64(bytes[base + (h.bigEndian ? h.itemSize - 1 - b : b)])
                v |= byte << (8 * UInt64(b))
            }
            return v
        }
        // A Fortran-ordered array (numpy writes one for a transposed array) is the C-ordered
        // array of the reversed shape, transposed back.
        let stored = h.fortranOrder ? Array(h.shape.reversed()) : h.shape
        func arranged<S: TensorScalar>(_ values: [S]) throws -> Tensor<S> {
            let t = Tensor(shape: stored, scalars: values)
            guard h.fortranOrder, h.shape.count > 1 else { return t }
            return try t.permuted(Array((0..<h.shape.count).reversed()))
        }
        switch h.kind {
        case "f":
            var values = [Float]()
            values.reserveCapacity(count)
            for i in 0..<count {
                let w = word(i)
                let v: Float
                switch h.itemSize {
                case 2: v = Float(Float16(bitPattern: UInt16(w)))
                case 4: v = Float(bitPattern: UInt32(w))
                default:
                    let d = Double(bitPattern: w)
                    guard !d.isFinite || abs(d) <= Double(Float.greatestFiniteMagnitude) else {
                        throw fail("element \(i) is \(d), outside Float's range (about 3.4e38); the engine computes in 32-bit floats")
                    }
                    v = Float(d)
                }
                values.append(v)
            }
            return .float(try arranged(values))
        case "i":
            let bits = UInt64(h.itemSize * 8)
            let values = (0..<count).map { i -> Int in
                let w = word(i)
                // Sign-extend from the item's width.
                return bits == 64 ? Int(Int64(bitPattern: w)) : Int(Int64(bitPattern: w << (64 - bits)) >> (64 - bits))
            }
            return .int(try arranged(values))
        case "u":
            var values = [Int]()
            values.reserveCapacity(count)
            for i in 0..<count {
                let w = word(i)
                guard w <= UInt64(Int.max) else { throw fail("element \(i) is \(w), larger than the largest Int (\(Int.max))") }
                values.append(Int(w))
            }
            return .int(try arranged(values))
        default:
            let values = try (0..<count).map { i throws -> Int in
                let v = word(i)
                guard v <= 1 else { throw fail("bool element \(i) has byte value \(v), expected 0 or 1") }
                return Int(v)
            }
            return .bool(try arranged(values))
        }
    }

    /// Writes `array` as a version 1.0 `.npy` file (2.0 if the header needs it), atomically
    /// (`AtomicFile`).
    public static func write(_ array: NPYArray, path: String) throws {
        let bytes = try encode(array, path: path)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw NPYError(path: path, message: "cannot write the file: \(error.reason)")
        }
    }

    /// The bytes of a `.npy` file holding `array`; `path` only names the file in errors.
    public static func encode(_ array: NPYArray, path: String) throws -> [UInt8] {
        var payload = [UInt8]()
        let descr: String
        switch array {
        case .float(let t):
            descr = "<f4"
            payload.reserveCapacity(t.count * 4)
            for v in t.scalars { appendLittleEndian(UInt64(v.bitPattern), bytes: 4, to: &payload) }
        case .int(let t):
            descr = "<i8"
            payload.reserveCapacity(t.count * 8)
            for v in t.scalars { appendLittleEndian(UInt64(bitPattern: Int64(v)), bytes: 8, to: &payload) }
        case .bool(let t):
            descr = "|b1"
            for (i, v) in t.scalars.enumerated() {
                guard v == 0 || v == 1 else {
                    throw NPYError(path: path, message: "bool element \(i) is \(v), expected 0 or 1")
                }
                payload.append(UInt8(v))
            }
        }
        let shape = array.shape
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy pads with spaces so the data starts on a 64-byte boundary, then a newline.
        let v1 = header.utf8.count + 64 <= 65535
        let prefix = v1 ? 10 : 12
        let padding = (64 - (prefix + header.utf8.count + 1) % 64) % 64
        header += String(repeating: " ", count: padding) + "\n"
        var out = magic + [v1 ? 1 : 2, 0]
        appendLittleEndian(UInt64(header.utf8.count), bytes: v1 ? 2 : 4, to: &out)
        out += Array(header.utf8)
        return out + payload
    }

    static func appendLittleEndian(_ v: UInt64, bytes: Int, to out: inout [UInt8]) {
        for b in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(b)))) }
    }
}
