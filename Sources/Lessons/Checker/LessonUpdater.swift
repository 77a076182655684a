import Foundation

/// Rewrites a lesson's output blocks with what its cells printed (`check --update`).
///
/// Cells with an output block get its contents replaced; cells without one that printed
/// something get a new block after them; `no-check` cells, and cells that failed with an
/// error they were not marked to raise, are left alone. The file is written
/// to a temporary name beside it and renamed into place, so it is never half-written.
public enum LessonUpdater {
    /// The lesson text with updated output blocks.
    public static func updatedText(_ doc: LessonDocument, results: [CellResult]) -> String {
        var lines = doc.lines
        // Work from the end so earlier line numbers stay valid.
        // A cell that failed with an error keeps its block: its partial output is not the answer.
        for r in results.reversed() where !r.cell.options.contains(.noCheck) && (r.error == nil || r.cell.options.contains(.error)) {
            let got = LessonRunner.normalize(r.output)
            if let range = r.cell.outputLines {
                let fence = lines[range.lowerBound - 1]
                let closing = lines[range.upperBound - 1]
                let body = got.isEmpty ? [] : got.components(separatedBy: "\n")
                lines.replaceSubrange((range.lowerBound - 1)...(range.upperBound - 1), with: [fence] + body + [closing])
            } else if !got.isEmpty {
                let block = ["", "```output"] + got.components(separatedBy: "\n") + ["```"]
                lines.insert(contentsOf: block, at: r.cell.closingLine)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the updated text atomically (temporary file, then rename), if it changed.
    public static func write(_ doc: LessonDocument, results: [CellResult]) throws {
        let text = updatedText(doc, results: results)
        let old = doc.lines.joined(separator: "\n") + "\n"
        guard text != old else { return }
        try atomicWrite(text, to: doc.path)
    }

    /// Writes `text` to `path` through a temporary file in the same folder and a rename.
    public static func atomicWrite(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        try Data(text.utf8).write(to: tmp)
        if rename(tmp.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: tmp)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
