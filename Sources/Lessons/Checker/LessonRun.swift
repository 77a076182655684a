import Foundation

/// What a cell's run amounts to as a doc-test. The terminal player, the checker and the browser
/// notebook each render these; none of them re-derives a verdict from the raw output.
public enum CellOutcome: Sendable, Equatable {
    /// Checked, and the output (or, for an `error` cell, the error message) is the expected one.
    case passed
    /// Ran without error, but there is nothing to compare: no output block, or `no-check`.
    case notChecked
    /// Ran, but printed something other than its output block (both normalized).
    case mismatch(expected: String, got: String)
    /// Raised an error the cell does not expect.
    case error(LessonError)
    /// Marked `error`, but ran without one.
    case missingError

    /// Whether a checker counts this cell as failed.
    public var isFailure: Bool {
        switch self {
        case .passed, .notChecked: false
        case .mismatch, .error, .missingError: true
        }
    }

    /// A failure that `check --update` may accept by writing the new output into the lesson:
    /// only a mismatch, never an error or a missing one.
    public var isUpdatable: Bool {
        if case .mismatch = self { return true }
        return false
    }

    /// One word for summaries and the browser: passed, unchecked, mismatch, error, missing-error.
    public var label: String {
        switch self {
        case .passed: "passed"
        case .notChecked: "unchecked"
        case .mismatch: "mismatch"
        case .error: "error"
        case .missingError: "missing-error"
        }
    }
}

extension CellResult {
    /// This result as a doc-test outcome.
    public var outcome: CellOutcome {
        let marksError = cell.options.contains(.error)
        if marksError, error == nil { return .missingError }
        if let error, !marksError { return .error(error) }
        guard let expected = cell.expected, !cell.options.contains(.noCheck) else {
            // An `error` cell with no output block still checks that an error happened.
            return marksError ? .passed : .notChecked
        }
        let e = LessonRunner.normalize(expected), g = LessonRunner.normalize(output)
        return e == g ? .passed : .mismatch(expected: e, got: g)
    }
}

/// One lesson run: the document and what each of its cells did, in order.
public struct LessonRun: Sendable {
    public var document: LessonDocument
    public var results: [CellResult]

    public init(document: LessonDocument, results: [CellResult]) {
        self.document = document
        self.results = results
    }

    /// Runs every cell of `document` in one interpreter (later cells see earlier names).
    public init(running document: LessonDocument, stepPresenter: StepPresenter = TraceStepPresenter(), figures: FigureCollector? = nil) {
        let runner = LessonRunner(document: document, stepPresenter: stepPresenter, figures: figures)
        self.init(document: document, results: runner.runAll())
    }

    public var outcomes: [CellOutcome] { results.map(\.outcome) }

    /// Cells that passed a comparison.
    public var passed: Int { outcomes.filter { $0 == .passed }.count }
    /// Cells that failed (mismatch, unexpected error, missing error).
    public var failed: Int { outcomes.filter(\.isFailure).count }
    /// Cells that ran without error and had nothing to compare.
    public var skipped: Int { outcomes.filter { $0 == .notChecked }.count }
}
