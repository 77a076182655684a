/// How the REPL puts typed lines together into what it runs, and what Tab offers. Pure
/// functions over text, so they are tested without a terminal.
public enum ReplInput {
    /// How many brackets, parentheses and braces are open at the end of `source`, not counting
    /// those inside strings or `#` comments. The cell language lets a statement continue over
    /// lines while one is open, so the REPL keeps reading (with a `...` prompt) until none is.
    /// Negative when more close than open (the parser reports that).
    public static func openBrackets(in source: String) -> Int {
        var depth = 0
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            var inString = false
            var escaped = false
            characters: for c in line {
                if inString {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                    continue
                }
                switch c {
                case "#": break characters  // a comment: the rest of the line does not count
                case "\"": inString = true
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                default: break
                }
            }
        }
        return depth
    }

    /// Lines typed so far for one entry; `add` says whether the entry is complete.
    public struct Entry: Sendable {
        public private(set) var lines: [String] = []
        public init() {}

        public var source: String { lines.joined(separator: "\n") }
        public var isEmpty: Bool { lines.isEmpty }

        /// Adds a typed line; true when the entry is ready to run: a REPL command (`:help`)
        /// on the first line, or code with no bracket left open.
        public mutating func add(_ line: String) -> Bool {
            lines.append(line)
            if lines.count == 1, line.trimmingCharacters(in: .whitespaces).hasPrefix(":") { return true }
            return ReplInput.openBrackets(in: source) <= 0
        }
    }

    /// What Tab does: the word before the cursor (letters, digits, `_`, or a `:command`), the
    /// names starting with it, and the text to insert (the longest common continuation).
    public struct Completion: Equatable, Sendable {
        public var word: String
        public var candidates: [String]
        public var insertion: String
    }

    /// Completes the word ending at `cursor` (a character offset into `line`): a command after
    /// a leading `:`, a name everywhere else (`:help` and `:load` take a name or a path).
    public static func complete(_ line: String, cursor: Int, names: [String], commands: [String]) -> Completion {
        let before = Array(line.prefix(cursor))
        var start = before.count
        while start > 0, before[start - 1] == "_" || before[start - 1].isLetter || before[start - 1].isNumber { start -= 1 }
        var word = String(before[start...])
        var pool = names
        if start == 1, before[0] == ":" {
            word = ":" + word
            pool = commands
        } else if start > 0, before[start - 1] == ":", before[..<(start - 1)].allSatisfy(\.isWhitespace) {
            word = ":" + word
            pool = commands
        }
        // Nothing typed yet: no list of every name (Tab then does nothing, as in a shell).
        guard !word.isEmpty else { return Completion(word: word, candidates: [], insertion: "") }
        let candidates = Set(pool.filter { $0.hasPrefix(word) }).sorted()
        guard let first = candidates.first else { return Completion(word: word, candidates: [], insertion: "") }
        var common = first
        for c in candidates.dropFirst() {
            common = String(zip(common, c).prefix { $0 == $1 }.map(\.0))
        }
        var insertion = String(common.dropFirst(word.count))
        // A single, whole match gets a space (a command) or nothing more (a name, followed by
        // `(` or an operator the user types next).
        if candidates.count == 1, first.hasPrefix(":") { insertion += " " }
        return Completion(word: word, candidates: candidates, insertion: insertion)
    }
}
