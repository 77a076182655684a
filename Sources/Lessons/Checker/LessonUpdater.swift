import Foundation
import Tensor

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
            let body = got.isEmpty ? [] : got.components(separatedBy: "\n")
            // Printed text must stay text: the fence is longer than any backtick run inside
            // (CommonMark), so a printed ``` line can never close the block and start a cell.
            let ticks = String(repeating: "`", count: Swift.max(3, longestBacktickRun(body) + 1))
            if let range = r.cell.outputLines {
                var fence = lines[range.lowerBound - 1]
                var closing = lines[range.upperBound - 1]
                if let f = LessonDocument.fence(fence), f.marker.first == "`", f.marker.count >= ticks.count {
                    // The block's own fence is long enough: keep it as written.
                } else {
                    let info = LessonDocument.fence(fence)?.info ?? "output"
                    fence = ticks + info
                    closing = ticks
                }
                if let f = LessonDocument.fence(fence), f.marker.first == "~", body.contains(where: { $0.contains("~~~") }) {
                    fence = ticks + f.info
                    closing = ticks
                }
                lines.replaceSubrange((range.lowerBound - 1)...(range.upperBound - 1), with: [fence] + body + [closing])
            } else if !got.isEmpty {
                let block = ["", ticks + "output"] + body + [ticks]
                lines.insert(contentsOf: block, at: r.cell.closingLine)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The longest run of backticks in any of `lines`.
    static func longestBacktickRun(_ lines: [String]) -> Int {
        var best = 0
        for line in lines {
            var run = 0
            for ch in line.unicodeScalars {
                if ch == "`" { run += 1; best = Swift.max(best, run) } else { run = 0 }
            }
        }
        return best
    }

    /// Writes the updated text atomically (temporary file, then rename), if it changed.
    public static func write(_ doc: LessonDocument, results: [CellResult]) throws {
        let text = updatedText(doc, results: results)
        let old = doc.lines.joined(separator: "\n") + "\n"
        guard text != old else { return }
        try atomicWrite(text, to: doc.path)
    }

    /// Writes `text` to `path` through the program's one atomic writer (`AtomicFile`): the
    /// lesson keeps its permissions, a symlinked lesson is updated at its target, and a
    /// read-only lesson is refused with the reason.
    public static func atomicWrite(_ text: String, to path: String) throws {
        try AtomicFile.write(Array(text.utf8), to: path, followingSymlink: true)
    }
}
