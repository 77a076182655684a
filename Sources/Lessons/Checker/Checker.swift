import Foundation

/// The doc-test checker: runs every cell of every lesson and compares output blocks.
///
/// Prints `file:line: cell N` with Expected/Got (a unified diff when either side has several
/// lines) for each failing cell, and ends with `N passed, M failed`.
public struct Checker {
    /// The outcome of checking some lessons.
    public struct Report: Sendable {
        public var text: String
        public var passed: Int
        public var failed: Int
        public var ok: Bool { failed == 0 }
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
                let names = ((try? fm.contentsOfDirectory(atPath: p)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
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
            return Report(text: "\(error.location.file): error: \(error.message)\n0 passed, 1 failed\n", passed: 0, failed: 1)
        }
        var text = ""
        var passed = 0, failed = 0
        if list.isEmpty { text += "no lessons found in \(paths.joined(separator: ", "))\(filter.map { " matching '\($0)'" } ?? "")\n" }
        for file in list {
            let r = check(file: file)
            text += r.text
            passed += r.passed
            failed += r.failed
        }
        text += "\(passed) passed, \(failed) failed\n"
        return Report(text: text, passed: passed, failed: failed)
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
        let results = LessonRunner(document: doc).runAll()
        var text = ""
        var passed = 0, failed = 0
        for r in results {
            if r.passed || (update && r.error == nil) { passed += 1; continue }
            failed += 1
            text += failure(r, doc)
        }
        if update {
            do {
                try LessonUpdater.write(doc, results: results)
            } catch {
                text += "\(file): error: \(error)\n"
                failed += 1
            }
        }
        return Report(text: text, passed: passed, failed: failed)
    }

    /// The report of one failing cell.
    func failure(_ r: CellResult, _ doc: LessonDocument) -> String {
        let head = "\(doc.path):\(r.cell.fenceLine): cell \(r.cell.number)"
        if r.cell.options.contains(.error), r.error == nil {
            return head + ": expected an error (the cell is marked 'error') but it ran without one\n"
        }
        if let e = r.error, !r.cell.options.contains(.error) {
            return head + " failed with an error\n" + e.rendered(sourceLines: doc.lines)
        }
        let expected = LessonRunner.normalize(r.cell.expected ?? "")
        let got = LessonRunner.normalize(r.output)
        var out = head + "\n"
        if expected.contains("\n") || got.contains("\n") {
            out += UnifiedDiff.diff(expected: expected, got: got) + "\n"
        } else {
            out += "Expected: \(expected)\nGot:      \(got)\n"
        }
        out += "hint: run 'cnnlearn check --update \(doc.path)' to accept the new output\n"
        return out
    }
}
