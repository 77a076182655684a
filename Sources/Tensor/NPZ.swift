import CZlib
import Foundation

/// numpy's `.npz` archives (`np.savez`, `np.savez_compressed`): a zip file with one `.npy`
/// member per array, stored or deflated (zlib). Arrays are read and written by name (the
/// member's name without `.npy`), in the archive's order.
///
/// Reading trusts nothing: every offset and size is checked against the file, each member's
/// uncompressed size against the memory budget before inflating, inflation stops at that
/// size, and the CRC-32 must match. Writing is deterministic (fixed 1980-01-01 time stamps).
public enum NPZ {
    /// Reads every array of a `.npz` file, in archive order.
    public static func read(path: String) throws -> [(name: String, array: NPYArray)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NPYError(path: path, message: "cannot read the file (missing or unreadable)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes the bytes of a `.npz` file; `path` only names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> [(name: String, array: NPYArray)] {
        func fail(_ m: String) -> NPYError { NPYError(path: path, message: m) }
        func u16(_ o: Int) throws -> Int {
            guard o >= 0, o + 2 <= bytes.count else { throw fail("not a .npz archive (cut off at byte \(o))") }
            return Int(bytes[o]) | Int(bytes[o + 1]) << 8
        }
        func u32(_ o: Int) throws -> Int { let lo = try u16(o), hi = try u16(o + 2); return lo | hi << 16 }
        func u64(_ o: Int) throws -> UInt64 { let lo = try u32(o), hi = try u32(o + 4); return UInt64(lo) | UInt64(hi) << 32 }
        // The end-of-central-directory record: the last "PK\5\6" within 64 KB of the end.
        var eocd = -1
        var o = bytes.count - 22
        let lowest = Swift.max(0, bytes.count - 22 - 65535)
        while o >= lowest {
            if bytes[o] == 0x50, bytes[o + 1] == 0x4B, bytes[o + 2] == 5, bytes[o + 3] == 6 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw fail("not a .npz archive (no zip directory found)") }
        let entries = try u16(eocd + 10)
        var at = try u32(eocd + 16)
        var out = [(name: String, array: NPYArray)]()
        for _ in 0..<entries {
            guard try u32(at) == 0x0201_4B50 else { throw fail("corrupt zip directory at byte \(at)") }
            let method = try u16(at + 10)
            let crc = UInt32(try u32(at + 16))
            var packed = UInt64(try u32(at + 20)), size = UInt64(try u32(at + 24))
            let nameLength = try u16(at + 28), extraLength = try u16(at + 30), commentLength = try u16(at + 32)
            var local = UInt64(try u32(at + 42))
            guard at + 46 + nameLength <= bytes.count else { throw fail("corrupt zip directory at byte \(at)") }
            let rawName = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            // Zip64 sizes and offset, in that order, for the fields that hold 0xFFFFFFFF.
            var e = at + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = try u16(e), len = try u16(e + 2)
                if id == 1 {
                    var f = e + 4
                    if size == 0xFFFF_FFFF { size = try u64(f); f += 8 }
                    if packed == 0xFFFF_FFFF { packed = try u64(f); f += 8 }
                    if local == 0xFFFF_FFFF { local = try u64(f); f += 8 }
                }
                e += 4 + len
            }
            at = extraEnd + commentLength
            guard local < UInt64(bytes.count), packed <= UInt64(bytes.count) else {
                throw fail("member '\(rawName)' points outside the file")
            }
            let l = Int(local)
            guard try u32(l) == 0x0403_4B50 else { throw fail("member '\(rawName)': corrupt local header") }
            let localName = try u16(l + 26), localExtra = try u16(l + 28)
            let start = l + 30 + localName + localExtra
            guard start + Int(packed) <= bytes.count else { throw fail("member '\(rawName)' is cut off") }
            do {
                _ = try ShapeCheck.budgeted([Int(clamping: size)], bytesPerElement: 1, "member '\(rawName)'")
            } catch { throw fail("\(error)") }
            let stored = Array(bytes[start..<(start + Int(packed))])
            let member: [UInt8]
            switch method {
            case 0:
                guard packed == size else { throw fail("member '\(rawName)': stored sizes differ") }
                member = stored
            case 8: member = try inflate(stored, size: Int(size), path: path, name: rawName)
            default: throw fail("member '\(rawName)' uses zip method \(method); .npz members are stored or deflated")
            }
            let actual = member.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
            guard actual == crc else { throw fail("member '\(rawName)' fails its CRC check (corrupt archive)") }
            let name = rawName.hasSuffix(".npy") ? String(rawName.dropLast(4)) : rawName
            out.append((name, try NPY.decode(member, path: path + "/" + rawName)))
        }
        return out
    }

    /// Raw deflate (a zip member, no zlib header) into exactly `size` bytes: the one inflater of
    /// the program (.npz members here, `.keras` archives in module Inspect).
    public static func inflate(_ packed: [UInt8], size: Int, path: String, name: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw NPYError(path: path, message: "zlib could not start inflating '\(name)'")
        }
        defer { inflateEnd(&stream) }
        var input = packed
        let status: Int32 = input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw NPYError(path: path, message: "member '\(name)' is not valid deflate data or not \(size) bytes (zlib status \(status))")
        }
        return out
    }

    /// Writes arrays as a `.npz` archive (deflated like `savez_compressed` when `compressed`),
    /// atomically (`AtomicFile`).
    public static func write(_ arrays: [(name: String, array: NPYArray)], path: String, compressed: Bool = false) throws {
        let bytes = try encode(arrays, path: path, compressed: compressed)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw NPYError(path: path, message: "cannot write the file: \(error.reason)")
        }
    }

    /// The bytes of a `.npz` archive holding `arrays`.
    public static func encode(_ arrays: [(name: String, array: NPYArray)], path: String, compressed: Bool = false) throws -> [UInt8] {
        var out = [UInt8](), directory = [UInt8]()
        func put16(_ v: Int, _ a: inout [UInt8]) { a.append(UInt8(v & 255)); a.append(UInt8(v >> 8 & 255)) }
        func put32(_ v: Int, _ a: inout [UInt8]) { put16(v & 0xFFFF, &a); put16(v >> 16 & 0xFFFF, &a) }
        for (name, array) in arrays {
            let member = try NPY.encode(array, path: path)
            let data = compressed ? try deflate(member, path: path) : member
            guard data.count < 0xFFFF_FFFF, member.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF else {
                throw NPYError(path: path, message: "array '\(name)' is too large for a zip member (4 GB)")
            }
            let fileName = Array((name + ".npy").utf8)
            let crc = member.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, UInt32($0.count))) }
            let method = compressed ? 8 : 0
            let offset = out.count
            // Local header: version 2.0, no flags, 1980-01-01 00:00.
            put32(0x0403_4B50, &out); put16(20, &out); put16(0, &out); put16(method, &out)
            put16(0, &out); put16(0x21, &out); put32(crc, &out); put32(data.count, &out); put32(member.count, &out)
            put16(fileName.count, &out); put16(0, &out)
            out += fileName
            out += data
            put32(0x0201_4B50, &directory); put16(20, &directory); put16(20, &directory); put16(0, &directory)
            put16(method, &directory); put16(0, &directory); put16(0x21, &directory); put32(crc, &directory)
            put32(data.count, &directory); put32(member.count, &directory); put16(fileName.count, &directory)
            put16(0, &directory); put16(0, &directory); put16(0, &directory); put16(0, &directory)
            put32(0o100644 << 16, &directory); put32(offset, &directory)
            directory += fileName
        }
        let directoryStart = out.count
        out += directory
        put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out); put16(arrays.count, &out); put16(arrays.count, &out)
        put32(directory.count, &out); put32(directoryStart, &out); put16(0, &out)
        return out
    }

    static func deflate(_ data: [UInt8], path: String) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw NPYError(path: path, message: "zlib could not start deflating")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))))
        var input = data
        let status: Int32 = input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw NPYError(path: path, message: "zlib could not deflate (status \(status))") }
        return Array(out.prefix(Int(stream.total_out)))
    }
}
