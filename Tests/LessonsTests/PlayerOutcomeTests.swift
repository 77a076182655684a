import Foundation
import Testing
@testable import Lessons

/// The player draws each cell's verdict from its `CellOutcome`, and builds a page as data
/// (`PageView`) before drawing it.
@Suite struct PlayerOutcomeTests {
    static let lesson = """
    # Outcomes

    A cell whose output block is wrong.

    ```cnn
    [1, 2] > 1
    ```

    ```output
    [true, true]
    ```

    A cell that should fail but does not.

    ```cnn error
    1 + 1
    ```

    A cell that passes, and one with nothing to compare.

    ```cnn
    where([1, -1] > 0, 1, 0)
    ```

    ```output
    [1, 0]
    ```

    ```cnn
    figure("my-map", [[1, 2], [3, 4]])
    ```
    """

    func pages(nextLesson: String? = nil) throws -> Pages {
        let doc = try LessonDocument(text: Self.lesson, path: NSTemporaryDirectory() + "/01-outcomes.md")
        return Pages(document: doc, terminal: TerminalIO(interactive: false, color: false, width: 80), nextLesson: nextLesson)
    }

    @Test func aMismatchShowsItsDiffAndAMissingErrorSaysSo() throws {
        let p = try pages()
        let mismatch = p.text(0)
        #expect(mismatch.contains("Out[1]:  [false, true]"))
        #expect(mismatch.contains("✗ differs from the lesson's expected output:"))
        #expect(mismatch.contains("-[true, true]") && mismatch.contains("+[false, true]"))
        #expect(p.text(1).contains("✗ this cell is marked error, but it ran without one"))
        // A pass and an unchecked cell say nothing unless edited.
        let quiet = p.text(2)
        #expect(quiet.contains("Out[3]:  [1, 0]") && !quiet.contains("✓") && !quiet.contains("✗"))
        #expect(!p.failed)  // only an unexpected error fails the player
    }

    @Test func aPageIsBuiltAsDataThenDrawn() throws {
        let p = try pages(nextLesson: "02 next")
        p.prepare(3, answersShown: true)
        let view = p.build(3, answersShown: true, result: nil)
        var kinds: [String] = []
        for b in view.blocks {
            switch b {
            case .narrative: kinds.append("narrative")
            case .answersHidden: kinds.append("hidden")
            case let .cell(c, result, edited, figures):
                kinds.append("cell \(c.number) \(result == nil ? "not run" : "run") \(edited) \(figures.map(\.id))")
            case .next(let n): kinds.append("next \(n)")
            }
        }
        #expect(kinds == ["cell 4 not run false [\"my-map\"]", "next 02 next"])
        // Drawn: the figure's path (not made yet) and the next lesson.
        let text = p.text(3)
        #expect(text.contains("figure → ") && text.contains("my-map.png (cnnlearn figures makes it)"))
        #expect(text.contains("Next: 02 next"))
    }

    @Test func errorsWrapAtWordsAndKeepTheCaret() {
        let rendered = "repl:1:10: error: grad cannot differentiate through abs with respect to 'w': abs has no gradient form\ngrad(sum(abs(w)), w)\n         ^\nhint: grad follows + - * / ** @ and the builtins avgpool, conv2d, conv2d_transpose, dropout"
        let rows = ErrorText.wrap(rendered, width: 50).components(separatedBy: "\n")
        #expect(rows.allSatisfy { $0.count <= 50 })
        #expect(rows[0] == "repl:1:10: error: grad cannot differentiate")
        #expect(rows[1] == "  through abs with respect to 'w': abs has no")
        #expect(rows.contains("grad(sum(abs(w)), w)") && rows.contains("         ^"))
        #expect(rows.contains { $0.hasPrefix("hint: grad follows") })
        #expect(rows.last == "  avgpool, conv2d, conv2d_transpose, dropout")
    }
}
