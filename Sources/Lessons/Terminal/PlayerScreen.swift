/// Lays out one screen of the player as exactly `height` rows of at most `width` columns:
/// a header row and a blank row, the visible slice of the page, a status row and the key
/// legend. Pure, so what a terminal of any size shows can be checked in tests.
struct PlayerScreen {
    var width: Int
    var height: Int

    /// Rows left for the page: the screen less the header, the blank row after it, the status
    /// row and the legend.
    var bodyHeight: Int { max(1, height - 4) }

    /// The screen's rows. `body` is already folded to the width.
    func rows(header: String, body: [String], state: PlayerState, pageLabel: String, legend: [LegendItem], styled: (String) -> String) -> [String] {
        var rows = [Self.cut(header, width), ""]
        let visible = Array(body.dropFirst(state.scroll).prefix(bodyHeight))
        rows += visible
        rows += Array(repeating: "", count: bodyHeight - visible.count)
        rows.append(styled(status(bodyRows: body.count, state: state)))
        rows.append(styled(Self.legend(([LegendItem(pageLabel, keep: true)] + legend), width: width)))
        return rows
    }

    /// The status row: a message, the cell-number prompt, or where on a tall page the screen is.
    func status(bodyRows: Int, state: PlayerState) -> String {
        if case .goTo(let typed) = state.mode { return Self.cut("go to cell: \(typed)_   Enter: go · Esc: cancel", width) }
        if let m = state.message { return Self.cut(m, width) }
        guard bodyRows > bodyHeight else { return "" }
        let first = state.scroll + 1
        let last = min(state.scroll + bodyHeight, bodyRows)
        let more = last < bodyRows ? " · ↓ PgDn: more" : " · end of page"
        return Self.cut("rows \(first)-\(last) of \(bodyRows)\(more)", width)
    }

    /// One entry of the key legend; items not marked `keep` are dropped, last first, until the
    /// legend fits, so what is shown is never cut in the middle.
    struct LegendItem: Equatable {
        var text: String
        var keep: Bool
        init(_ text: String, keep: Bool = false) { self.text = text; self.keep = keep }
    }

    static func legend(_ items: [LegendItem], width: Int) -> String {
        var items = items
        func joined() -> String { "── " + items.map(\.text).joined(separator: " · ") + " ──" }
        while joined().count > width, let drop = items.lastIndex(where: { !$0.keep }) { items.remove(at: drop) }
        let line = joined()
        if line.count <= width { return line }
        // Narrower than the essential keys with their rules: drop the rules, then whole items.
        var bare = items.map(\.text)
        while bare.count > 1, bare.joined(separator: " · ").count > width { bare.removeLast() }
        return cut(bare.joined(separator: " · "), width)
    }

    /// The key list shown by `?`.
    static let helpLines = [
        "Keys",
        "",
        "  Enter, space, →     next page (Enter on the last page: finish)",
        "  b, Backspace, ←     previous page",
        "  ↑ ↓                 scroll a row",
        "  PgUp PgDn           scroll a screen",
        "  Home End            top / bottom of the page",
        "  a                   show or hide the exercise answers",
        "  g                   go to a cell by its number",
        "  e                   edit this cell in $VISUAL or $EDITOR and rerun it",
        "  w                   write the edited cell back to the lesson file",
        "  ?                   this list",
        "  q, Ctrl-D           leave the lesson",
        "",
        "In a step-through: Enter/space next, b back, a autoplay, + - speed,",
        "j jump to a window, q skip to the result.",
        "",
        "Press any key to go back to the page.",
    ]

    // MARK: text measure (escape sequences take no columns)

    /// Columns a line takes: characters outside `ESC [ ... m` sequences.
    static func visibleWidth(_ s: String) -> Int {
        var n = 0
        var inEscape = false
        for c in s.unicodeScalars {
            if inEscape { if c.value >= 0x40 && c.value <= 0x7E && c != "[" { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            n += 1
        }
        return n
    }

    /// A line folded into rows of at most `width` columns. Styles open at a fold are closed at
    /// the end of the row and opened again on the next, so each row stands alone when scrolled.
    static func fold(_ line: String, width: Int) -> [String] {
        guard visibleWidth(line) > width, width > 0 else { return [line] }
        var rows: [String] = []
        var row = ""
        var columns = 0
        var active = ""  // the last style sequence in force (reset clears it)
        var escape = ""
        for c in line.unicodeScalars {
            if !escape.isEmpty {
                escape.unicodeScalars.append(c)
                if c.value >= 0x40 && c.value <= 0x7E && c != "[" {
                    row += escape
                    active = escape == "\u{1B}[0m" ? "" : active + escape
                    escape = ""
                }
                continue
            }
            if c == "\u{1B}" { escape = "\u{1B}"; continue }
            if columns == width {
                rows.append(active.isEmpty ? row : row + "\u{1B}[0m")
                row = active
                columns = 0
            }
            row.unicodeScalars.append(c)
            columns += 1
        }
        rows.append(row + escape)
        return rows
    }

    /// Plain text of one row cut at the last word boundary that leaves room for `…`.
    static func cutAtWord(_ s: String, _ width: Int) -> String {
        guard s.count > width, width > 1 else { return s }
        let head = s.prefix(width - 1)
        guard let space = head.lastIndex(of: " "), head.distance(from: head.startIndex, to: space) > width / 2 else { return head + "…" }
        return head[..<space] + " …"
    }

    /// Plain text cut to `width` columns (for rows without styles).
    static func cut(_ s: String, _ width: Int) -> String {
        visibleWidth(s) <= width ? s : fold(s, width: width)[0]
    }
}

/// Error text for a terminal of `width` columns: the message line and the hint are wrapped at
/// word boundaries (continuations indented two spaces); the source line and its caret are
/// left as they are, so the caret stays under the column it points at.
enum ErrorText {
    static func wrap(_ rendered: String, width: Int) -> String {
        var out: [String] = []
        let lines = rendered.components(separatedBy: "\n")
        for (i, line) in lines.enumerated() {
            let prose = i == 0 || line.hasPrefix("hint: ") || line.hasPrefix("error: ")
            out += prose ? words(line, width: width) : [line]
        }
        return out.joined(separator: "\n")
    }

    /// One line broken at spaces into rows of at most `width` columns (a word longer than a
    /// row stays whole on its own row).
    static func words(_ line: String, width: Int) -> [String] {
        guard line.count > width, width > 10 else { return [line] }
        var rows: [String] = []
        var row = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            let w = String(word)
            if !row.isEmpty, row.count + 1 + w.count > width {
                rows.append(row)
                row = "  " + w
            } else {
                row += row.isEmpty && rows.isEmpty ? w : (row == "  " ? w : " " + w)
            }
        }
        rows.append(row)
        return rows
    }
}
