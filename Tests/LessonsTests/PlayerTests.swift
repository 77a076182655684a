import Foundation
import Testing
@testable import Lessons

/// A lesson of given page heights, for the key handling without a terminal.
struct FakeLayout: PlayerLayout {
    var heights: [Int]
    var bodyHeight = 20
    /// Pages that hold nothing but answers (hidden while answers are).
    var answerOnly: Set<Int> = []
    /// Pages whose cell is an answer.
    var answerCells: Set<Int> = []
    var pageCount: Int { heights.count }
    var cellCount: Int { heights.count }
    func rowCount(page: Int, answersShown: Bool) -> Int { heights[page] }
    func isShown(page: Int, answersShown: Bool) -> Bool { answersShown || !answerOnly.contains(page) }
    func hasAnswers(page: Int) -> Bool { answerOnly.contains(page) || answerCells.contains(page) }
    func cellIsAnswer(page: Int) -> Bool { answerCells.contains(page) }
    func page(ofCell number: Int) -> Int? { (1...heights.count).contains(number) ? number - 1 : nil }
    var walks: Set<Int> = []
    func awaitsWalk(page: Int) -> Bool { walks.contains(page) }
}

@Suite struct KeyDecoderTests {
    static let cases: [([UInt8], PlayerKey)] = [
        ([27, 91, 65], .up), ([27, 91, 66], .down), ([27, 91, 67], .right), ([27, 91, 68], .left),
        ([27, 79, 65], .up), ([27, 79, 66], .down),
        ([27, 91, 53, 126], .pageUp), ([27, 91, 54, 126], .pageDown),
        ([27, 91, 72], .home), ([27, 91, 70], .end), ([27, 79, 72], .home), ([27, 79, 70], .end),
        ([27, 91, 49, 126], .home), ([27, 91, 52, 126], .end), ([27, 91, 55, 126], .home), ([27, 91, 56, 126], .end),
        ([13], .enter), ([10], .enter), ([32], .space), ([127], .backspace), ([4], .endOfInput),
        ([UInt8(ascii: "?")], .character("?")), ([UInt8(ascii: "g")], .character("g")),
        ([27, 91, 49, 53, 126], .unknown),  // F5
        ([27, 91, 49, 59, 53, 65], .up),    // Ctrl+Up, still Up
    ]

    @Test(arguments: cases) func decodesOneKey(bytes: [UInt8], key: PlayerKey) {
        var b = bytes
        #expect(KeyDecoder.decodeAll(&b, final: true) == [key])
        #expect(b.isEmpty)
    }

    @Test func severalKeysInOneRead() {
        var b: [UInt8] = [27, 91, 66, 27, 91, 66, 27, 91, 54, 126, UInt8(ascii: "q")]
        #expect(KeyDecoder.decodeAll(&b, final: false) == [.down, .down, .pageDown, .character("q")])
    }

    @Test func loneEscapeWaitsThenIsEsc() {
        var b: [UInt8] = [27]
        #expect(KeyDecoder.decodeAll(&b, final: false) == [])
        #expect(b == [27])
        #expect(KeyDecoder.decodeAll(&b, final: true) == [.escape])
        var partial: [UInt8] = [27, 91, 53]
        #expect(KeyDecoder.decodeAll(&partial, final: false) == [])
        #expect(partial == [27, 91, 53])
    }

    @Test func escapeThenKeyIsTwoKeys() {
        var b: [UInt8] = [27, UInt8(ascii: "q")]
        #expect(KeyDecoder.decodeAll(&b, final: true) == [.escape, .character("q")])
    }

    @Test func utf8CharacterIsTakenWhole() {
        var b = Array("é?".utf8)
        #expect(KeyDecoder.decodeAll(&b, final: true) == [.unknown, .character("?")])
    }
}

@Suite struct PlayerStateTests {
    /// Lesson 11's 69-row page at 80x24 (20 rows of page on screen).
    let tall = FakeLayout(heights: [10, 69, 5])

    @Test func scrollKeysMoveWithinThePageAndNeverLeave() {
        var s = PlayerState(page: 1)
        #expect(s.handle(.down, in: tall) == .redraw)
        #expect(s.scroll == 1)
        #expect(s.handle(.up, in: tall) == .redraw)
        #expect(s.handle(.up, in: tall) == .none)  // already at the top
        #expect(s.scroll == 0)
        _ = s.handle(.pageDown, in: tall)
        #expect(s.scroll == 19)
        _ = s.handle(.end, in: tall)
        #expect(s.scroll == 49)  // the last row at the bottom: 69 - 20
        #expect(s.handle(.pageDown, in: tall) == .none)
        #expect(s.handle(.down, in: tall) == .none)
        _ = s.handle(.pageUp, in: tall)
        #expect(s.scroll == 30)
        _ = s.handle(.home, in: tall)
        #expect(s.scroll == 0)
        #expect(s.page == 1)
    }

    @Test(arguments: [PlayerKey.up, .down, .pageUp, .pageDown, .home, .end, .escape, .tab, .unknown,
                      .character("x"), .character("Z"), .character("1")])
    func noneOfTheseQuits(key: PlayerKey) {
        var s = PlayerState(page: 1)
        let effect = s.handle(key, in: tall)
        #expect(effect != .quit && effect != .finish)
        #expect(s.page == 1)
    }

    @Test func escapeSaysHowToLeave() {
        var s = PlayerState()
        #expect(s.handle(.escape, in: tall) == .redraw)
        #expect(s.message?.contains("q: quit") == true)
        // The next key clears the note.
        #expect(s.handle(.character("x"), in: tall) == .redraw)
        #expect(s.message == nil)
        #expect(s.handle(.character("x"), in: tall) == .none)
    }

    @Test func pagesTurnAndTheLastEnterFinishes() {
        var s = PlayerState()
        _ = s.handle(.down, in: tall)
        _ = s.handle(.enter, in: tall)
        #expect(s.page == 1)
        #expect(s.scroll == 0)  // a new page starts at its top
        _ = s.handle(.right, in: tall)
        #expect(s.page == 2)
        #expect(s.handle(.space, in: tall) == .redraw)  // space on the last page only says so
        #expect(s.handle(.enter, in: tall) == .finish)
        _ = s.handle(.character("b"), in: tall)
        _ = s.handle(.left, in: tall)
        #expect(s.page == 0)
        _ = s.handle(.backspace, in: tall)
        #expect(s.page == 0)
        #expect(s.message == "this is the first page")
    }

    @Test func quitKeys() {
        var s = PlayerState()
        #expect(s.handle(.character("q"), in: tall) == .quit)
        #expect(s.handle(.endOfInput, in: tall) == .quit)
    }

    @Test func helpOverlayClosesOnAnyKey() {
        var s = PlayerState()
        _ = s.handle(.character("?"), in: tall)
        #expect(s.mode == .help)
        #expect(s.handle(.character("q"), in: tall) == .redraw)  // closes the list, does not quit
        #expect(s.mode == .reading)
    }

    @Test func goToCell() {
        var s = PlayerState()
        for k in [PlayerKey.character("g"), .character("3"), .enter] { _ = s.handle(k, in: tall) }
        #expect(s.page == 2)
        #expect(s.mode == .reading)
        for k in [PlayerKey.character("g"), .character("9"), .character("9"), .enter] { _ = s.handle(k, in: tall) }
        #expect(s.page == 2)
        #expect(s.message == "no cell 99 · this lesson has cells 1-3")
        for k in [PlayerKey.character("g"), .character("1"), .escape] { _ = s.handle(k, in: tall) }
        #expect(s.page == 2)
        for k in [PlayerKey.character("g"), .character("2"), .character("5"), .backspace, .enter] { _ = s.handle(k, in: tall) }
        #expect(s.page == 1)
    }

    @Test func enterStartsAWalkBeforeTurningThePage() {
        var layout = FakeLayout(heights: [5, 5, 5])
        layout.walks = [1]
        var s = PlayerState(page: 1)
        #expect(s.handle(.enter, in: layout) == .startWalk)
        #expect(s.page == 1)
        #expect(s.handle(.down, in: layout) == .none)  // scrolling still works while it waits
        #expect(s.handle(.character("b"), in: layout) == .redraw)
        #expect(s.page == 0)
    }

    @Test func answersAreSkippedUntilShown() {
        let layout = FakeLayout(heights: [5, 5, 5, 5], answerOnly: [2], answerCells: [1, 2])
        var s = PlayerState(page: 1)
        _ = s.handle(.enter, in: layout)
        #expect(s.page == 3)  // page 2 holds only answers
        _ = s.handle(.character("b"), in: layout)
        #expect(s.page == 1)
        _ = s.handle(.character("a"), in: layout)
        #expect(s.answersShown)
        _ = s.handle(.enter, in: layout)
        #expect(s.page == 2)
        // Hiding them again while on an answers page goes back to the page that opens them.
        _ = s.handle(.character("a"), in: layout)
        #expect(s.page == 1)
        // Going to a cell that is an answer shows the answers.
        for k in [PlayerKey.character("g"), .character("3"), .enter] { _ = s.handle(k, in: layout) }
        #expect(s.page == 2)
        #expect(s.answersShown)
    }
}

@Suite struct PlayerScreenTests {
    @Test func screenIsExactlyTheTerminalsRows() {
        let screen = PlayerScreen(width: 80, height: 24)
        let body = (1...69).map { "row \($0)" }
        var state = PlayerState(page: 0, scroll: 49)
        let rows = screen.rows(header: "11 vgg16", body: body, state: state, pageLabel: "3/9",
                               legend: [.init("Enter: next", keep: true)], styled: { $0 })
        #expect(rows.count == 24)
        #expect(rows[2] == "row 50")
        #expect(rows[21] == "row 69")
        #expect(rows[22] == "rows 50-69 of 69 · end of page")
        state.scroll = 0
        let top = screen.rows(header: "h", body: body, state: state, pageLabel: "3/9", legend: [], styled: { $0 })
        #expect(top[22] == "rows 1-20 of 69 · ↓ PgDn: more")
        #expect(top.allSatisfy { PlayerScreen.visibleWidth($0) <= 80 })
    }

    @Test func legendDropsWholeItemsToFit() {
        let items: [PlayerScreen.LegendItem] = [.init("1/14", keep: true), .init("Enter: next", keep: true), .init("b: back"),
                                                .init("↑↓ PgUp PgDn: scroll"), .init("?: keys", keep: true), .init("q: quit", keep: true)]
        #expect(PlayerScreen.legend(items, width: 80) == "── 1/14 · Enter: next · b: back · ↑↓ PgUp PgDn: scroll · ?: keys · q: quit ──")
        let narrow = PlayerScreen.legend(items, width: 50)
        #expect(narrow == "── 1/14 · Enter: next · ?: keys · q: quit ──")
        #expect(narrow.count <= 50)
        let narrower = PlayerScreen.legend(items, width: 40)
        #expect(narrower == "1/14 · Enter: next · ?: keys · q: quit")
    }

    @Test func foldKeepsStylesOnEachRow() {
        let line = "\u{1B}[1m" + String(repeating: "x", count: 10) + "\u{1B}[0m"
        let rows = PlayerScreen.fold(line, width: 4)
        #expect(rows.map(PlayerScreen.visibleWidth) == [4, 4, 2])
        #expect(rows[1].hasPrefix("\u{1B}[1m"))
        #expect(rows[0].hasSuffix("\u{1B}[0m"))
        #expect(PlayerScreen.fold("short", width: 80) == ["short"])
    }
}

@Suite struct PagesTests {
    static let lesson = """
    # Exercises

    Intro.

    ```cnn
    x = [1, 2]
    x
    ```

    ```output
    [1, 2]
    ```

    1. Predict `x` plus one.

    <details>
    <summary>Answers</summary>

    **1.** Each grows by one.

    ```cnn
    x + 1
    ```

    ```output
    [2, 3]
    ```

    ```cnn
    x * 2
    ```

    </details>
    """

    func pages() throws -> Pages {
        let doc = try LessonDocument(text: Self.lesson, path: "01-ex.md")
        return Pages(document: doc, terminal: TerminalIO(interactive: false, color: false, width: 80))
    }

    @Test func answersStayHiddenUntilShown() throws {
        let p = try pages()
        #expect(p.count == 3)  // the closing </details> makes no page of its own
        p.prepare(2, answersShown: false)
        let hidden = p.rows(page: 1, answersShown: false).joined(separator: "\n")
        #expect(hidden.contains("Predict"))
        #expect(hidden.contains("▸ Answers hidden · a: show them"))
        #expect(!hidden.contains("grows"))
        #expect(!hidden.contains("x + 1"))
        #expect(!p.isShown(page: 2, answersShown: false))
        let shown = p.rows(page: 1, answersShown: true).joined(separator: "\n")
        #expect(shown.contains("Each grows by one."))
        #expect(shown.contains("Out[2]:  [2, 3]"))
        #expect(p.cellIsAnswer(page: 1))
        #expect(p.page(ofCell: 3) == 2)
    }

    @Test func aPipeGetsEverythingAnswersIncluded() throws {
        let p = try pages()
        let text = (0..<p.count).map { p.text($0) }.joined()
        #expect(text.contains("Each grows by one."))
        #expect(text.contains("Out[3]:  [2, 4]"))
        #expect(!p.failed)
    }
}

@Suite struct StepStateTests {
    let positions: [(row: Int, column: Int)] = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 0), (0, 1), (1, 0), (1, 1)]
    let planes = [0, 0, 0, 0, 1, 1, 1, 1]

    @Test func speedKeys() {
        var s = StepState()
        #expect(s.delay == 450)
        _ = s.handle(.character("+"), positions: positions, planes: planes)
        #expect(s.delay == 300)
        for _ in 0..<10 { _ = s.handle(.character("+"), positions: positions, planes: planes) }
        #expect(s.delay == 100)
        for _ in 0..<10 { _ = s.handle(.character("-"), positions: positions, planes: planes) }
        #expect(s.delay == 1500)
        #expect(s.message == "autoplay: 1500 ms a window")
        // Speed changes keep autoplay going; other keys stop it.
        s.autoplay = true
        _ = s.handle(.character("+"), positions: positions, planes: planes)
        #expect(s.autoplay)
        _ = s.handle(.character("x"), positions: positions, planes: planes)
        #expect(!s.autoplay)
    }

    @Test func jumpToAWindowInTheCurrentPlane() {
        var s = StepState(index: 5)
        for k in [PlayerKey.character("j"), .character("1"), .space, .character("0"), .enter] {
            _ = s.handle(k, positions: positions, planes: planes)
        }
        #expect(s.index == 6)  // [1,0] of plane 1, where the walk is
        for k in [PlayerKey.character("j"), .character("5"), .character(","), .character("5"), .enter] {
            _ = s.handle(k, positions: positions, planes: planes)
        }
        #expect(s.index == 6)
        #expect(s.message == "no window at [5,5]: rows 0-1, columns 0-1")
    }

    @Test func walkKeys() {
        var s = StepState()
        #expect(s.handle(.escape, positions: positions, planes: planes) == .redraw)
        #expect(s.index == 0)
        _ = s.handle(.enter, positions: positions, planes: planes)
        _ = s.handle(.right, positions: positions, planes: planes)
        #expect(s.index == 2)
        _ = s.handle(.left, positions: positions, planes: planes)
        #expect(s.index == 1)
        #expect(s.handle(.up, positions: positions, planes: planes) == .none)
        #expect(s.handle(.character("q"), positions: positions, planes: planes) == .done)
        var end = StepState(index: 7)
        #expect(end.handle(.space, positions: positions, planes: planes) == .done)
    }
}

@Suite struct LabelledOutputTests {
    func result(_ code: String) throws -> CellResult {
        let doc = try LessonDocument(text: "# T\n\n```cnn\n\(code)\n```\n", path: "01-t.md")
        return LessonRunner(document: doc).run(doc.cells[0])
    }

    @Test func severalValuesAreLabelledWithTheirLines() throws {
        let r = try result("x = [[1, 2], [3, 4]]\nshape(x)\nprint(\"sum:\", sum(x))\nx * 2")
        let mark = CellView.labelMark
        #expect(CellView.labelled(r) == "\(mark)# shape(x)\n2x2\nsum: 10\n\(mark)# x * 2\n2 4\n6 8\n")
        // The checker still sees the plain output.
        #expect(r.output == "2x2\nsum: 10\n2 4\n6 8\n")
        let shown = CellView(terminal: TerminalIO(interactive: false, color: false, width: 80)).output(r, document: try LessonDocument(text: "# T\n", path: "01-t.md"))
        #expect(shown.hasPrefix("Out[1]:  # shape(x)\n         2x2\n"))
    }

    @Test func oneValueIsNotLabelled() throws {
        let r = try result("x = 3\nx * 2")
        #expect(CellView.labelled(r) == "6\n")
    }
}
