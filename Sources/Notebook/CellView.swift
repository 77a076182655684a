import Figures
import Foundation
import Lessons

/// One cell as a page shows it and as the server sends it after a run (JSON): its code, what it
/// printed, the doc-test verdict, the error with its caret, its figures and its step-throughs.
public struct CellView: Codable, Sendable, Equatable {
    /// 1-based, as `In [N]` in the terminal.
    public var number: Int
    public var code: String
    /// `passed`, `unchecked`, `mismatch`, `error`, `missing-error`, or `not-run` (a cell the
    /// page has not run since an earlier cell changed).
    public var outcome: String
    /// The verdict in words, so colour is never the only signal.
    public var verdict: String
    public var output: String
    public var expected: String?
    public var error: ErrorView?
    public var figures: [FigureView]
    public var steps: [StepView]
    /// The options after `cnn` (`error`, `no-check`).
    public var options: [String]

    /// An error as the terminal shows it: the headline, the source line, a caret under the column.
    public struct ErrorView: Codable, Sendable, Equatable {
        /// `lesson.md:12:5: error: message`.
        public var headline: String
        /// Line and column within the cell (1 = its first line).
        public var line: Int
        public var column: Int
        public var source: String
        public var caret: String
        public var hint: String?
        public var message: String
    }

    /// A figure a `figure(...)` call made: its SVG, drawn inline.
    public struct FigureView: Codable, Sendable, Equatable {
        public var id: String
        public var svg: String
        public var desc: String
    }

    public init(number: Int, code: String, outcome: String, verdict: String, output: String, expected: String?,
                error: ErrorView?, figures: [FigureView], steps: [StepView], options: [String]) {
        self.number = number; self.code = code; self.outcome = outcome; self.verdict = verdict
        self.output = output; self.expected = expected; self.error = error; self.figures = figures
        self.steps = steps; self.options = options
    }

    /// The view of a cell's result. `code` is what ran (the lesson's or an edit); `figures` and
    /// `traces` are what the run made.
    public init(result r: CellResult, code: String, figures: [Figure], traces: [StepTrace]) {
        let outcome = r.outcome
        number = r.cell.number
        self.code = code
        self.outcome = outcome.label
        verdict = Self.verdict(outcome, cell: r.cell)
        output = r.output
        expected = r.cell.expected.map { LessonRunner.normalize($0) }
        options = r.cell.options.map(\.rawValue).sorted()
        if let e = r.error {
            let relative = e.location.line - r.cell.codeLine + 1
            let lines = code.components(separatedBy: "\n")
            let source = (1...max(lines.count, 1)).contains(relative) && relative <= lines.count ? lines[relative - 1] : ""
            let prefix = source.prefix(max(e.location.column - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined()
            // The file by its name: the page need not show where the lessons are on this machine.
            let file = (e.location.file as NSString).lastPathComponent
            error = ErrorView(headline: "\(file):\(e.location.line):\(e.location.column): error: \(e.message)", line: relative, column: e.location.column, source: source,
                              caret: prefix + "^", hint: e.hint, message: e.message)
        } else {
            error = nil
        }
        self.figures = figures.map { FigureView(id: $0.id, svg: $0.svg, desc: $0.desc) }
        steps = traces.map(StepView.init)
    }

    /// The cell before any run: its code and its output block, waiting to run.
    public init(cell: Cell, verdict: String = "not run yet") {
        number = cell.number
        code = cell.code
        outcome = "not-run"
        self.verdict = verdict
        output = ""
        expected = cell.expected.map { LessonRunner.normalize($0) }
        options = cell.options.map(\.rawValue).sorted()
        error = nil
        figures = []
        steps = []
    }

    static func verdict(_ o: CellOutcome, cell: Cell) -> String {
        switch o {
        case .passed: cell.options.contains(.error) ? "raised the expected error" : "matches the expected output"
        case .notChecked: cell.options.contains(.noCheck) ? "ran (output not compared: no-check)" : "ran (no expected output to compare)"
        case .mismatch: cell.options.contains(.error) ? "raised a different error than expected" : "differs from the expected output"
        case .error: "failed with an error"
        case .missingError: "was expected to fail, but ran without an error"
        }
    }
}

/// A `step` walk as the page's widget plays it: the same planes and frames as the terminal's.
/// Each frame says which output cells it wrote, with their values, so the page fills the output
/// in as it goes (and can rebuild it at any frame).
public struct StepView: Codable, Sendable, Equatable {
    public var operation: String
    public var summary: String
    public var planes: [Plane]

    public struct Plane: Codable, Sendable, Equatable {
        public var label: String?
        /// Per input channel, rows of cells; nil marks padding.
        public var inputs: [[[String?]]]
        public var kernels: [[[String]]]
        public var outputRows: Int
        public var outputColumns: Int
        public var frames: [Frame]
    }

    public struct Frame: Codable, Sendable, Equatable {
        public var row: Int
        public var column: Int
        /// [row, column] pairs of the input window.
        public var window: [[Int]]
        /// [row, column] pairs of the output cells this frame writes.
        public var writes: [[Int]]
        /// The values of the cells this frame changed in the output so far: [row, column] -> text.
        public var values: [[String]]
        public var terms: [String]
        public var equation: String
    }

    public init(_ t: StepTrace) {
        operation = t.operation
        summary = t.summary
        planes = t.planes.map { p in
            var previous = Array(repeating: Array(repeating: String?.none, count: p.outputColumns), count: p.outputRows)
            let frames = p.frames.map { f -> Frame in
                var changed: [[String]] = []
                for (r, row) in f.outputSoFar.enumerated() {
                    for (c, v) in row.enumerated() where r < previous.count && c < previous[r].count && previous[r][c] != v {
                        changed.append([String(r), String(c), v ?? ""])
                        previous[r][c] = v
                    }
                }
                return Frame(row: f.position.row, column: f.position.column,
                             window: f.inputCells.map { [$0.row, $0.column] },
                             writes: f.outputCells.map { [$0.row, $0.column] },
                             values: changed, terms: f.terms, equation: f.equation)
            }
            return Plane(label: p.label, inputs: p.inputs, kernels: p.kernels, outputRows: p.outputRows,
                         outputColumns: p.outputColumns, frames: frames)
        }
    }
}
