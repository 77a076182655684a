import CZlib

/// Zip archives, the one reader and writer of the program: numpy's `.npz` (`NPZ`), Keras 3's
/// `.keras` (module Inspect) and the weights export (`KerasExport` in module NN) all go
/// through it. Members are stored (method 0) or deflated (method 8), as numpy's `savez`,
/// `savez_compressed` and Python's `zipfile` write them.
///
/// Reading trusts nothing: every offset and size is checked against the file before it is
/// used, a member's stated size against the memory budget (`ShapeCheck`) before inflating,
/// inflation stops at that size, and the CRC-32 must match. ZIP64 archives and members (sizes
/// and offsets in the extra field, the ZIP64 end record) are read. Writing is deterministic:
/// a fixed 1980-01-01 time stamp, so an archive's bytes are a function of its members.
///
/// Not ZIPFoundation: its Linux build declares a clang module named `CZlib`, the name of this
/// package's own zlib module, and a build holding both fails with "redefinition of module
/// 'CZlib'" (module aliases only rename Swift modules).
public enum Zip {
    /// Why an archive cannot be read or written; callers add the path (`NPYError`,
    /// `InspectError`, `NNError`).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// One member as the central directory states it, checked against the file.
    public struct Member: Sendable, Equatable {
        public let name: String
        /// 0 stored, 8 deflated (others are refused when read).
        public let method: Int
        public let crc: UInt32
        /// Bytes in the archive and bytes once inflated.
        public let packedSize: Int, size: Int
        /// Where its packed bytes start, past the local header.
        public let dataStart: Int
    }

    /// Every member of the archive, in central-directory order.
    public static func members(_ bytes: [UInt8]) throws(Failure) -> [Member] {
        let r = Reader(bytes: bytes)
        // The end-of-central-directory record: the last "PK\5\6" within 64 KB + 22 of the end.
        guard bytes.count >= 22 else { throw Failure("not a zip archive (\(bytes.count) bytes)") }
        var eocd = -1
        var o = bytes.count - 22
        let lowest = Swift.max(0, bytes.count - 22 - 65_535)
        while o >= lowest {
            if bytes[o] == 0x50, bytes[o + 1] == 0x4B, bytes[o + 2] == 5, bytes[o + 3] == 6 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw Failure("not a zip archive (no end-of-central-directory record)") }
        var count = UInt64(try r.u16(eocd + 10)), directoryStart = UInt64(try r.u32(eocd + 16))
        var directoryEnd = eocd
        if count == 0xFFFF || directoryStart == 0xFFFF_FFFF {
            // ZIP64: a locator ("PK\6\7") right before the end record points at the ZIP64 end
            // record ("PK\6\6"), which holds the 8-byte count and directory offset.
            guard eocd >= 20, try r.u32(eocd - 20) == 0x0706_4B50 else {
                throw Failure("damaged zip (ZIP64 end record locator missing)")
            }
            let record = try r.u64(eocd - 12)
            guard record < UInt64(eocd - 20), try r.u32(Int(record)) == 0x0606_4B50 else {
                throw Failure("damaged zip (no ZIP64 end record at byte \(record))")
            }
            count = try r.u64(Int(record) + 32)
            directoryStart = try r.u64(Int(record) + 48)
            directoryEnd = Int(record)
        }
        guard directoryStart <= UInt64(directoryEnd) else {
            throw Failure("damaged zip (central directory at byte \(directoryStart), outside the file)")
        }
        // Each directory entry takes at least 46 bytes, which bounds the count before any loop.
        guard count <= UInt64(directoryEnd - Int(directoryStart)) / 46 else {
            throw Failure("damaged zip (\(count) entries cannot fit in the central directory)")
        }
        var out: [Member] = []
        var at = Int(directoryStart)
        for _ in 0..<Int(count) {
            guard at + 46 <= directoryEnd, try r.u32(at) == 0x0201_4B50 else {
                throw Failure("damaged zip (bad central directory entry at byte \(at))")
            }
            let method = try r.u16(at + 10)
            let crc = try r.u32(at + 16)
            var packed = UInt64(try r.u32(at + 20)), size = UInt64(try r.u32(at + 24))
            let nameLength = try r.u16(at + 28), extraLength = try r.u16(at + 30), commentLength = try r.u16(at + 32)
            var local = UInt64(try r.u32(at + 42))
            let extraEnd = at + 46 + nameLength + extraLength
            guard extraEnd + commentLength <= directoryEnd else {
                throw Failure("damaged zip (entry at byte \(at) runs past the central directory)")
            }
            let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            // ZIP64 sizes and offset, in that order, for the fields that hold 0xFFFFFFFF.
            var e = at + 46 + nameLength
            while e + 4 <= extraEnd {
                let id = try r.u16(e), length = try r.u16(e + 2)
                if id == 1 {
                    var f = e + 4
                    if size == 0xFFFF_FFFF { size = try r.u64(f); f += 8 }
                    if packed == 0xFFFF_FFFF { packed = try r.u64(f); f += 8 }
                    if local == 0xFFFF_FFFF { local = try r.u64(f); f += 8 }
                }
                e += 4 + length
            }
            at = extraEnd + commentLength
            guard local < UInt64(bytes.count), packed <= UInt64(bytes.count), size <= UInt64(Int.max) else {
                throw Failure("member '\(name)' points outside the file")
            }
            let l = Int(local)
            guard try r.u32(l) == 0x0403_4B50 else { throw Failure("damaged zip (no local header for '\(name)')") }
            let start = l + 30 + (try r.u16(l + 26)) + (try r.u16(l + 28))
            guard start <= bytes.count, Int(packed) <= bytes.count - start else {
                throw Failure("member '\(name)' runs past the end of the file")
            }
            out.append(Member(name: name, method: method, crc: crc, packedSize: Int(packed), size: Int(size), dataStart: start))
        }
        return out
    }

    /// The bytes of `member`, inflated if deflated, its size checked against the memory budget
    /// before anything is allocated and its CRC-32 checked after.
    public static func contents(of member: Member, in bytes: [UInt8]) throws(Failure) -> [UInt8] {
        do {
            _ = try ShapeCheck.budgeted([member.size], bytesPerElement: 1, "member '\(member.name)'")
        } catch { throw Failure("\(error)") }
        let packed = Array(bytes[member.dataStart..<(member.dataStart + member.packedSize)])
        let data: [UInt8]
        switch member.method {
        case 0:
            guard member.packedSize == member.size else { throw Failure("member '\(member.name)': stored with two sizes (damaged archive)") }
            data = packed
        case 8:
            data = try inflate(packed, size: member.size, name: member.name)
        default:
            throw Failure("member '\(member.name)' is compressed with zip method \(member.method); only stored (0) and deflate (8) are read")
        }
        guard crc32(data) == member.crc else { throw Failure("member '\(member.name)' fails its CRC-32 check (damaged archive)") }
        return data
    }

    /// The CRC-32 zip stores (zlib's).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt = 0
        var at = 0
        // zlib takes a 32-bit length; feed it in pieces so that any size works.
        bytes.withUnsafeBufferPointer { b in
            while at < b.count {
                let n = Swift.min(b.count - at, 1 << 30)
                c = CZlib.crc32(c, b.baseAddress! + at, UInt32(n))
                at += n
            }
        }
        return UInt32(c)
    }

    /// Raw deflate (a zip member, no zlib header) into exactly `size` bytes: the one inflater of
    /// the program.
    public static func inflate(_ packed: [UInt8], size: Int, name: String) throws(Failure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var input = packed
        let status = stream(&input, into: &out, start: { inflateInit2_(&$0, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) },
                            run: { CZlib.inflate(&$0, Z_FINISH) }, end: { inflateEnd(&$0) })
        guard status.code == Z_STREAM_END, status.written == size else {
            throw Failure("member '\(name)' is not valid deflate data of \(size) bytes (zlib status \(status.code))")
        }
        return out
    }

    /// Raw deflate at zlib's default level, as `savez_compressed` writes members.
    public static func deflate(_ data: [UInt8]) throws(Failure) -> [UInt8] {
        // zlib's bound for its own format covers raw deflate too (a few bytes of header more).
        let bound = Int(compressBound(UInt(data.count)))
        var out = [UInt8](repeating: 0, count: bound)
        var input = data
        let status = stream(&input, into: &out, start: {
            deflateInit2_(&$0, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        }, run: { CZlib.deflate(&$0, Z_FINISH) }, end: { deflateEnd(&$0) })
        guard status.code == Z_STREAM_END else { throw Failure("zlib could not deflate (status \(status.code))") }
        return Array(out.prefix(status.written))
    }

    /// One zlib pass over all of `input` into `output` (both fit zlib's 32-bit counts: members
    /// are under 4 GiB): start, run once with Z_FINISH, end. The run's status and bytes written.
    private static func stream(_ input: inout [UInt8], into output: inout [UInt8], start: (inout z_stream) -> Int32,
                               run: (inout z_stream) -> Int32, end: (inout z_stream) -> Int32) -> (code: Int32, written: Int) {
        guard input.count < 0xFFFF_FFFF, output.count < 0xFFFF_FFFF else { return (Z_BUF_ERROR, 0) }
        var z = z_stream()
        guard start(&z) == Z_OK else { return (Z_STREAM_ERROR, 0) }
        defer { _ = end(&z) }
        let code: Int32 = input.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                z.next_in = src.baseAddress
                z.avail_in = UInt32(src.count)
                z.next_out = dst.baseAddress
                z.avail_out = UInt32(dst.count)
                return run(&z)
            }
        }
        return (code, Int(z.total_out))
    }

    /// Builds an archive member by member; `finish` closes it with the central directory.
    /// Sizes and offsets are 32-bit (no ZIP64 written): a member or archive of 4 GiB or more, or
    /// 65,535 members, is an error rather than a file numpy cannot read.
    public struct Writer: Sendable {
        public private(set) var bytes: [UInt8] = []
        private var directory: [UInt8] = []
        private var count = 0

        /// MS-DOS time 00:00:00 and date 1980-01-01, the earliest a zip can hold.
        static let dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1
        /// Zip spec 2.0, the version that introduced stored and deflated members.
        static let version = 20

        public init() {}

        /// Appends a member holding `data`, deflated when `compressed`.
        public mutating func add(name: String, data: [UInt8], compressed: Bool = false) throws(Failure) {
            let packed = compressed ? try Zip.deflate(data) : data
            let nameBytes = Array(name.utf8)
            guard data.count < 0xFFFF_FFFF, packed.count < 0xFFFF_FFFF, bytes.count < 0xFFFF_FFFF, count < 0xFFFF,
                  nameBytes.count <= 0xFFFF else {
                throw Failure("member '\(name)' (\(data.count) bytes at offset \(bytes.count)) is too large for a zip without ZIP64 (4 GiB)")
            }
            let crc = Int(Zip.crc32(data)), method = compressed ? 8 : 0, offset = bytes.count
            // Bit 11 says the name is UTF-8; without it readers take the bytes as code page 437.
            let flags = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
            Self.u32(0x0403_4B50, &bytes)
            for v in [Self.version, flags, method, Self.dosTime, Self.dosDate] { Self.u16(v, &bytes) }
            for v in [crc, packed.count, data.count] { Self.u32(v, &bytes) }
            Self.u16(nameBytes.count, &bytes); Self.u16(0, &bytes)  // extra field
            bytes += nameBytes
            bytes += packed

            Self.u32(0x0201_4B50, &directory)
            for v in [Self.version, Self.version, flags, method, Self.dosTime, Self.dosDate] { Self.u16(v, &directory) }
            for v in [crc, packed.count, data.count] { Self.u32(v, &directory) }
            // Name length, extra field, comment, disk, internal attributes; then the external
            // attributes (a regular file, rw-r--r--, as numpy's zipfile writes) and the offset.
            for v in [nameBytes.count, 0, 0, 0, 0] { Self.u16(v, &directory) }
            Self.u32(0o100644 << 16, &directory); Self.u32(offset, &directory)
            directory += nameBytes
            count += 1
        }

        /// The whole archive: the members, the central directory and its end record.
        public func finish() throws(Failure) -> [UInt8] {
            guard bytes.count < 0xFFFF_FFFF, directory.count < 0xFFFF_FFFF else {
                throw Failure("the archive (\(bytes.count) bytes) is too large for a zip without ZIP64 (4 GiB)")
            }
            var out = bytes + directory
            Self.u32(0x0605_4B50, &out)
            for v in [0, 0, count, count] { Self.u16(v, &out) }  // this disk, the directory's disk, entries
            Self.u32(directory.count, &out); Self.u32(bytes.count, &out)
            Self.u16(0, &out)  // comment length
            return out
        }

        static func u16(_ v: Int, _ out: inout [UInt8]) { out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        static func u32(_ v: Int, _ out: inout [UInt8]) { u16(v & 0xFFFF, &out); u16(v >> 16 & 0xFFFF, &out) }
    }

    /// Little-endian reads that throw, instead of trapping, past the end of the bytes.
    private struct Reader {
        let bytes: [UInt8]
        func u16(_ o: Int) throws(Failure) -> Int {
            guard o >= 0, o <= bytes.count - 2 else { throw Failure("damaged zip (cut off at byte \(o))") }
            return Int(bytes[o]) | Int(bytes[o + 1]) << 8
        }
        func u32(_ o: Int) throws(Failure) -> UInt32 { UInt32(try u16(o)) | UInt32(try u16(o + 2)) << 16 }
        func u64(_ o: Int) throws(Failure) -> UInt64 { UInt64(try u32(o)) | UInt64(try u32(o + 4)) << 32 }
    }
}
