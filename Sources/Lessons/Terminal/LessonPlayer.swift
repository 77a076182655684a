import Figures
import Foundation
import Imaging
import Tensor

/// Shows a lesson in the terminal: narrative, each cell's code and output, one page per cell.
///
/// In a terminal it waits for keys after each page (see `PlayerState` for the key map: pages,
/// scrolling a page taller than the screen, hidden exercise answers, going to a cell, editing
/// a cell) and `step` goes frame by frame. With `--no-pause`, or when stdout is not a
/// terminal, it runs straight through, answers included, writes no escape codes and waits
/// for nothing.
public enum LessonPlayer {
    public struct Options: Sendable {
        public var terminal: TerminalIO
        /// The lesson after this one, named on the last page ("next: 02 volumes").
        public var nextLesson: String?
        public init(terminal: TerminalIO, nextLesson: String? = nil) {
            self.terminal = terminal
            self.nextLesson = nextLesson
        }

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
        let pages = Pages(document: doc, terminal: term, nextLesson: options.nextLesson)
        if !term.interactive {
            for i in 0..<pages.count { term.write(pages.text(i)) }
            return pages.failed ? 1 : 0
        }
        KeyReader.enterRawMode()
        defer { KeyReader.restore() }
        pages.images = ImageProtocol.detect(environment: ProcessInfo.processInfo.environment, ask: { ImageProtocol.askTerminal() })
        var session = PlayerSession(pages: pages, terminal: term)
        let status = session.run()
        // The screen's last row has no newline: leave the shell's prompt on a row of its own.
        term.write("\n")
        return status
    }

    static func header(_ doc: LessonDocument, _ term: TerminalIO) -> String {
        let num = doc.number.map { $0 < 10 ? "0\($0) " : "\($0) " } ?? ""
        return term.dim(PlayerScreen.cutAtWord("\(num)\(doc.name) · \(doc.title)", term.width))
    }
}

/// The interactive loop: draws the screen for the state, reads a key, applies it.
struct PlayerSession {
    let pages: Pages
    var terminal: TerminalIO
    var state = PlayerState()
    /// Pictures already encoded for the terminal, by path and box.
    private var encoded: [String: String] = [:]

    init(pages: Pages, terminal: TerminalIO) {
        self.pages = pages
        self.terminal = terminal
        let t = terminal
        pages.willRun = { [unowned pages] i in
            t.write("\u{1B}[H\u{1B}[2J" + LessonPlayer.header(pages.document, t) + "\n\n" + pages.running(page: i).joined(separator: "\n"))
        }
    }

    mutating func run() -> Int32 {
        var draw = true
        while true {
            if draw {
                // A page with a walk shows its explanation and code first; the cells before
                // it run (quietly) so its code is ready to run.
                if pages.awaitsWalk(page: state.page) {
                    if state.page > 0 { pages.prepare(state.page - 1, answersShown: state.answersShown, quietly: true) }
                } else {
                    pages.prepare(state.page, answersShown: state.answersShown)
                }
                drawScreen()
            }
            let key = KeyReader.readKey() ?? .endOfInput
            if key == .resize {
                // Lay the pages out for the new size, keeping the scroll inside the page.
                terminal = terminal.remeasured()
                pages.resize(to: terminal)
                let t = terminal
                pages.willRun = { [unowned pages] i in
                    t.write("\u{1B}[H\u{1B}[2J" + LessonPlayer.header(pages.document, t) + "\n\n" + pages.running(page: i).joined(separator: "\n"))
                }
                state.scroll = min(state.scroll, max(0, pages.rowCount(page: state.page, answersShown: state.answersShown) - pages.bodyHeight))
                draw = true
                continue
            }
            let before = state.page
            let effect = state.handle(key, in: pages)
            if state.page > before { pages.arriving(at: state.page) }
            switch effect {
            case .none: draw = false
            case .startWalk:
                pages.startWalk(page: state.page, answersShown: state.answersShown)
                draw = true
            case .redraw: draw = true
            case .quit: return 0
            case .finish: return pages.failed ? 1 : 0
            case .edit:
                if !state.answersShown && pages.cellIsAnswer(page: state.page) {
                    state.message = "this page's cell is an answer · a: show it first"
                } else {
                    state.message = pages.edit(page: state.page, terminal: terminal)
                }
                draw = true
            case .write: state.message = pages.writeBack(page: state.page); draw = true
            }
        }
    }

    /// Writes the screen, then draws each picture whose whole box is on it over its blank rows
    /// (one cut by the edge of the page area keeps its path line only).
    mutating func drawScreen() {
        var rows = screen()
        var pictures: [(row: Int, image: PlacedImage)] = []
        let bodyEnd = 2 + PlayerScreen(width: terminal.width, height: terminal.height).bodyHeight
        for (i, r) in rows.enumerated() {
            guard let p = PlacedImage(row: r) else { continue }
            rows[i] = ""
            if i >= 2, i + p.rows <= bodyEnd { pictures.append((i, p)) }
        }
        terminal.write("\u{1B}[H\u{1B}[2J" + rows.joined(separator: "\n"))
        guard let proto = pages.images, !pictures.isEmpty else { return }
        for (row, p) in pictures {
            let key = "\(p.path):\(p.rows):\(p.columns)"
            if encoded[key] == nil {
                guard let data = FileManager.default.contents(atPath: p.path), let image = try? PNGCodec.decode(Array(data), path: p.path) else { continue }
                encoded[key] = proto.sequence(png: Array(data), image: image, columns: p.columns, rows: p.rows,
                                              cell: TerminalIO.cellPixels() ?? (width: 8, height: 16)) ?? ""
            }
            // Save the cursor, draw at the box's top-left (after the gutter), restore it.
            terminal.write("\u{1B}7\u{1B}[\(row + 1);10H" + (encoded[key] ?? "") + "\u{1B}8")
        }
    }

    func screen() -> [String] {
        let layout = PlayerScreen(width: terminal.width, height: terminal.height)
        let header = LessonPlayer.header(pages.document, terminal)
        if state.mode == .help {
            let body = PlayerScreen.helpLines.flatMap { PlayerScreen.fold($0, width: terminal.width) }
            return layout.rows(header: header, body: body, state: PlayerState(), pageLabel: "keys",
                               legend: [.init("any key: back to the page", keep: true)], styled: terminal.dim)
        }
        let body = pages.rows(page: state.page, answersShown: state.answersShown)
        let last = state.shownPage(after: state.page, in: pages) == nil
        let walk = pages.awaitsWalk(page: state.page)
        var legend: [PlayerScreen.LegendItem] = [
            .init(walk ? "Enter: start the step-through" : last ? "Enter: finish" : "Enter: next", keep: true),
            .init("?: keys", keep: true),
            .init("q: quit", keep: true),
        ]
        if body.count > layout.bodyHeight { legend.insert(.init("↑↓ PgUp PgDn: scroll"), at: 1) }
        if pages.hasAnswers(page: state.page) {
            legend.insert(.init(state.answersShown ? "a: hide answers" : "a: answers"), at: 1)
        }
        if pages.cell(onPage: state.page) != nil, state.answersShown || !pages.cellIsAnswer(page: state.page) { legend.insert(.init("e: edit"), at: legend.count - 2) }
        legend.insert(.init("b: back"), at: 1)
        let shown = (0..<pages.count).filter { pages.isShown(page: $0, answersShown: state.answersShown) }
        let position = (shown.firstIndex(of: state.page) ?? 0) + 1
        return layout.rows(header: header, body: body, state: state, pageLabel: "\(position)/\(shown.count)",
                           legend: legend, styled: terminal.dim)
    }
}

/// A lesson cut into pages (see `PageSource`): the narrative before a cell, the cell and its
/// output. Cells run the first time their page (or a later one) is shown, in order; a cell
/// edited with `e` reruns, and the cells after it run again on the new bindings when their
/// pages are shown next.
final class Pages: PlayerLayout {
    private(set) var document: LessonDocument
    private(set) var terminal: TerminalIO
    /// How figures are drawn in this terminal; nil = their paths only.
    var images: ImageProtocol?
    /// Called before a page's cell runs on screen (the session shows the page meanwhile).
    var willRun: ((Int) -> Void)?
    let nextLesson: String?
    private(set) var sources: [PageSource]
    private var runner: LessonRunner
    /// Each page's cell result, in order; pages at and after `results.count` have not run.
    private var results: [CellResult?] = []
    /// Cells changed with `e`, by cell number: the code that runs instead of the file's.
    private(set) var edits: [Int: String] = [:]
    /// Rows by page and answers setting, dropped when a page's result changes.
    private var cache: [Int: [Bool: [String]]] = [:]
    private(set) var failed = false

    init(document: LessonDocument, terminal: TerminalIO, nextLesson: String? = nil) {
        self.document = document
        self.terminal = terminal
        self.nextLesson = nextLesson
        runner = LessonRunner(document: document)
        sources = PageSource.pages(of: document)
        // A last page only when it has something to show (a closing </details> renders as nothing).
        if sources.count > 1, let last = sources.last, last.cell == nil,
           !last.segments.contains(where: { Self.hasText($0.markdown, terminal) }) {
            sources.removeLast()
        }
    }

    var count: Int { sources.count }
    var pageCount: Int { sources.count }
    var cellCount: Int { document.cells.count }
    var bodyHeight: Int { PlayerScreen(width: terminal.width, height: terminal.height).bodyHeight }

    func cell(onPage i: Int) -> Cell? {
        guard var c = sources[i].cell else { return nil }
        if let code = edits[c.number] { c.code = code }
        return c
    }

    func page(ofCell number: Int) -> Int? { sources.firstIndex { $0.cell?.number == number } }

    func hasAnswers(page i: Int) -> Bool { sources[i].hasHidden }

    func cellIsAnswer(page i: Int) -> Bool { sources[i].cell != nil && sources[i].cellHidden }

    func isShown(page i: Int, answersShown: Bool) -> Bool {
        if answersShown { return true }
        let s = sources[i]
        if s.opensAnswers { return true }
        if s.cell != nil && !s.cellHidden { return true }
        return s.segments.contains { !$0.hidden && Self.hasText($0.markdown, terminal) }
    }

    /// Whether narrative renders as anything but blank lines (`</details>` alone does not).
    static func hasText(_ markdown: String, _ terminal: TerminalIO) -> Bool {
        !NarrativeRenderer(terminal: terminal).render(markdown).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// The walks (`step`) each page's cell went through on screen, to replay them.
    private var walks: [Int: [StepTrace]] = [:]
    /// Pages to replay the walk of when next started (armed by coming forward onto them).
    private var replayArmed: Set<Int> = []

    /// Whether the page's cell has a `step` in it.
    func hasWalk(page i: Int) -> Bool {
        guard let c = cell(onPage: i), let statements = try? Parser.parse(c.code, file: document.path, firstLine: c.codeLine) else { return false }
        return statements.contains { if case .step = $0 { return true } else { return false } }
    }

    /// Whether the page waits for Enter before its walk: its explanation and code stay on the
    /// screen until the learner starts the walk (and after coming back to it, to replay it).
    func awaitsWalk(page i: Int) -> Bool {
        terminal.interactive && hasWalk(page: i) && (i >= results.count || replayArmed.contains(i))
    }

    /// Coming forward onto a page whose walk was played arms it to play again.
    func arriving(at i: Int) {
        if i < results.count, walks[i] != nil { replayArmed.insert(i); cache[i] = nil }
    }

    /// Starts the page's walk: runs the cell (its first time) or replays the walks it showed.
    func startWalk(page i: Int, answersShown: Bool) {
        if i >= results.count {
            prepare(i, answersShown: answersShown)
            return
        }
        replayArmed.remove(i)
        cache[i] = nil
        let player = TerminalStepPlayer(terminal: terminal)
        for trace in walks[i] ?? [] { _ = player.present(trace) }
    }

    /// Runs the cells up to page `i`. Only the cell of the page about to be shown may step
    /// through its windows on screen; cells run on the way (after `g`, or hidden answers) print
    /// their steps as text, as a pipe would get them.
    func prepare(_ i: Int, answersShown: Bool, quietly: Bool = false) {
        while results.count <= i {
            let p = results.count
            let onScreen = !quietly && terminal.interactive && p == i && isShown(page: p, answersShown: answersShown)
                && (answersShown || !sources[p].cellHidden)
            let recorder = RecordingStepPresenter(onScreen ? TerminalStepPlayer(terminal: terminal) : TraceStepPresenter())
            runner.interpreter.stepPresenter = recorder
            defer { if onScreen, !recorder.traces.isEmpty { walks[p] = recorder.traces } }
            guard let cell = cell(onPage: p) else { results.append(nil); continue }
            // The session shows the page while its cell runs (a long cell, or the start of a walk).
            if onScreen { willRun?(p) }
            let r = runner.run(cell)
            if case .error = r.outcome { failed = true }
            results.append(r)
            cache[p] = nil
        }
    }

    /// Page `i` as text with its answers (what a pipe gets), running its cell if needed.
    func text(_ i: Int) -> String {
        prepare(i, answersShown: true)
        return content(i, answersShown: true, result: results[i]) + "\n"
    }

    /// Page `i` folded into screen rows (a picture is a marker row and the blank rows it covers).
    func rows(page i: Int, answersShown: Bool) -> [String] {
        if let rows = cache[i]?[answersShown] { return rows }
        let view = build(i, answersShown: answersShown, result: i < results.count && !replayArmed.contains(i) ? results[i] : nil)
        let rows = PageDrawer(terminal: terminal, document: document, images: images).rows(view, bodyHeight: bodyHeight)
        cache[i, default: [:]][answersShown] = rows
        return rows
    }

    /// The page's cell as it runs: the session draws the page (its code, no result yet).
    func running(page i: Int) -> [String] {
        let text = content(i, answersShown: true, result: nil)
        return text.components(separatedBy: "\n").flatMap { PlayerScreen.fold($0, width: terminal.width) }
    }

    /// The terminal changed size: lay every page out again.
    func resize(to t: TerminalIO) {
        terminal = t
        cache = [:]
    }

    func rowCount(page i: Int, answersShown: Bool) -> Int { rows(page: i, answersShown: answersShown).count }

    /// Page `i` as data (narrative, code, the cell's result, figures, the next lesson), for
    /// `PageDrawer` to lay out; building it writes nothing.
    func build(_ i: Int, answersShown: Bool, result: CellResult?) -> PageView {
        let s = sources[i]
        let renderer = NarrativeRenderer(terminal: terminal)
        var view = PageView()
        var placeholder = false
        func addPlaceholder() {
            guard !placeholder else { return }
            placeholder = true
            view.blocks.append(.answersHidden(title: s.answersTitle))
        }
        for seg in s.segments {
            if seg.hidden && !answersShown { addPlaceholder(); continue }
            let r = renderer.render(seg.markdown)
            if r.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            view.blocks.append(.narrative(r))
        }
        if let cell = cell(onPage: i) {
            if s.cellHidden && !answersShown {
                addPlaceholder()
            } else {
                view.blocks.append(.cell(cell, result: result, edited: edits[cell.number] != nil, figures: figures(of: cell)))
            }
        }
        if i == sources.count - 1, let next = nextLesson { view.blocks.append(.next(next)) }
        return view
    }

    /// Page `i` as text (what a pipe gets, and the rows before folding).
    func content(_ i: Int, answersShown: Bool, result: CellResult?) -> String {
        PageDrawer(terminal: terminal, document: document, images: images).text(build(i, answersShown: answersShown, result: result))
    }

    /// The figures a cell's `figure("id", ...)` calls make, each with where its PNG is: next to
    /// the lesson (a figure of one's own, written by `cnnlearn figures`), else the project's
    /// docs/figures beside the lessons folder; the path shown is that folder's when neither exists.
    func figures(of cell: Cell) -> [PageView.FigureRef] {
        let lessonFolder = (document.path as NSString).deletingLastPathComponent
        let project = ((lessonFolder as NSString).deletingLastPathComponent as NSString).appendingPathComponent("docs/figures")
        return CellView.figureIDs(in: cell.code).map { id in
            let own = (lessonFolder as NSString).appendingPathComponent("\(id).png")
            let tutorial = (project as NSString).appendingPathComponent("\(id).png")
            let path = FileManager.default.fileExists(atPath: own) ? own : FileManager.default.fileExists(atPath: tutorial) ? tutorial
                : FigureCatalog.ids.contains(id) ? tutorial : own
            return PageView.FigureRef(id: id, path: path, exists: FileManager.default.fileExists(atPath: path))
        }
    }

    // MARK: editing a cell (e) and writing it back (w)

    /// Opens the cell of page `i` in $VISUAL or $EDITOR, and on return makes the edited code
    /// the cell's: it reruns now (on the bindings of the cells before it) and the cells after
    /// it rerun when their pages are shown. The lesson file is not touched (`w` does that).
    /// Returns the note for the status row.
    func edit(page i: Int, terminal: TerminalIO) -> String {
        guard let cell = cell(onPage: i) else { return "no cell on this page to edit" }
        let env = ProcessInfo.processInfo.environment
        guard let editor = [env["VISUAL"], env["EDITOR"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            return "set VISUAL or EDITOR to edit a cell (e.g. export EDITOR=nano)"
        }
        let file = NSTemporaryDirectory() + "/cnnlearn-cell-\(cell.number)-\(UInt32.random(in: 0...UInt32.max)).cnn"
        do { try AtomicFile.write(Array((cell.code + "\n").utf8), to: file) } catch {
            return "cannot make the file to edit: \(error.reason)"
        }
        defer { unlink(file) }
        let status = CellEditor.run(editor, file: file)
        guard status == 0 else { return "the editor exited with status \(status): cell \(cell.number) is unchanged" }
        guard let data = FileManager.default.contents(atPath: file), let text = String(validating: data, as: UTF8.self) else {
            return "the edited cell is not UTF-8 text: cell \(cell.number) is unchanged"
        }
        var code = text
        while code.hasSuffix("\n") { code.removeLast() }
        if code.components(separatedBy: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") }) {
            return "a cell cannot contain a ``` line: cell \(cell.number) is unchanged"
        }
        guard code != cell.code else { return "cell \(cell.number) unchanged" }
        edits[cell.number] = code == sources[i].cell?.code ? nil : code
        restart()
        return "cell \(cell.number) edited and rerun · w: write it to the lesson file"
    }

    /// Drops every result so the cells run again in a fresh interpreter when their pages are
    /// next shown: those before the edited cell replay quietly (the same seeds give the same
    /// bindings), the edited one and those after it run on the new bindings.
    func restart() {
        runner = LessonRunner(document: document)
        results = []
        cache = [:]
        walks = [:]
        replayArmed = []
        failed = false
    }

    /// Writes the edited cell of page `i` into the lesson file, atomically, after checking the
    /// file still holds the code it was read with (an edit made elsewhere is never overwritten).
    func writeBack(page i: Int) -> String {
        guard let original = sources[i].cell else { return "no cell on this page" }
        guard let code = edits[original.number] else { return "cell \(original.number) is as in the file · e: edit it" }
        let path = document.path
        guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else {
            return "cannot read \(path) again: not written"
        }
        var lines = text.components(separatedBy: "\n")
        let codeRange = (original.codeLine - 1)..<(original.closingLine - 1)
        let old = original.code.isEmpty ? [] : original.code.components(separatedBy: "\n")
        guard codeRange.upperBound <= lines.count, Array(lines[codeRange]) == old else {
            return "\(path) changed since the lesson was opened: not written"
        }
        lines.replaceSubrange(codeRange, with: code.components(separatedBy: "\n"))
        do { try AtomicFile.write(Array(lines.joined(separator: "\n").utf8), to: path) } catch {
            return "not written: \(error.description)"
        }
        do {
            document = try LessonDocument(contentsOf: path)
        } catch {
            return "wrote cell \(original.number) to \(path), but it no longer reads as a lesson: \(error.message)"
        }
        let keptEdits = edits.filter { $0.key != original.number }
        sources = PageSource.pages(of: document)
        edits = keptEdits
        cache = [:]
        let result = i < results.count ? results[i] : nil
        switch result?.outcome {
        case .mismatch?: return "wrote cell \(original.number) · its output block differs · cnnlearn check --update"
        case .error?: return "wrote cell \(original.number) · it stops with an error"
        case .missingError?: return "wrote cell \(original.number) · it is marked error but ran without one"
        default: break
        }
        return "wrote cell \(original.number) to \((path as NSString).lastPathComponent)"
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

    /// The cell's verdict as a doc-test, drawn from its outcome (`CellOutcome`): a mismatch
    /// shows the diff and a missing error says so on every page; after an edit with `e` a pass,
    /// or a cell with nothing to compare, says so too. An unexpected error is drawn by `output`.
    func verdict(_ outcome: CellOutcome, edited: Bool) -> String {
        switch outcome {
        case .passed:
            return edited ? terminal.style("✓ same as the lesson's expected output", "32") + "\n" : ""
        case .notChecked:
            return edited ? terminal.dim("(this cell has no output block to compare with)") + "\n" : ""
        case let .mismatch(expected, got):
            var out = terminal.style("✗ differs from the lesson's expected output:", "33") + "\n"
            for line in UnifiedDiff.diff(expected: expected, got: got).components(separatedBy: "\n") where !line.isEmpty {
                let color = line.hasPrefix("+") ? "32" : line.hasPrefix("-") ? "31" : "2"
                out += terminal.style(line, color) + "\n"
            }
            return out
        case .missingError:
            return terminal.style("✗ this cell is marked error, but it ran without one", "33") + "\n"
        case .error:
            return ""
        }
    }

    func output(_ r: CellResult, document: LessonDocument) -> String {
        var out = ""
        let printed = LessonRunner.normalize(Self.labelled(r))
        if !printed.isEmpty {
            for (i, l) in printed.components(separatedBy: "\n").enumerated() {
                let label = i == 0 ? "Out[\(r.cell.number)]:" : ""
                let line = l.hasPrefix(Self.labelMark) ? terminal.dim(String(l.dropFirst(Self.labelMark.count))) : l
                out += l.isEmpty && label.isEmpty ? "\n" : terminal.dim(label.padding(toLength: gutter, withPad: " ", startingAt: 0)) + line + "\n"
            }
        }
        if case .error(let e) = r.outcome {
            // The code as it ran (edited with `e`, perhaps) at its lines, for the caret.
            var source = document.lines
            for (k, line) in r.cell.code.components(separatedBy: "\n").enumerated() {
                let at = r.cell.codeLine - 1 + k
                if at < source.count { source[at] = line } else { source.append(line) }
            }
            // On screen the message and hint wrap at words; a pipe keeps each on one line
            // (tools read file:line:column from it).
            let text = e.rendered(sourceLines: source)
            out += terminal.style(terminal.interactive ? ErrorText.wrap(text, width: terminal.width) : text, "31")
        }
        return out
    }

    /// Marks a label line inside `labelled` output, to be drawn dim (never in lesson text).
    static let labelMark = "\u{0}label:"

    /// The output with each value under the source line that printed it (`# shape(v)`, the
    /// way a debugger lists watches) when the cell shows more than one value; otherwise as
    /// printed. Only the player shows labels (on screen and in its piped transcript); the
    /// checker compares the plain output, so output blocks stay as they are.
    static func labelled(_ r: CellResult) -> String {
        let valueLines = Set(r.printed.filter(\.isValue).map(\.line))
        guard valueLines.count > 1, r.printed.map(\.text).joined() == r.output else { return r.output }
        let code = r.cell.code.components(separatedBy: "\n")
        var out = ""
        var last: Int?
        for p in r.printed {
            if p.isValue, p.line != last {
                let i = p.line - r.cell.codeLine
                let source = i >= 0 && i < code.count ? code[i].trimmingCharacters(in: .whitespaces) : "line \(p.line)"
                out += labelMark + "# " + source + "\n"
            }
            last = p.line
            out += p.text
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
