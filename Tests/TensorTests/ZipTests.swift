import Testing
@testable import Tensor

/// The one zip reader and writer (`Zip`): what .npz, .keras and the weights export go through.
@Suite struct ZipTests {
    func u16(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
    func u32(_ b: [UInt8], _ o: Int) -> Int { u16(b, o) | u16(b, o + 2) << 16 }
    func put16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 255), UInt8(v >> 8 & 255)] }
    func put32(_ v: Int, _ a: inout [UInt8]) { put16(v & 0xFFFF, &a); put16(v >> 16 & 0xFFFF, &a) }
    func put64(_ v: Int, _ a: inout [UInt8]) { put32(v & 0xFFFF_FFFF, &a); put32(v >> 32, &a) }

    let text = Array(String(repeating: "a convolution slides one filter over the image; ", count: 40).utf8)
    let numbers: [UInt8] = (0..<300).map { UInt8($0 * 7 % 256) }

    func archive() throws -> [UInt8] {
        var w = Zip.Writer()
        try w.add(name: "text.txt", data: text, compressed: true)
        try w.add(name: "numbers.bin", data: numbers)
        try w.add(name: "é.npy", data: [])
        return try w.finish()
    }

    @Test func whatIsWrittenReadsBackMemberByMember() throws {
        let bytes = try archive()
        #expect(try archive() == bytes, "the same members give the same bytes")
        let members = try Zip.members(bytes)
        #expect(members.map(\.name) == ["text.txt", "numbers.bin", "é.npy"])
        #expect(members.map(\.method) == [8, 0, 0])
        #expect(members.map(\.size) == [text.count, numbers.count, 0])
        #expect(members[0].packedSize < text.count / 10, "deflated: \(members[0].packedSize) of \(text.count) bytes")
        #expect(try Zip.contents(of: members[0], in: bytes) == text)
        #expect(try Zip.contents(of: members[1], in: bytes) == numbers)
        #expect(try Zip.contents(of: members[2], in: bytes) == [])
        // Local headers: general-purpose bit 11 (UTF-8 name) only on the non-ASCII name; the
        // 1980-01-01 date stamp (0x21) everywhere.
        let locals = members.map { $0.dataStart - 30 - $0.name.utf8.count }
        #expect(locals.map { u32(bytes, $0) } == [0x0403_4B50, 0x0403_4B50, 0x0403_4B50])
        #expect(locals.map { u16(bytes, $0 + 6) } == [0, 0, 0x0800])
        #expect(locals.map { u16(bytes, $0 + 12) } == [0x21, 0x21, 0x21])
        // zlib's CRC-32 of "123456789".
        #expect(Zip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    /// A ZIP64 archive as Python's zipfile writes past 4 GiB or 65,535 members: the directory
    /// entry's sizes and offset in the extra field (id 1), and the ZIP64 end record found
    /// through its locator. Made here from an ordinary archive by moving those fields.
    @Test func zip64FieldsAndEndRecordAreRead() throws {
        var w = Zip.Writer()
        try w.add(name: "numbers.bin", data: numbers)
        let plain = try w.finish()
        let directoryStart = u32(plain, plain.count - 22 + 16)
        let entry = Array(plain[directoryStart..<(plain.count - 22)])
        let name = Array(entry[46...])
        var out = Array(plain[..<directoryStart])
        var central = Array(entry[0..<20])
        put32(0xFFFF_FFFF, &central); put32(0xFFFF_FFFF, &central)  // sizes
        put16(name.count, &central); put16(28, &central)  // name, extra field
        central += entry[32..<42]
        put32(0xFFFF_FFFF, &central)  // local header offset
        central += name
        put16(1, &central); put16(24, &central)
        put64(numbers.count, &central); put64(numbers.count, &central); put64(0, &central)
        out += central
        let record = out.count
        put32(0x0606_4B50, &out); put64(44, &out); put16(45, &out); put16(45, &out); put32(0, &out); put32(0, &out)
        put64(1, &out); put64(1, &out); put64(central.count, &out); put64(directoryStart, &out)
        put32(0x0706_4B50, &out); put32(0, &out); put64(record, &out); put32(1, &out)
        put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out); put16(0xFFFF, &out); put16(0xFFFF, &out)
        put32(0xFFFF_FFFF, &out); put32(0xFFFF_FFFF, &out); put16(0, &out)
        let members = try Zip.members(out)
        #expect(members.map(\.name) == ["numbers.bin"])
        #expect(members.map(\.size) == [numbers.count])
        #expect(try Zip.contents(of: members[0], in: out) == numbers)
    }

    @Test func damagedAndHostileArchivesAreOneError() throws {
        let good = try archive()
        func message(_ bytes: [UInt8]) -> String? {
            do throws(Zip.Failure) {
                for m in try Zip.members(bytes) { _ = try Zip.contents(of: m, in: bytes) }
                return nil
            } catch { return error.message }
        }
        #expect(message([]) == "not a zip archive (0 bytes)")
        #expect(message(Array(good.prefix(good.count / 2))) == "not a zip archive (no end-of-central-directory record)")
        // The end record claims 60,000 members in a directory of three.
        var many = good
        many[many.count - 12] = 0x60; many[many.count - 11] = 0xEA
        #expect(message(many)?.contains("60000 entries cannot fit in the central directory") == true, "\(message(many) ?? "")")
        // A local header offset past the end of the file.
        var far = good
        let directoryStart = u32(good, good.count - 22 + 16)
        far[directoryStart + 42 + 3] = 0x7F
        #expect(message(far) == "member 'text.txt' points outside the file")
        // A flipped byte in the stored member.
        var flipped = good
        let members = try Zip.members(good)
        flipped[members[1].dataStart + 5] ^= 0xFF
        #expect(message(flipped) == "member 'numbers.bin' fails its CRC-32 check (damaged archive)")
        // A member whose stated size is over the budget is refused before inflating.
        MemoryBudget.$scoped.withValue(1000) {
            #expect(message(good)?.contains("over the memory budget") == true, "\(message(good) ?? "")")
        }
    }
}
