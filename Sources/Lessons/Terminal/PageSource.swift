/// What one page of the player is made of, before its cell runs: narrative pieces, each marked
/// as inside an answers block (`<details>` ... `</details>`) or not, and the cell, if any.
///
/// The lessons put an exercise's answers in a `<details>` block right after the questions, and
/// the block's cells fall on the pages that follow. The player keeps everything inside such a
/// block off the screen until the learner asks for it, so the questions can be read (and tried
/// in the REPL) first.
struct PageSource {
    struct Segment { var markdown: String; var hidden: Bool }
    var segments: [Segment]
    var cell: Cell?
    /// Whether the cell sits inside an answers block.
    var cellHidden: Bool
    /// Whether an answers block starts on this page (where the "answers hidden" line goes).
    var opensAnswers: Bool
    /// The block's `<summary>` text ("Answers").
    var answersTitle: String

    var hasHidden: Bool { cellHidden || segments.contains(where: \.hidden) }

    /// Cuts a lesson into page sources: the narrative before each cell with the cell, and the
    /// narrative after the last cell as a page of its own.
    static func pages(of document: LessonDocument) -> [PageSource] {
        var pages: [PageSource] = []
        var inside = false
        var title = "Answers"
        var current = PageSource(segments: [], cell: nil, cellHidden: false, opensAnswers: false, answersTitle: title)
        func add(_ line: String, hidden: Bool) {
            if let last = current.segments.last, last.hidden == hidden {
                current.segments[current.segments.count - 1].markdown += line + "\n"
            } else {
                current.segments.append(Segment(markdown: line + "\n", hidden: hidden))
            }
        }
        for part in document.parts {
            switch part {
            case .narrative(let text):
                for line in text.components(separatedBy: "\n") {
                    let t = line.trimmingCharacters(in: .whitespaces)
                    if t == "<details>" || t.hasPrefix("<details ") {
                        inside = true
                        current.opensAnswers = true
                        add(line, hidden: true)
                    } else if t == "</details>" {
                        add(line, hidden: true)
                        inside = false
                    } else {
                        if inside, t.hasPrefix("<summary>"), t.hasSuffix("</summary>") {
                            title = String(t.dropFirst("<summary>".count).dropLast("</summary>".count))
                            current.answersTitle = title
                        }
                        add(line, hidden: inside)
                    }
                }
            case .cell(let c):
                current.cell = c
                current.cellHidden = inside
                if inside { current.answersTitle = title }
                pages.append(current)
                current = PageSource(segments: [], cell: nil, cellHidden: false, opensAnswers: false, answersTitle: title)
            }
        }
        pages.append(current)
        return pages
    }
}
