import Foundation
import Ink

/// Renders lesson narrative (Markdown) for a terminal: headings, emphasis, inline code, lists,
/// block quotes and code blocks, wrapped to the terminal width.
///
/// Ink parses the Markdown to HTML; this walks that HTML's small, known set of tags.
public struct NarrativeRenderer {
    public var terminal: TerminalIO

    public init(terminal: TerminalIO) { self.terminal = terminal }

    /// Prose is wrapped to at most this many columns, even in a wider terminal, to stay readable.
    public static let maxWidth = 100

    /// A collapsed section (`<details>`, `<summary>Answers</summary>`, ..., `</details>`), as the
    /// lessons use for exercise answers, becomes its summary as a bold line of its own and its
    /// body as ordinary Markdown: a terminal has nothing to click, and Ink would otherwise run
    /// the summary and the first paragraph together as raw HTML.
    static func unfoldDetails(_ markdown: String) -> String {
        var out: [String] = []
        for line in markdown.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t == "<details>" || t == "</details>" || t.hasPrefix("<details ") { out.append(""); continue }
            if t.hasPrefix("<summary>"), t.hasSuffix("</summary>") {
                let text = t.dropFirst("<summary>".count).dropLast("</summary>".count)
                out += ["", "**\(text)**", ""]
                continue
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// A run of text in one style; `space` says whether a space separates it from the run before.
    struct Run { var text: String; var style: Style; var space: Bool }
    struct Style: OptionSet { let rawValue: Int
        static let bold = Style(rawValue: 1), italic = Style(rawValue: 2), code = Style(rawValue: 4)
    }

    /// The rendered text, ending with a newline (empty for blank narrative).
    public func render(_ markdown: String) -> String {
        let trimmed = markdown.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "" }
        let html = MarkdownParser().html(from: Self.unfoldDetails(trimmed))
        var out: [String] = []
        var runs: [Run] = []
        var style: Style = []
        var pendingSpace = false
        var lists: [(ordered: Bool, counter: Int)] = []
        var quoteDepth = 0
        var inPre = false
        var preText = ""
        var heading = 0
        var itemPrefix: String?
        var table: [[String]]?
        var row: [String] = []
        var cellText = ""

        func indent() -> String { String(repeating: "  ", count: lists.count) + String(repeating: "│ ", count: quoteDepth) }
        func flush() {
            guard !runs.isEmpty else { return }
            var prefix = indent()
            var hanging = prefix
            if let p = itemPrefix {
                prefix = String(repeating: "  ", count: max(lists.count - 1, 0)) + p
                hanging = String(repeating: " ", count: prefix.count)
                itemPrefix = nil
            }
            var lines = wrap(runs, width: min(terminal.width, Self.maxWidth) - prefix.count)
            if heading > 0 {
                lines = lines.map { terminal.bold($0) }
                let plain = runs.map(\.text).joined(separator: " ")
                if heading <= 2 { lines.append(String(repeating: heading == 1 ? "=" : "-", count: min(plain.count, terminal.width))) }
            }
            for (i, l) in lines.enumerated() { out.append((i == 0 ? prefix : hanging) + l) }
            // List items sit on consecutive lines; the list as a whole ends with a blank line.
            if lists.isEmpty { out.append("") }
            runs = []
        }

        for token in HTMLTokens(html) {
            switch token {
            case .text(let raw):
                let t = decodeEntities(raw)
                if inPre { preText += t; continue }
                if table != nil { cellText += t; continue }
                if style.contains(.code) {
                    runs.append(Run(text: t, style: style, space: pendingSpace))
                    pendingSpace = false
                    continue
                }
                var first = true
                let startsWithSpace = t.first?.isWhitespace ?? false
                for piece in t.split(whereSeparator: \.isWhitespace) {
                    runs.append(Run(text: String(piece), style: style, space: first ? (startsWithSpace || pendingSpace) : true))
                    first = false
                }
                pendingSpace = t.last?.isWhitespace ?? false
            case .open(let tag):
                switch tag {
                case "em": style.insert(.italic)
                case "strong": style.insert(.bold)
                case "code": if !inPre { style.insert(.code) }
                case "h1", "h2", "h3", "h4", "h5", "h6": flush(); heading = Int(String(tag.dropFirst())) ?? 1
                case "p": flush()
                case "ul": flush(); lists.append((false, 0))
                case "ol": flush(); lists.append((true, 0))
                case "li":
                    flush()
                    if !lists.isEmpty {
                        lists[lists.count - 1].counter += 1
                        let l = lists[lists.count - 1]
                        itemPrefix = l.ordered ? "\(l.counter). " : "• "
                    }
                case "blockquote": flush(); quoteDepth += 1
                case "pre": flush(); inPre = true; preText = ""
                case "hr": flush(); out.append(String(repeating: "─", count: min(terminal.width, 60))); out.append("")
                case "br": flush()
                case "table": flush(); table = []
                case "tr": row = []
                case "td", "th": cellText = ""
                default: break
                }
                pendingSpace = pendingSpace && !["p", "li", "h1", "h2", "h3", "h4", "h5", "h6"].contains(tag)
            case .close(let tag):
                switch tag {
                case "em": style.remove(.italic)
                case "strong": style.remove(.bold)
                case "code": style.remove(.code)
                case "h1", "h2", "h3", "h4", "h5", "h6": flush(); heading = 0
                case "p", "li": flush()
                case "ul", "ol":
                    flush()
                    if !lists.isEmpty { lists.removeLast() }
                    if lists.isEmpty { out.append("") }
                case "blockquote": flush(); quoteDepth = max(quoteDepth - 1, 0)
                case "td", "th": row.append(cellText.trimmingCharacters(in: .whitespacesAndNewlines))
                case "tr": table?.append(row)
                case "table":
                    out += tableLines(table ?? []).map { indent() + $0 }
                    out.append("")
                    table = nil
                case "pre":
                    inPre = false
                    for l in preText.split(separator: "\n", omittingEmptySubsequences: false) {
                        out.append(indent() + "    " + terminal.dim(String(l)))
                    }
                    while out.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { out.removeLast() }
                    out.append("")
                default: break
                }
            }
        }
        flush()
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    /// A table's rows as aligned columns, the first row (the header) underlined.
    func tableLines(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out: [String] = []
        for (n, r) in rows.enumerated() {
            let cells = (0..<columns).map { i in (i < r.count ? r[i] : "").padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            let line = cells.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            out.append(n == 0 ? terminal.bold(line) : line)
            if n == 0 { out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")) }
        }
        return out
    }

    /// Greedy word wrap by visible width; runs joined without a space stay on one line.
    func wrap(_ runs: [Run], width: Int) -> [String] {
        var words: [[Run]] = []
        for r in runs {
            if r.space || words.isEmpty { words.append([r]) } else { words[words.count - 1].append(r) }
        }
        var lines: [String] = []
        var line = ""
        var visible = 0
        for w in words {
            let len = w.reduce(0) { $0 + $1.text.count + ($1.style.contains(.code) && !terminal.color ? 2 : 0) }
            let styled = w.map(styled).joined()
            if visible > 0, visible + 1 + len > width {
                lines.append(line)
                line = ""
                visible = 0
            }
            if visible > 0 { line += " "; visible += 1 }
            line += styled
            visible += len
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    func styled(_ r: Run) -> String {
        if r.style.contains(.code) { return terminal.color ? terminal.style(r.text, "36") : "`\(r.text)`" }
        var s = r.text
        if r.style.contains(.italic) { s = terminal.italic(s) }
        if r.style.contains(.bold) { s = terminal.bold(s) }
        return s
    }

    func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// The tags and text of Ink's HTML output, in order.
struct HTMLTokens: Sequence, IteratorProtocol {
    enum Token { case open(String), close(String), text(String) }
    private let chars: [Character]
    private var i = 0

    init(_ html: String) { chars = Array(html) }

    mutating func next() -> Token? {
        guard i < chars.count else { return nil }
        if chars[i] == "<", let end = chars[i...].firstIndex(of: ">") {
            let body = String(chars[(i + 1)..<end])
            i = end + 1
            let name = body.split(whereSeparator: { $0 == " " || $0 == "/" }).first.map(String.init)?.lowercased() ?? ""
            return body.hasPrefix("/") ? .close(String(body.dropFirst()).lowercased()) : .open(name)
        }
        let start = i
        while i < chars.count, chars[i] != "<" { i += 1 }
        if i == start { i += 1 }
        return .text(String(chars[start..<i]))
    }
}
