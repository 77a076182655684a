import Foundation
import NN
import Tensor

/// Reads one entry of a zip archive (Keras 3's `.keras` file is a zip holding config.json,
/// metadata.json and model.weights.h5), stored or deflated, its CRC-32 checked.
///
/// Only what the central directory states is trusted after checking it against the file's
/// size, so a damaged or hostile archive gives an error, not a huge allocation. ZIP64
/// archives (entries over 4 GB) are refused with a message.
enum ZipArchive {
    struct Entry {
        let name: String
        let method: Int
        let compressedSize: Int
        let size: Int
        let crc: UInt32
        let localHeader: Int
    }

    /// The names and positions of every entry in the central directory.
    static func entries(_ bytes: [UInt8], path: String) throws(InspectError) -> [Entry] {
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        // The end-of-central-directory record: the last "PK\5\6" within 64 KB + 22 of the end.
        guard bytes.count >= 22 else { throw InspectError("\(path): not a zip archive (\(bytes.count) bytes)") }
        var eocd = -1
        var o = bytes.count - 22
        let lowest = Swift.max(0, bytes.count - 22 - 65_535)
        while o >= lowest {
            if bytes[o] == 0x50, bytes[o + 1] == 0x4B, bytes[o + 2] == 5, bytes[o + 3] == 6 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw InspectError("\(path): not a zip archive (no end-of-central-directory record)") }
        let count = u16(eocd + 10), cdSize = u32(eocd + 12), cdStart = u32(eocd + 16)
        guard cdStart != 0xFFFF_FFFF, count != 0xFFFF else { throw InspectError("\(path): ZIP64 archives are not supported") }
        guard cdStart + cdSize <= eocd else { throw InspectError("\(path): damaged zip (central directory outside the file)") }
        var out: [Entry] = []
        var p = cdStart
        for _ in 0..<count {
            guard p + 46 <= eocd, u32(p) == 0x0201_4B50 else { throw InspectError("\(path): damaged zip (bad central directory entry)") }
            let nameLength = u16(p + 28), extra = u16(p + 30), comment = u16(p + 32)
            guard p + 46 + nameLength <= eocd else { throw InspectError("\(path): damaged zip (entry name outside the directory)") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            let e = Entry(name: name, method: u16(p + 10), compressedSize: u32(p + 20), size: u32(p + 24),
                          crc: UInt32(u32(p + 16)), localHeader: u32(p + 42))
            guard e.compressedSize != 0xFFFF_FFFF, e.size != 0xFFFF_FFFF, e.localHeader != 0xFFFF_FFFF else {
                throw InspectError("\(path): ZIP64 entries are not supported (\(name))")
            }
            out.append(e)
            p += 46 + nameLength + extra + comment
        }
        return out
    }

    /// The bytes of the entry called `name`, or nil when the archive has none.
    static func read(_ name: String, from bytes: [UInt8], path: String) throws(InspectError) -> [UInt8]? {
        guard let e = try entries(bytes, path: path).first(where: { $0.name == name }) else { return nil }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        let h = e.localHeader
        guard h + 30 <= bytes.count, u16(h) == 0x4B50, u16(h + 2) == 0x0403 else {
            throw InspectError("\(path): damaged zip (no local header for \(name))")
        }
        let start = h + 30 + u16(h + 26) + u16(h + 28)
        guard start + e.compressedSize <= bytes.count else { throw InspectError("\(path): damaged zip (\(name) runs past the end)") }
        let raw = Array(bytes[start..<(start + e.compressedSize)])
        let data: [UInt8]
        switch e.method {
        case 0:
            guard e.size == e.compressedSize else { throw InspectError("\(path): damaged zip (stored \(name) with two sizes)") }
            data = raw
        case 8:
            data = try inflate(raw, size: e.size, what: "\(path):\(name)")
        default:
            throw InspectError("\(path): \(name) is compressed with method \(e.method); only stored (0) and deflate (8) are read")
        }
        guard CRC32.checksum(data) == e.crc else { throw InspectError("\(path): \(name) fails its CRC-32 check (damaged archive)") }
        return data
    }

    /// Raw deflate (no zlib header) into exactly `size` bytes, through Tensor's inflater.
    static func inflate(_ input: [UInt8], size: Int, what: String) throws(InspectError) -> [UInt8] {
        do {
            return try NPZ.inflate(input, size: size, path: what, name: what)
        } catch {
            throw InspectError("\(what): corrupt deflate data (\(error))")
        }
    }
}
