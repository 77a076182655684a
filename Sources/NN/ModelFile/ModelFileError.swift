/// A mistake in a model file, at a 1-based line and column, with the line it is on.
///
/// Printed like lesson errors, `my-net.txt:3:8: error: message`, then the source line, a caret
/// under the column and an optional `hint:` line (`rendered`). NN cannot see the lessons'
/// error type (Lessons depends on NN), so it has this one; a CLI prints either the same way.
/// A file that cannot be read at all has line 0 and prints as `my-net.txt: error: message`.
public struct ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?
    /// The text of line `line` (without its newline), or "" when there is none.
    public var sourceLine: String

    public init(_ message: String, file: String, line: Int, column: Int, sourceLine: String, hint: String? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.sourceLine = sourceLine
        self.hint = hint
    }

    /// `file:line:column: error: message` on one line.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
    }

    /// The full report: the headline, the source line with a caret under the column, the hint.
    public var rendered: String {
        var out = description + "\n"
        if line > 0 {
            out += sourceLine + "\n"
            // Keep tabs so the caret lines up under the same column in a terminal.
            out += sourceLine.prefix(max(column - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined() + "^\n"
        }
        if let hint { out += "hint: \(hint)\n" }
        return out
    }
}

/// The candidate nearest to `word` by edit distance, ignoring case, if it is near enough to be
/// a likely typo (at most a third of the shorter word's length plus one).
func closestName(_ word: String, among candidates: [String]) -> String? {
    let w = Array(word.lowercased())
    var best: (String, Int)?
    for c in candidates {
        let d = levenshtein(w, Array(c.lowercased()))
        if d <= max(1, min(w.count, c.count) / 3 + 1), d < (best?.1 ?? Int.max) { best = (c, d) }
    }
    return best?.0
}

/// Levenshtein distance between two character arrays.
private func levenshtein(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    for i in 1...a.count {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return prev[b.count]
}
