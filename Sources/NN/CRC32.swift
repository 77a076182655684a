/// CRC-32 as zlib, PNG and gzip compute it (IEEE 802.3, reflected polynomial 0xEDB88320,
/// initial value and final xor 0xFFFFFFFF): `crc32("123456789") == 0xCBF43926`.
public struct CRC32: Sendable {
    /// The running checksum of everything fed so far.
    public private(set) var value: UInt32 = 0

    public init() {}

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Adds bytes to the checksum.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        var c = ~value
        let t = CRC32.table
        for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        value = ~c
    }

    /// The checksum of one byte sequence.
    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c = CRC32()
        c.update(bytes)
        return c.value
    }
}
