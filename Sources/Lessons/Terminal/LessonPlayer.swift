import Foundation

/// Shows a lesson in the terminal: narrative, each cell's code and output, one page per cell.
///
/// In a terminal it pauses after each cell (Enter: next, b: back, q: quit) and `step` goes
/// frame by frame. With `--no-pause`, or when stdout is not a terminal, it runs straight
/// through, writes no escape codes and waits for nothing.
public enum LessonPlayer {
    public struct Options: Sendable {
        public var terminal: TerminalIO
        public init(terminal: TerminalIO) { self.terminal = terminal }

        /// Options for the real terminal, honouring `--no-pause` and NO_COLOR.
        public static func fromEnvironment(noPause: Bool) -> Options {
            Options(terminal: TerminalIO.current(noPause: noPause))
        }
    }

    /// Plays the lesson at `path`; returns the exit status (1 if the file is malformed or a cell
    /// raised an error it was not meant to).
    public static func play(path: String, options: Options) -> Int32 {
        let doc: LessonDocument
        do {
            doc = try LessonDocument(contentsOf: path)
        } catch {
            let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.components(separatedBy: "\n") ?? []
            FileHandle.standardError.write(Data(error.rendered(sourceLines: lines).utf8))
            return 1
        }
        let term = options.terminal
        let presenter: StepPresenter = term.interactive ? TerminalStepPlayer(terminal: term) : TraceStepPresenter()
        let runner = LessonRunner(document: doc, stepPresenter: presenter)
        let pages = Pages(document: doc, runner: runner, terminal: term)
        if !term.interactive {
            for i in 0..<pages.count { term.write(pages.page(i)) }
            return pages.failed ? 1 : 0
        }
        KeyReader.enterRawMode()
        defer { KeyReader.restore() }
        var i = 0
        while i < pages.count {
            let text = pages.page(i)
            term.clearScreen()
            term.write(header(doc, term) + text)
            let last = i == pages.count - 1
            term.write("\n" + term.dim("── \(i + 1)/\(pages.count) · Enter: \(last ? "finish" : "next") · b: back · q: quit ──") + "\n")
            switch KeyReader.read() {
            case .back?: i = max(0, i - 1)
            case .quit?, nil: return 0
            default: i += 1
            }
        }
        return pages.failed ? 1 : 0
    }

    static func header(_ doc: LessonDocument, _ term: TerminalIO) -> String {
        let num = doc.number.map { $0 < 10 ? "0\($0) " : "\($0) " } ?? ""
        return term.dim("\(num)\(doc.name) · \(doc.title)") + "\n\n"
    }
}

/// A lesson cut into pages: the narrative before a cell, the cell, and its output. Cells run
/// the first time their page is shown, in order.
final class Pages {
    let document: LessonDocument
    let runner: LessonRunner
    let terminal: TerminalIO
    private var chunks: [(narrative: String, cell: Cell?)] = []
    private var rendered: [String] = []
    private(set) var failed = false

    init(document: LessonDocument, runner: LessonRunner, terminal: TerminalIO) {
        self.document = document
        self.runner = runner
        self.terminal = terminal
        var narrative = ""
        for part in document.parts {
            switch part {
            case .narrative(let t): narrative += t + "\n"
            case .cell(let c): chunks.append((narrative, c)); narrative = ""
            }
        }
        // A last page only when it has something to show (a closing </details> renders as nothing).
        if !NarrativeRenderer(terminal: terminal).render(narrative).isEmpty || chunks.isEmpty { chunks.append((narrative, nil)) }
    }

    var count: Int { chunks.count }

    /// The text of page `i` (running its cell the first time).
    func page(_ i: Int) -> String {
        while rendered.count <= i { rendered.append(make(rendered.count)) }
        return rendered[i]
    }

    private func make(_ i: Int) -> String {
        let (narrative, cell) = chunks[i]
        var out = NarrativeRenderer(terminal: terminal).render(narrative)
        guard let cell else { return out }
        if !out.isEmpty { out += "\n" }
        if terminal.interactive { terminal.clearScreen(); terminal.write(LessonPlayer.header(document, terminal) + out) }
        out += CellView(terminal: terminal).code(cell)
        if terminal.interactive { terminal.write(CellView(terminal: terminal).code(cell)) }
        let result = runner.run(cell)
        out += CellView(terminal: terminal).output(result, document: document)
        if result.error != nil && !cell.options.contains(.error) { failed = true }
        return out + "\n"
    }
}

/// How a cell and its output look: `In [n]:` and `Out[n]:`, notebook style.
struct CellView {
    let terminal: TerminalIO
    let gutter = 9

    func code(_ cell: Cell) -> String {
        let lines = cell.code.components(separatedBy: "\n")
        var out = ""
        for (i, l) in lines.enumerated() {
            let label = i == 0 ? "In [\(cell.number)]:" : ""
            out += terminal.dim(label.padding(toLength: gutter, withPad: " ", startingAt: 0)) + terminal.bold(l) + "\n"
        }
        return out
    }

    func output(_ r: CellResult, document: LessonDocument) -> String {
        var out = ""
        let printed = LessonRunner.normalize(r.output)
        if !printed.isEmpty {
            for (i, l) in printed.components(separatedBy: "\n").enumerated() {
                let label = i == 0 ? "Out[\(r.cell.number)]:" : ""
                out += l.isEmpty && label.isEmpty ? "\n" : terminal.dim(label.padding(toLength: gutter, withPad: " ", startingAt: 0)) + l + "\n"
            }
        }
        if let e = r.error, !r.cell.options.contains(.error) {
            out += terminal.style(e.rendered(sourceLines: document.lines), "31")
        } else {
            // figure(...) prints nothing; say where `cnnlearn figures` puts the picture (.png and .svg).
            for id in Self.figureIDs(in: r.cell.code) {
                out += terminal.dim("figure → docs/figures/\(id).png") + "\n"
            }
        }
        return out
    }

    /// The ids of the `figure("id", ...)` calls in a cell's code, in order.
    static func figureIDs(in code: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(code)
        while let r = rest.range(of: "figure(\"") {
            let after = rest[r.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            ids.append(String(after[..<end]))
            rest = after[end...]
        }
        return ids
    }
}
