import Figures
import Foundation

/// What one cell did when run.
public struct CellResult: Sendable {
    public var cell: Cell
    /// Everything the cell printed (for an `error` cell, ending with the error line).
    public var output: String
    /// The error the cell raised, if any.
    public var error: LessonError?
    /// The output in pieces by statement (see `Interpreter.printed`).
    public var printed: [PrintedPiece] = []

    /// Whether the checker compares anything for this cell: an `error` cell is checked for its
    /// error; another cell only when it has an output block and is not `no-check`.
    public var isChecked: Bool {
        cell.options.contains(.error) || (cell.expected != nil && !cell.options.contains(.noCheck))
    }

    /// Whether the cell passed as a doc-test (see `outcome` for which way it failed).
    public var passed: Bool { !outcome.isFailure }
}

/// Runs a lesson's cells in order in one interpreter, so later cells see earlier names.
public final class LessonRunner {
    public let document: LessonDocument
    public let interpreter: Interpreter

    /// - Parameters:
    ///   - document: the lesson.
    ///   - stepPresenter: what `step` does; the default prints the windows as text.
    ///   - figures: where `figure(...)` puts its figures (from `cnnlearn figures`); nil = ids only.
    public init(document: LessonDocument, stepPresenter: StepPresenter = TraceStepPresenter(), figures: FigureCollector? = nil) {
        self.document = document
        let folder = (document.path as NSString).deletingLastPathComponent
        interpreter = Interpreter(file: document.path, baseDirectory: folder.isEmpty ? "." : folder,
                                  stepPresenter: stepPresenter, figures: figures)
    }

    /// Runs every lesson in `library` with figure output on (what `cnnlearn figures` needs),
    /// collecting the figures into `collector`; returns a checker-style report of the cells that
    /// raised an unexpected error (output mismatches are the checker's business, not this one's).
    public static func makeFigures(library: LessonLibrary, into collector: FigureCollector) -> Checker.Report {
        var text = ""
        var passed = 0, failed = 0
        for entry in library.entries() {
            let doc: LessonDocument
            do {
                doc = try LessonDocument(contentsOf: entry.path)
            } catch {
                text += error.description + "\n"
                failed += 1
                continue
            }
            for outcome in LessonRun(running: doc, figures: collector).outcomes {
                if case .error(let e) = outcome {
                    text += e.rendered(sourceLines: doc.lines)
                    failed += 1
                } else {
                    passed += 1
                }
            }
        }
        text += "\(passed) passed, \(failed) failed\n"
        return Checker.Report(text: text, passed: passed, failed: failed)
    }

    /// Runs one cell; never throws (an error is part of the result).
    public func run(_ cell: Cell) -> CellResult {
        do {
            let out = try interpreter.run(cell: cell.code, firstLine: cell.codeLine)
            return CellResult(cell: cell, output: out, error: nil, printed: interpreter.printed)
        } catch {
            var out = interpreter.output
            if cell.options.contains(.error) {
                // The line within the cell (1 = its first line), so the expected message does
                // not change when the lesson gains or loses lines above the cell.
                let line = error.location.line - cell.codeLine + 1
                out += "\(line):\(error.location.column): error: \(error.message)\n"
            }
            return CellResult(cell: cell, output: out, error: error, printed: interpreter.printed)
        }
    }

    /// Runs every cell, including those after a failure.
    public func runAll() -> [CellResult] { document.cells.map(run) }

    /// Output as compared: trailing spaces on each line and trailing blank lines dropped.
    public static func normalize(_ s: String) -> String {
        var lines = s.components(separatedBy: "\n").map { line -> String in
            var l = Substring(line)
            while let last = l.last, last == " " || last == "\t" || last == "\r" { l = l.dropLast() }
            return String(l)
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
