import Foundation

/// The header dictionary of a `.npy` file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader {
    let descr: String
    let kind: Character      // f, i, u or b
    let itemSize: Int
    let bigEndian: Bool
    let shape: [Int]

    /// Parses the Python literal dict numpy writes; throws `NPYError` naming `path`.
    init(parsing text: String, path: String) throws {
        func fail(_ m: String) -> NPYError { NPYError(path: path, message: "bad header: \(m) in \(text.trimmingCharacters(in: .whitespacesAndNewlines))") }
        var fields = [String: String]()
        var chars = Array(text.unicodeScalars.map(Character.init))
        while let last = chars.last, last == " " || last == "\n" || last == "\0" { chars.removeLast() }
        guard chars.first == "{", chars.last == "}" else { throw fail("the header is not a dict") }
        var i = 1
        func skipSpaces() { while i < chars.count - 1, chars[i] == " " || chars[i] == "," { i += 1 } }
        func readString() throws -> String {
            guard chars[i] == "'" || chars[i] == "\"" else { throw fail("expected a quoted key") }
            let q = chars[i]; i += 1
            let s = i
            while i < chars.count - 1, chars[i] != q { i += 1 }
            guard i < chars.count - 1 else { throw fail("unterminated string") }
            defer { i += 1 }
            return String(chars[s..<i])
        }
        skipSpaces()
        while i < chars.count - 1 {
            let key = try readString()
            while i < chars.count - 1, chars[i] == " " { i += 1 }
            guard i < chars.count - 1, chars[i] == ":" else { throw fail("expected ':' after '\(key)'") }
            i += 1
            while i < chars.count - 1, chars[i] == " " { i += 1 }
            let s = i
            if chars[i] == "'" || chars[i] == "\"" {
                fields[key] = try readString()
            } else if chars[i] == "(" {
                while i < chars.count - 1, chars[i] != ")" { i += 1 }
                guard i < chars.count - 1 else { throw fail("unterminated shape tuple") }
                i += 1
                fields[key] = String(chars[s..<i])
            } else {
                while i < chars.count - 1, chars[i] != ",", chars[i] != " " { i += 1 }
                fields[key] = String(chars[s..<i])
            }
            skipSpaces()
        }
        guard let descr = fields["descr"], let fortran = fields["fortran_order"], let shapeText = fields["shape"] else {
            throw fail("'descr', 'fortran_order' and 'shape' are all required")
        }
        guard fortran == "False" else {
            throw NPYError(path: path, message: "Fortran-order arrays are not supported; save with numpy.ascontiguousarray first")
        }
        let d = Array(descr)
        let supported: Set<String> = ["f4", "f8", "i4", "i8", "u1", "b1"]
        guard d.count == 3, "<>|=".contains(d[0]), supported.contains(String(d[1...])) else {
            throw NPYError(path: path, message: "unsupported element type '\(descr)' (supported: float32, float64, int32, int64, uint8, bool)")
        }
        self.descr = descr
        kind = d[1]
        itemSize = Int(String(d[2])) ?? 1
        bigEndian = d[0] == ">"
        let inner = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var dims = [Int]()
        for part in inner {
            guard let v = Int(part), v >= 0 else { throw fail("shape entry '\(part)' is not a non-negative integer") }
            dims.append(v)
        }
        shape = dims
    }
}
