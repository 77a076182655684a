/// Splits cell source into tokens.
///
/// `#` starts a comment to the end of the line. A newline ends a statement unless a bracket or
/// parenthesis is open, so a statement continues over lines while one is.
struct Lexer {
    let file: String
    let lines: [Substring]
    let firstLine: Int

    /// - Parameters:
    ///   - source: the cell's code.
    ///   - file: the lesson file, for error locations.
    ///   - firstLine: the file line of the code's first line (1-based).
    init(source: String, file: String, firstLine: Int) {
        self.file = file
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        self.firstLine = firstLine
    }

    func tokenize() throws(LessonError) -> [Token] {
        var tokens: [Token] = []
        var openers: [Token] = []
        for (i, text) in lines.enumerated() {
            let lineNo = firstLine + i
            let chars = Array(text.unicodeScalars)
            var p = 0
            func loc(_ c: Int) -> SourceLocation { SourceLocation(file: file, line: lineNo, column: c + 1) }
            while p < chars.count {
                let c = chars[p]
                if c == " " || c == "\t" || c == "\r" { p += 1; continue }
                if c == "#" { break }
                let start = p
                if c.properties.numericType != nil, ("0"..."9").contains(c) {
                    tokens.append(try number(chars, &p, loc: loc(start), line: lineNo))
                    continue
                }
                if c == "_" || (c.properties.isAlphabetic && c.isASCII) {
                    while p < chars.count, chars[p] == "_" || (chars[p].isASCII && (chars[p].properties.isAlphabetic || ("0"..."9").contains(chars[p]))) { p += 1 }
                    let word = String(String.UnicodeScalarView(chars[start..<p]))
                    let kind: Token.Kind = ["true", "false", "step"].contains(word) ? .keyword(word) : .identifier(word)
                    tokens.append(Token(kind: kind, line: lineNo, column: start + 1))
                    continue
                }
                if c == "\"" {
                    p += 1
                    var s = String.UnicodeScalarView()
                    var closed = false
                    while p < chars.count {
                        let d = chars[p]
                        if d == "\"" { closed = true; p += 1; break }
                        if d == "\\", p + 1 < chars.count {
                            let e = chars[p + 1]
                            switch e {
                            case "n": s.append("\n")
                            case "t": s.append("\t")
                            case "\"", "\\": s.append(e)
                            default:
                                throw LessonError("unknown escape '\\\(e)' in a string", at: loc(p), hint: "use \\\" for a quote, \\\\ for a backslash, \\n for a new line")
                            }
                            p += 2
                            continue
                        }
                        s.append(d)
                        p += 1
                    }
                    if !closed { throw LessonError("string is not closed before the end of the line", at: loc(start), hint: "add a closing \"") }
                    tokens.append(Token(kind: .string(String(s)), line: lineNo, column: start + 1))
                    continue
                }
                // `**` (power) is the one symbol of two characters.
                if c == "*", p + 1 < chars.count, chars[p + 1] == "*" {
                    tokens.append(Token(kind: .symbol("**"), line: lineNo, column: start + 1))
                    p += 2
                    continue
                }
                // The comparisons of two characters: == != <= >=.
                if "=!<>".unicodeScalars.contains(c), p + 1 < chars.count, chars[p + 1] == "=" {
                    tokens.append(Token(kind: .symbol(String(Character(c)) + "="), line: lineNo, column: start + 1))
                    p += 2
                    continue
                }
                if c == "!" {
                    throw LessonError("unexpected character '!'", at: loc(start), hint: "'!=' means not equal; there is no '!' on its own")
                }
                let symbols: Set<Unicode.Scalar> = ["+", "-", "*", "/", "@", "=", "(", ")", "[", "]", ",", ":", "<", ">"]
                guard symbols.contains(c) else {
                    throw LessonError("unexpected character '\(Character(c))'", at: loc(start))
                }
                let t = Token(kind: .symbol(String(Character(c))), line: lineNo, column: start + 1)
                if c == "(" || c == "[" { openers.append(t) }
                if c == ")" || c == "]" {
                    guard let o = openers.popLast() else {
                        throw LessonError("'\(Character(c))' has no matching opening bracket", at: loc(start))
                    }
                    let want: Token.Kind = .symbol(o.kind == .symbol("(") ? ")" : "]")
                    if t.kind != want {
                        throw LessonError("'\(Character(c))' does not match the '\(o.kind == .symbol("(") ? "(" : "[")' opened at line \(o.line), column \(o.column)", at: loc(start))
                    }
                }
                tokens.append(t)
                p += 1
            }
            if openers.isEmpty, let last = tokens.last, last.kind != .newline {
                tokens.append(Token(kind: .newline, line: lineNo, column: chars.count + 1))
            }
        }
        if let o = openers.last {
            let sym = o.kind == .symbol("(") ? "(" : "["
            throw LessonError("'\(sym)' is never closed", at: SourceLocation(file: file, line: o.line, column: o.column),
                              hint: "add the matching '\(sym == "(" ? ")" : "]")'")
        }
        let endLine = firstLine + max(lines.count - 1, 0)
        tokens.append(Token(kind: .end, line: endLine, column: (lines.last?.count ?? 0) + 1))
        return tokens
    }

    /// Reads an integer (exact Int) or a decimal with optional exponent (Float).
    private func number(_ chars: [Unicode.Scalar], _ p: inout Int, loc: SourceLocation, line: Int) throws(LessonError) -> Token {
        let start = p
        func isDigit(_ i: Int) -> Bool { i < chars.count && ("0"..."9").contains(chars[i]) }
        while isDigit(p) { p += 1 }
        var isDecimal = false
        if p < chars.count, chars[p] == ".", isDigit(p + 1) {
            isDecimal = true
            p += 1
            while isDigit(p) { p += 1 }
        }
        if p < chars.count, chars[p] == "e" || chars[p] == "E" {
            var q = p + 1
            if q < chars.count, chars[q] == "+" || chars[q] == "-" { q += 1 }
            if isDigit(q) {
                isDecimal = true
                p = q
                while isDigit(p) { p += 1 }
            }
        }
        let text = String(String.UnicodeScalarView(chars[start..<p]))
        if isDecimal {
            guard let v = Float(text), v.isFinite else { throw LessonError("number \(text) is out of range for Float", at: loc) }
            return Token(kind: .decimal(v), line: line, column: start + 1)
        }
        guard let v = Int(text) else {
            throw LessonError("integer \(text) does not fit in Int (largest is \(Int.max))", at: loc, hint: "write it as a decimal (\(text).0) for a Float")
        }
        return Token(kind: .integer(v), line: line, column: start + 1)
    }
}
