import Figures
import Foundation
import Tensor
import Lessons
import NN

/// What a running cell tells the page as it goes.
public enum NotebookEvent: Sendable, Equatable {
    /// A piece of output, as printed.
    case printed(cell: Int, text: String)
    /// An epoch of a `train(...)` call ended.
    case epoch(cell: Int, record: EpochRecord, of: Int)
    /// The cell finished: its view.
    case finished(CellView)
    /// These cells' outputs are from before an earlier cell changed (they have not run since).
    case stale(cells: [Int], after: Int)
}

/// One page's notebook: the lesson, the code of each cell as the page has it (edited or not),
/// and one interpreter whose bindings are those the cells above the next one made.
///
/// Running cell N restores the bindings as they were before cell N (snapshots are kept per cell),
/// runs N's code, and marks the cells below as not run since. So an edited cell sees exactly the
/// names the cells above it bound, as in the terminal's `e`, without rerunning them.
///
/// Not thread-safe by itself: the server runs one cell of a session at a time on its own thread.
public final class NotebookSession {
    public let document: LessonDocument
    public private(set) var codes: [String]
    public private(set) var views: [CellView]
    let runner: LessonRunner
    /// snapshots[i] = bindings before cell i (0-based); present up to the first cell not run.
    private var snapshots: [Interpreter.Snapshot?]
    /// Asked between statements and batches: true stops the running cell.
    public var stopRequested: @Sendable () -> Bool = { false }
    /// A cell stops after this many seconds (checked between statements, training batches and
    /// inside long kernels); 0 for no limit. The default is the program's
    /// (`CNNLEARN_CELL_TIME_LIMIT`, else 300 s), so `cnnlearn html` honours it as `run` does.
    public var timeLimit: Double

    public init(document: LessonDocument, timeLimit: Double = WorkLimit.defaultSeconds) {
        self.document = document
        self.timeLimit = timeLimit
        codes = document.cells.map(\.code)
        views = document.cells.map { CellView(cell: $0) }
        runner = LessonRunner(document: document, stepPresenter: RecordingStepPresenter(TraceStepPresenter()))
        snapshots = Array(repeating: nil, count: document.cells.count + 1)
        snapshots[0] = runner.interpreter.snapshot()
    }

    public var cellCount: Int { codes.count }

    /// Sets the code the page has for cell `number` without running it.
    public func setCode(cell number: Int, _ code: String) {
        guard codes.indices.contains(number - 1) else { return }
        codes[number - 1] = code
    }

    /// Runs every cell from the first, as the lesson has them: what a page shows when it opens.
    public func runAll(events: @escaping (NotebookEvent) -> Void = { _ in }) {
        for i in codes.indices { _ = run(cell: i + 1, code: nil, events: events) }
    }

    /// Runs cell `number` (1-based) with `code` (nil = the code the page has for it) on the
    /// bindings the cells above made. Cells above that have not run are run first, as written.
    @discardableResult
    public func run(cell number: Int, code: String? = nil, events: @escaping (NotebookEvent) -> Void = { _ in }) -> CellView? {
        let i = number - 1
        guard codes.indices.contains(i) else { return nil }
        if let code { codes[i] = code }
        // Bring the bindings up to cell i: the nearest snapshot at or above it, then the cells
        // in between as the page has them.
        var start = i
        while start > 0, snapshots[start] == nil { start -= 1 }
        for j in start..<i { execute(j, events: events) }
        return execute(i, events: events)
    }

    /// Runs cell `number` and every cell after it.
    public func runFrom(cell number: Int, code: String? = nil, events: @escaping (NotebookEvent) -> Void = { _ in }) {
        guard run(cell: number, code: code, events: events) != nil else { return }
        for n in (number + 1)...max(number + 1, codes.count) where n <= codes.count {
            if stopRequested() { break }
            _ = run(cell: n, events: events)
        }
    }

    @discardableResult
    private func execute(_ i: Int, events: @escaping (NotebookEvent) -> Void) -> CellView {
        let interpreter = runner.interpreter
        if let s = snapshots[i] { interpreter.restore(s) }
        var cell = document.cells[i]
        cell.code = codes[i]
        let collector = FigureCollector()
        interpreter.figures = collector
        let recorder = runner.interpreter.stepPresenter as? RecordingStepPresenter
        let tracesBefore = recorder?.traces.count ?? 0
        let deadline = timeLimit > 0 ? Date().addingTimeInterval(timeLimit) : .distantFuture
        let stop = stopRequested
        interpreter.interruptRequested = { stop() || Date() > deadline }
        interpreter.cellTimeLimit = timeLimit > 0 ? timeLimit : nil
        interpreter.onEmit = { piece in events(.printed(cell: i + 1, text: piece.text)) }
        interpreter.onEpoch = { record, of in events(.epoch(cell: i + 1, record: record, of: of)) }
        defer {
            interpreter.onEmit = nil
            interpreter.onEpoch = nil
            interpreter.interruptRequested = { false }
            interpreter.figures = nil
        }
        var result = runner.run(cell)
        // Stop pressed on the page: say so, whichever check (a statement, a training batch, a
        // kernel's work limit) noticed it first.
        if let e = result.error, stop() {
            let what = e.message.contains("training stopped after") ? e.message : "the cell was interrupted"
            result.error = LessonError("stopped from the page: \(what)", at: e.location)
        }
        if let e = result.error, e.message.hasPrefix("interrupted"), Date() > deadline {
            let shown = timeLimit == timeLimit.rounded() ? "\(Int(timeLimit))" : "\(timeLimit)"
            result.error = LessonError("stopped: the cell ran past its time limit of \(shown) s", at: e.location,
                                       hint: "cnnlearn serve --cell-time-limit SECONDS sets the limit, CNNLEARN_CELL_TIME_LIMIT=SECONDS the default (0 for none)")
        }
        let traces = Array((recorder?.traces ?? []).dropFirst(tracesBefore))
        let view = CellView(result: result, code: codes[i], figures: collector.figures, traces: traces)
        views[i] = view
        snapshots[i + 1] = interpreter.snapshot()
        events(.finished(view))
        // The cells below ran on other bindings, or not at all: they wait to be rerun.
        var stale: [Int] = []
        for j in (i + 1)..<max(i + 1, codes.count) where j < codes.count {
            snapshots[j + 1] = nil
            if views[j].outcome != "not-run" {
                views[j].outcome = "not-run"
                views[j].verdict = "not run since cell \(i + 1) ran"
                stale.append(j + 1)
            }
        }
        if !stale.isEmpty { events(.stale(cells: stale, after: i + 1)) }
        return view
    }
}
