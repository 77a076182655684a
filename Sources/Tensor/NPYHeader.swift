import Foundation

/// The header dictionary of a `.npy` file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
///
/// Exactly the three keys numpy writes, each once; `shape` a tuple of non-negative Ints whose
/// product passes `ShapeCheck`; `descr` one of the number and bool types numpy's `np.save`
/// writes: float16/32/64 (`f2 f4 f8`), int8-64 (`i1 i2 i4 i8`), uint8-64 (`u1 u2 u4 u8`),
/// bool (`b1`), either byte order.
struct NPYHeader {
    let descr: String
    let kind: Character      // f, i, u or b
    let itemSize: Int
    let bigEndian: Bool
    let fortranOrder: Bool
    let shape: [Int]
    let count: Int

    static let supported: Set<String> = ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]

    /// Parses the Python literal dict numpy writes; throws `NPYError` naming `path`.
    init(parsing text: String, path: String) throws {
        let shown = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func fail(_ m: String) -> NPYError { NPYError(path: path, message: "bad header: \(m) in \(shown.prefix(200))") }
        var fields = [String: String]()
        var chars = Array(text.unicodeScalars.map(Character.init))
        while let last = chars.last, last == " " || last == "\n" || last == "\0" { chars.removeLast() }
        guard chars.count >= 2, chars.first == "{", chars.last == "}" else { throw fail("the header is not a dict") }
        let end = chars.count - 1   // the closing brace
        var i = 1
        func skipSpaces() { while i < end, chars[i] == " " { i += 1 } }
        func readString() throws -> String {
            guard i < end, chars[i] == "'" || chars[i] == "\"" else { throw fail("expected a quoted key or string") }
            let q = chars[i]; i += 1
            let s = i
            while i < end, chars[i] != q { i += 1 }
            guard i < end else { throw fail("unterminated string") }
            defer { i += 1 }
            return String(chars[s..<i])
        }
        skipSpaces()
        while i < end {
            let key = try readString()
            skipSpaces()
            guard i < end, chars[i] == ":" else { throw fail("expected ':' after '\(key)'") }
            i += 1
            skipSpaces()
            guard i < end else { throw fail("missing the value of '\(key)'") }
            let s = i
            let value: String
            if chars[i] == "'" || chars[i] == "\"" {
                value = "'" + (try readString()) + "'"
            } else if chars[i] == "(" {
                while i < end, chars[i] != ")" { i += 1 }
                guard i < end else { throw fail("unterminated shape tuple") }
                i += 1
                value = String(chars[s..<i])
            } else {
                while i < end, chars[i] != ",", chars[i] != " " { i += 1 }
                value = String(chars[s..<i])
            }
            guard fields[key] == nil else { throw fail("the key '\(key)' appears twice") }
            fields[key] = value
            skipSpaces()
            if i < end {
                guard chars[i] == "," else { throw fail("expected ',' after the value of '\(key)'") }
                i += 1
                skipSpaces()
            }
        }
        let known: Set<String> = ["descr", "fortran_order", "shape"]
        if let extra = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail("unexpected key '\(extra)' (a .npy header has exactly 'descr', 'fortran_order' and 'shape')")
        }
        guard let quoted = fields["descr"], let fortran = fields["fortran_order"], let shapeText = fields["shape"] else {
            throw fail("'descr', 'fortran_order' and 'shape' are all required")
        }
        guard quoted.hasPrefix("'"), quoted.count >= 2 else { throw fail("'descr' must be a string such as '<f4'") }
        let descr = String(quoted.dropFirst().dropLast())
        switch fortran {
        case "False": fortranOrder = false
        case "True": fortranOrder = true
        default: throw fail("'fortran_order' must be True or False, got \(fortran)")
        }
        let d = Array(descr)
        guard d.count == 3, "<>|=".contains(d[0]), Self.supported.contains(String(d[1...])) else {
            throw NPYError(path: path, message: "unsupported element type '\(descr)' (supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool)")
        }
        self.descr = descr
        kind = d[1]
        itemSize = Int(String(d[2])) ?? 1
        // '=' is the writer's native order; numpy always writes '<' or '>' (or '|' for bytes).
        bigEndian = d[0] == ">"
        guard shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw fail("'shape' must be a tuple such as (2, 3), got \(shapeText.prefix(40))")
        }
        let parts = shapeText.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var dims = [Int]()
        for (k, part) in parts.enumerated() {
            if part.isEmpty, k == parts.count - 1, k > 0 || parts.count == 1 { continue }  // (3,) and ()
            guard let v = Int(part), v >= 0 else { throw fail("shape entry '\(part.prefix(30))' is not a non-negative integer") }
            dims.append(v)
        }
        shape = dims
        do { count = try ShapeCheck.budgeted(dims, bytesPerElement: Swift.max(itemSize, 8), "the array") } catch {
            throw NPYError(path: path, message: "\(error)")
        }
    }
}
