import Foundation

/// One executable cell of a lesson: a fenced ```cnn block and, optionally, the ```output
/// block directly after it.
public struct Cell: Sendable {
    /// Options after `cnn` in the info string.
    public enum Option: String, Sendable, CaseIterable {
        /// Run the cell but do not compare its output (e.g. timings).
        case noCheck = "no-check"
        /// The cell must fail; its output block holds the error's first line.
        case error
    }

    /// 1-based position among the lesson's cells.
    public var number: Int
    /// The code between the fences.
    public var code: String
    /// File line of the opening ```cnn fence.
    public var fenceLine: Int
    /// File line of the first line of code.
    public var codeLine: Int { fenceLine + 1 }
    public var options: Set<Option>
    /// The expected output, if the cell has an output block.
    public var expected: String?
    /// File lines of the output block, fences included (for `check --update`).
    public var outputLines: ClosedRange<Int>?
    /// Last file line of the cell's own closing fence.
    public var closingLine: Int
}

/// A piece of a lesson in reading order.
public enum LessonPart: Sendable {
    case narrative(String)
    case cell(Cell)
}

/// A parsed lesson file.
///
/// The first `# ` heading is the title; `NN-name.md` gives number and name. A fenced block with
/// info string `cnn` is a cell; a fenced `output` block directly after it (blank lines between
/// are allowed) is its expected output. Everything else is narrative.
public struct LessonDocument: Sendable {
    public var path: String
    public var number: Int?
    public var name: String
    public var title: String
    public var lines: [String]
    public var parts: [LessonPart]

    public var cells: [Cell] {
        parts.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
    }

    /// Reads and parses a lesson file.
    public init(contentsOf path: String) throws(LessonError) {
        let text: String
        let at = SourceLocation(file: path, line: 1, column: 1)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw LessonError("no such lesson file", at: at, hint: "run 'cnnlearn lessons' to list the lessons")
        }
        if isFolder.boolValue { throw LessonError("is a folder, not a lesson file", at: at, hint: "give a file NN-name.md, or use 'cnnlearn check FOLDER'") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LessonError("cannot read the lesson file", at: at, hint: "check its permissions")
        }
        guard let decoded = String(validating: data, as: UTF8.self) else {
            throw LessonError("is not UTF-8 text, so not a lesson (Markdown) file", at: at)
        }
        text = decoded
        try self.init(text: text, path: path)
    }

    /// Parses lesson text; `path` names it in errors and gives number and name.
    public init(text: String, path: String) throws(LessonError) {
        self.path = path
        let fileName = (path as NSString).lastPathComponent
        if let n = LessonName(fileName: fileName) {
            number = n.number
            name = n.name
        } else {
            number = nil
            name = fileName.hasSuffix(".md") ? String(fileName.dropLast(3)) : fileName
        }
        // Split on "\n" scalars: a String sees "\r\n" as one Character, so splitting
        // Characters would leave a CRLF file as one line (and no cells).
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                var s = String.UnicodeScalarView(line)
                if s.last == "\r" { s.removeLast() }
                return String(s)
            }
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        title = name
        parts = []
        try parse()
    }

    private func loc(_ line: Int, _ column: Int = 1) -> SourceLocation { SourceLocation(file: path, line: line, column: column) }

    /// A fence line: up to three spaces, then three or more backticks or tildes.
    static func fence(_ line: String) -> (marker: String, info: String, indent: Int)? {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let ch = rest.first, ch == "`" || ch == "~" else { return nil }
        let marker = rest.prefix { $0 == ch }
        guard marker.count >= 3 else { return nil }
        return (String(marker), rest.dropFirst(marker.count).trimmingCharacters(in: .whitespaces), indent)
    }

    /// Finds the closing fence of a block opened at `start` (0-based); returns its index.
    private func closing(from start: Int, marker: String) throws(LessonError) -> Int {
        var i = start + 1
        while i < lines.count {
            if let f = Self.fence(lines[i]), f.info.isEmpty, f.marker.first == marker.first, f.marker.count >= marker.count { return i }
            i += 1
        }
        throw LessonError("code block opened here is never closed", at: loc(start + 1), hint: "add a line with \(marker)")
    }

    /// The space-separated words of `line` after `offset` characters, with 1-based columns.
    static func words(_ line: String, from offset: Int) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var current = ""
        var start = 0
        for (i, ch) in line.enumerated() where i >= offset {
            if ch == " " || ch == "\t" {
                if !current.isEmpty { out.append((current, start + 1)); current = "" }
            } else {
                if current.isEmpty { start = i }
                current.append(ch)
            }
        }
        if !current.isEmpty { out.append((current, start + 1)) }
        return out
    }

    private mutating func parse() throws(LessonError) {
        var narrative: [String] = []
        var foundTitle = false
        var i = 0
        var cellNumber = 0
        func flush() {
            if !narrative.isEmpty { parts.append(.narrative(narrative.joined(separator: "\n"))) }
            narrative = []
        }
        while i < lines.count {
            let line = lines[i]
            guard let f = Self.fence(line) else {
                if !foundTitle, line.hasPrefix("# ") {
                    title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                    foundTitle = true
                }
                narrative.append(line)
                i += 1
                continue
            }
            let end = try closing(from: i, marker: f.marker)
            let words = f.info.split(separator: " ").map(String.init)
            if words.first == "output" {
                throw LessonError("output block without a cnn cell before it", at: loc(i + 1, f.indent + 1),
                                  hint: "an output block must come directly after the ```cnn block it belongs to")
            }
            guard words.first == "cnn" else {
                narrative.append(contentsOf: lines[i...end])
                i = end + 1
                continue
            }
            var options: Set<Cell.Option> = []
            for (w, column) in Self.words(line, from: f.indent + f.marker.count).dropFirst() {
                guard let o = Cell.Option(rawValue: w) else {
                    throw LessonError("unknown cell option '\(w)'", at: loc(i + 1, column),
                                      hint: "known options: \(Cell.Option.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                options.insert(o)
            }
            flush()
            cellNumber += 1
            var cell = Cell(number: cellNumber, code: lines[(i + 1)..<end].joined(separator: "\n"), fenceLine: i + 1,
                            options: options, expected: nil, outputLines: nil, closingLine: end + 1)
            // Look past blank lines for the output block.
            var j = end + 1
            while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
            if j < lines.count, let o = Self.fence(lines[j]), o.info.split(separator: " ").first == "output" {
                let oEnd = try closing(from: j, marker: o.marker)
                cell.expected = lines[(j + 1)..<oEnd].joined(separator: "\n")
                cell.outputLines = (j + 1)...(oEnd + 1)
                i = oEnd + 1
            } else {
                i = end + 1
            }
            parts.append(.cell(cell))
        }
        flush()
    }
}
