import Foundation

/// Draws one frame of `step` as terminal lines that fit `terminal.width` columns.
///
/// The window's cells are bracketed (`[1]`), padding cells show as `·`, the output cell just
/// written is bracketed and cells not yet computed show as `.`; with color on, the window is
/// highlighted in yellow and the new output value in green.
struct FrameRenderer {
    let terminal: TerminalIO

    enum Mark { case plain, window, padding, pending, new }

    /// Lines of one grid; `marks` per cell; `cellWidth` the widest value.
    func grid(_ title: String, _ cells: [[String]], _ marks: [[Mark]], maxWidth: Int, maxRows: Int = Int.max) -> [String] {
        let cw = max(cells.flatMap { $0 }.map(\.count).max() ?? 1, 1)
        let columns = cells.first?.count ?? 0
        // Show a band of columns around the highlighted cells when the grid is too wide.
        let fit = max((maxWidth - 2) / (cw + 2), 1)
        var first = 0
        if columns > fit {
            let hot = marks.flatMap { row in row.enumerated().filter { $0.element == .window || $0.element == .new }.map(\.offset) }
            let center = ((hot.min() ?? 0) + (hot.max() ?? 0)) / 2
            first = min(max(center - fit / 2, 0), columns - fit)
        }
        let last = min(first + fit, columns)
        // Likewise a band of rows when the grid is taller than the screen allows.
        var top = 0
        let rowsFit = max(maxRows, 3)
        if cells.count > rowsFit {
            let hot = marks.enumerated().filter { $0.element.contains { $0 == .window || $0 == .new } }.map(\.offset)
            let center = ((hot.min() ?? 0) + (hot.max() ?? 0)) / 2
            top = min(max(center - rowsFit / 2, 0), cells.count - rowsFit)
        }
        let bottom = min(top + rowsFit, cells.count)
        var lines = [" " + title + (top > 0 || bottom < cells.count ? " (rows \(top)-\(bottom - 1) of \(cells.count))" : "")]
        for r in top..<bottom {
            let row = cells[r]
            var line = first > 0 ? "…" : " "
            for c in first..<last {
                let v = row[c]
                let padded = String(repeating: " ", count: cw - v.count) + v
                switch marks[r][c] {
                case .plain: line += " \(padded) "
                case .window: line += terminal.style("[\(padded)]", "1;33")
                case .padding: line += terminal.dim(" \(padded) ")
                case .pending: line += terminal.dim(" \(padded) ")
                case .new: line += terminal.style("[\(padded)]", "1;32")
                }
            }
            if last < columns { line += "…" }
            lines.append(line)
        }
        return lines
    }

    /// Visible width of a line (escape codes do not count).
    static func visibleWidth(_ s: String) -> Int {
        var n = 0
        var inEscape = false
        for ch in s {
            if inEscape { if ch == "m" { inEscape = false }; continue }
            if ch == "\u{1B}" { inEscape = true; continue }
            n += 1
        }
        return n
    }

    /// The whole frame: heading, grids side by side when they fit (else stacked), the
    /// arithmetic wrapped to the width, and the key help.
    /// The frame, with grids cropped to fewer rows until it fits the screen's height.
    func render(_ trace: StepTrace, plane p: Int, frame f: Int, index: Int, total: Int, autoplay: Bool) -> [String] {
        var rows = max(terminal.height - 10, 3)
        var lines = render(trace, plane: p, frame: f, index: index, total: total, autoplay: autoplay, maxRows: rows)
        while lines.count > terminal.height - 1, rows > 3 {
            rows -= 1
            lines = render(trace, plane: p, frame: f, index: index, total: total, autoplay: autoplay, maxRows: rows)
        }
        return lines
    }

    func render(_ trace: StepTrace, plane p: Int, frame f: Int, index: Int, total: Int, autoplay: Bool, maxRows: Int) -> [String] {
        let plane = trace.planes[p]
        let frame = plane.frames[f]
        let width = terminal.width
        var out: [String] = []
        out += wrapWords(trace.summary, width: width).map { terminal.bold($0) }
        let what = trace.operation == "conv2d_transpose" ? "input cell [\(frame.position.row),\(frame.position.column)]"
                                                          : "output [\(frame.position.row),\(frame.position.column)]"
        out.append((plane.label.map { "\($0) · " } ?? "") + "window \(index + 1) of \(total) · \(what)")
        out.append("")

        let inWindow = Set(frame.inputCells)
        let newCells = Set(frame.outputCells)
        let outCells = frame.outputSoFar.map { $0.map { $0 ?? "." } }
        let outMarks = frame.outputSoFar.enumerated().map { r, row in row.enumerated().map { c, v -> Mark in
            newCells.contains(GridCell(r, c)) ? .new : (v == nil ? .pending : .plain) } }
        var blocks: [[String]] = []
        let several = plane.inputs.count > 1
        for (ch, input) in plane.inputs.enumerated() {
            let cells = input.map { $0.map { $0 ?? "·" } }
            let marks = input.enumerated().map { r, row in row.enumerated().map { c, v -> Mark in
                inWindow.contains(GridCell(r, c)) ? .window : (v == nil ? .padding : .plain) } }
            blocks.append(grid(several ? "input, channel \(ch)" : "input", cells, marks, maxWidth: width, maxRows: maxRows))
            if ch < plane.kernels.count {
                let k = plane.kernels[ch]
                blocks.append(grid(several ? "kernel, channel \(ch)" : "kernel", k, k.map { $0.map { _ in Mark.plain } }, maxWidth: width))
            }
        }
        blocks.append(grid("output", outCells, outMarks, maxWidth: width, maxRows: maxRows))
        out += flow(blocks, width: width)
        out.append("")
        out += wrapTerms(frame.equation, width: width)
        out.append("")
        out.append(terminal.dim(PlayerScreen.legend(autoplay
            ? [.init("autoplay", keep: true), .init("+/-: speed", keep: true), .init("any key stops", keep: true), .init("q: skip")]
            : [.init("Enter: next", keep: true), .init("b: back"), .init("a: autoplay"), .init("+/-: speed"),
               .init("j: jump"), .init("q: skip", keep: true)], width: width)))
        return out
    }

    /// Lays blocks out left to right, four columns apart, starting a new row of blocks when the
    /// next one would pass the width.
    func flow(_ blocks: [[String]], width: Int) -> [String] {
        var out: [String] = []
        var row: [[String]] = []
        var used = 0
        func emit() {
            guard !row.isEmpty else { return }
            if !out.isEmpty { out.append("") }
            let widths = row.map { $0.map(Self.visibleWidth).max() ?? 0 }
            for r in 0..<(row.map(\.count).max() ?? 0) {
                var line = ""
                for (b, block) in row.enumerated() {
                    let cell = r < block.count ? block[r] : ""
                    line += cell
                    if b < row.count - 1 { line += String(repeating: " ", count: widths[b] - Self.visibleWidth(cell) + 4) }
                }
                out.append(line)
            }
            row = []
            used = 0
        }
        for block in blocks {
            let w = block.map(Self.visibleWidth).max() ?? 0
            if !row.isEmpty, used + 4 + w > width { emit() }
            used += (row.isEmpty ? 0 : 4) + w
            row.append(block)
        }
        emit()
        return out
    }

    /// Wraps an equation at its ` + ` or `, ` joints.
    func wrapTerms(_ s: String, width: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for token in s.split(separator: " ", omittingEmptySubsequences: false) {
            let t = String(token)
            if !current.isEmpty, current.count + 1 + t.count > width {
                pieces.append(current)
                current = "  " + t
            } else {
                current += current.isEmpty ? t : " " + t
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    func wrapWords(_ s: String, width: Int) -> [String] { wrapTerms(s, width: width) }
}
