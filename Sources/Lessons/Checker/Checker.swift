import Foundation

/// The doc-test checker: runs every cell of every lesson and compares output blocks.
///
/// Prints `file:line: cell N` with Expected/Got (a unified diff when either side has several
/// lines) for each failing cell, and ends with `N passed, M failed, K skipped`: the skipped
/// cells ran without error but have nothing to compare (no output block, or `no-check`), so a
/// teacher sees how much is not checked.
public struct Checker {
    /// The outcome of checking some lessons.
    public struct Report: Sendable {
        public var text: String
        public var passed: Int
        public var failed: Int
        /// Cells that ran without error and have nothing to compare.
        public var skipped = 0
        /// No lesson file matched the paths and filter (an error of its own: exit 2).
        public var nothingToCheck = false
        public var ok: Bool { failed == 0 && !nothingToCheck }

        public init(text: String, passed: Int, failed: Int, skipped: Int = 0, nothingToCheck: Bool = false) {
            self.text = text
            self.passed = passed
            self.failed = failed
            self.skipped = skipped
            self.nothingToCheck = nothingToCheck
        }

        /// The last line of a report.
        static func summary(passed: Int, failed: Int, skipped: Int) -> String {
            "\(passed) passed, \(failed) failed, \(skipped) skipped\n"
        }
    }

    /// Only lessons whose file name contains this text are checked (nil = all).
    public var filter: String?
    /// Rewrite output blocks with what the cells printed.
    public var update: Bool

    public init(filter: String? = nil, update: Bool = false) {
        self.filter = filter
        self.update = update
    }

    /// The lesson files under the given files and folders, sorted; folders give their `*.md`.
    public func files(in paths: [String]) throws(LessonError) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw LessonError("no such file or folder", at: SourceLocation(file: p, line: 1, column: 1))
            }
            if isDir.boolValue {
                // A folder's lessons are its NN-name.md files (not its README.md or CLAIMS.md).
                let names = ((try? fm.contentsOfDirectory(atPath: p)) ?? [])
                    .filter { $0.hasSuffix(".md") && LessonName(fileName: $0) != nil }.sorted()
                out += names.map { (p as NSString).appendingPathComponent($0) }
            } else {
                out.append(p)
            }
        }
        if let filter, !filter.isEmpty {
            out = out.filter { ($0 as NSString).lastPathComponent.localizedCaseInsensitiveContains(filter) }
        }
        return out
    }

    /// Checks the lessons at `paths` (files or folders).
    public func check(paths: [String]) -> Report {
        let list: [String]
        do {
            list = try files(in: paths)
        } catch {
            return Report(text: "\(error.location.file): error: \(error.message)\n" + Report.summary(passed: 0, failed: 1, skipped: 0),
                          passed: 0, failed: 1)
        }
        if list.isEmpty {
            let which = filter.map { " matching '\($0)'" } ?? ""
            return Report(text: "error: no lessons found in \(paths.joined(separator: ", "))\(which)\n"
                          + "hint: lesson files are NN-name.md; 'cnnlearn lessons' lists them\n",
                          passed: 0, failed: 0, nothingToCheck: true)
        }
        var text = ""
        var passed = 0, failed = 0, skipped = 0
        for file in list {
            let r = check(file: file)
            text += r.text
            passed += r.passed
            failed += r.failed
            skipped += r.skipped
        }
        if passed + failed + skipped == 0 {
            // Nothing ran: a file with no ```cnn cells (or one whose cells could not be found)
            // must not look like a clean pass.
            return Report(text: text + "error: no lesson cells in \(list.joined(separator: ", "))\n"
                          + "hint: a cell is a fenced block opened with ```cnn\n",
                          passed: 0, failed: 0, nothingToCheck: true)
        }
        text += Report.summary(passed: passed, failed: failed, skipped: skipped)
        return Report(text: text, passed: passed, failed: failed, skipped: skipped)
    }

    /// Checks one lesson file (and rewrites its output blocks when updating). The report has
    /// no summary line.
    public func check(file: String) -> Report {
        let doc: LessonDocument
        do {
            doc = try LessonDocument(contentsOf: file)
        } catch {
            let lines = (try? String(contentsOfFile: file, encoding: .utf8))?.components(separatedBy: "\n") ?? []
            return Report(text: error.rendered(sourceLines: lines), passed: 0, failed: 1)
        }
        let run = LessonRun(running: doc)
        var text = ""
        var passed = 0, failed = 0, skipped = 0
        var updated: [CellResult] = []
        for r in run.results {
            let outcome = r.outcome
            switch outcome {
            case .passed: passed += 1; continue
            case .notChecked: skipped += 1; continue
            case .mismatch, .error, .missingError: break
            }
            // --update accepts new output, never a failure: an unexpected error, or an error
            // cell that ran without one, is reported as it would be without --update.
            if update && outcome.isUpdatable {
                updated.append(r)
                passed += 1
                continue
            }
            failed += 1
            text += failure(r, doc, hint: !update && outcome.isUpdatable)
        }
        if update && !updated.isEmpty {
            do {
                try LessonUpdater.write(doc, results: run.results)
                for r in updated { text += "\(doc.path):\(r.cell.fenceLine): cell \(r.cell.number): output block updated\n" }
            } catch {
                text += "\(file): error: \(error)\n"
                failed += 1
            }
        }
        return Report(text: text, passed: passed, failed: failed, skipped: skipped)
    }

    /// The report of one failing cell.
    func failure(_ r: CellResult, _ doc: LessonDocument, hint: Bool = true) -> String {
        let head = "\(doc.path):\(r.cell.fenceLine): cell \(r.cell.number)"
        switch r.outcome {
        case .passed, .notChecked:
            return ""
        case .missingError:
            return head + ": expected an error (the cell is marked 'error') but it ran without one\n"
        case .error(let e):
            return head + " failed with an error\n" + e.rendered(sourceLines: doc.lines)
        case .mismatch(let expected, let got):
            var out = head + "\n"
            if expected.contains("\n") || got.contains("\n") {
                out += UnifiedDiff.diff(expected: expected, got: got) + "\n"
            } else {
                out += "Expected: \(expected)\nGot:      \(got)\n"
            }
            if hint { out += "hint: if the new output is right, 'cnnlearn check --update \(doc.path)' writes it into the lesson\n" }
            return out
        }
    }
}
