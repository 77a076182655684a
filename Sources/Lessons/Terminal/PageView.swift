import Foundation
import Imaging

/// One page of the player as data: what `Pages.build` makes from the lesson and the cell's
/// result, before anything is laid out or written. `PageDrawer` turns it into text (a pipe)
/// or screen rows (the terminal).
struct PageView {
    /// A `figure("id", ...)` call of the page's cell and where its PNG is.
    struct FigureRef: Equatable {
        var id: String
        var path: String
        /// Whether the PNG is there (else `cnnlearn figures` makes it).
        var exists: Bool
    }

    enum Block {
        /// Narrative, rendered for the terminal.
        case narrative(String)
        /// Where an exercise's answers are, while they are hidden.
        case answersHidden(title: String)
        /// The cell: its code, and once it has run its result, whose `outcome` (passed, output
        /// mismatch, error, missing error, not checked) is what is drawn. `edited`: changed with `e`.
        case cell(Cell, result: CellResult?, edited: Bool, figures: [FigureRef])
        /// The last page names the lesson after this one.
        case next(String)
    }

    var blocks: [Block] = []
}

/// Lays a `PageView` out: as text, or as screen rows folded to the terminal's width, with a
/// figure's picture in place when the terminal can show one.
struct PageDrawer {
    let terminal: TerminalIO
    let document: LessonDocument
    let images: ImageProtocol?

    /// Rows a picture takes at most (it never fills the screen: its path and some text stay).
    static let maxPictureRows = 12

    /// Marks the row where a figure goes in `text(_:pictures:)`'s output.
    static let figureMark = "\u{0}figure:"

    /// The page as text; figures are their path lines (what a pipe gets).
    func text(_ view: PageView) -> String {
        draw(view).components(separatedBy: "\n").map { line in
            guard line.hasPrefix(Self.figureMark) else { return line }
            return pathLine(String(line.dropFirst(Self.figureMark.count)))
        }.joined(separator: "\n")
    }

    /// The page as screen rows of at most the terminal's width. With an image protocol, a
    /// figure whose PNG exists is its path line, then a marker row and blank rows for the
    /// picture (`PlacedImage`), sized to fit `bodyHeight` with room to spare.
    func rows(_ view: PageView, bodyHeight: Int) -> [String] {
        var lines = draw(view).components(separatedBy: "\n")
        while lines.last?.isEmpty == true { lines.removeLast() }
        var rows: [String] = []
        for line in lines {
            guard line.hasPrefix(Self.figureMark) else {
                rows += PlayerScreen.fold(line, width: terminal.width)
                continue
            }
            let path = String(line.dropFirst(Self.figureMark.count))
            rows += PlayerScreen.fold(pathLine(path), width: terminal.width)
            guard images != nil, FileManager.default.fileExists(atPath: path), let size = Self.pngSize(path) else { continue }
            let box = PlacedImage.box(width: size.width, height: size.height,
                                      maxRows: max(3, min(Self.maxPictureRows, bodyHeight - 4)), maxColumns: terminal.width - 9)
            rows.append(PlacedImage.markerRow(path, rows: box.rows, columns: box.columns))
            rows += Array(repeating: "", count: box.rows - 1)
        }
        return rows
    }

    /// The width and height of a PNG, read from its header (IHDR), or nil if it is not one.
    static func pngSize(_ path: String) -> (width: Int, height: Int)? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        guard let d = try? h.read(upToCount: 24), d.count == 24, Array(d.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        let b = Array(d)
        func be(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        return (be(16), be(20))
    }

    /// A figure's path, shown relative to the current folder when it is inside it.
    func pathLine(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let shown = path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
        let made = FileManager.default.fileExists(atPath: path)
        return terminal.dim("figure → \(shown)" + (made ? "" : " (cnnlearn figures makes it)"))
    }

    /// The page's text with one `figureMark` line per figure.
    private func draw(_ view: PageView) -> String {
        var out = ""
        let cells = CellView(terminal: terminal)
        for block in view.blocks {
            switch block {
            case .narrative(let text):
                if !out.isEmpty { out += "\n" }
                out += text
            case .answersHidden(let title):
                if !out.isEmpty { out += "\n" }
                out += terminal.bold("▸ \(title)") + terminal.dim(" hidden · a: show them") + "\n"
            case let .cell(cell, result, edited, figures):
                if !out.isEmpty { out += "\n" }
                out += cells.code(cell)
                guard let result else { continue }
                let outcome = result.outcome
                out += cells.output(result, document: document)
                if case .error = outcome {} else {
                    // figure(...) prints nothing; show the picture, or say where it is.
                    for f in figures { out += Self.figureMark + f.path + "\n" }
                }
                out += cells.verdict(outcome, edited: edited)
            case .next(let name):
                // Wrapped at word boundaries: the row may be narrower than the name.
                out += "\n" + ErrorText.words("Next: \(name)", width: terminal.width).map { terminal.bold($0) }.joined(separator: "\n") + "\n"
            }
        }
        return out
    }
}
