/// What the player needs to know about the lesson to act on a key: how many pages, which are
/// shown, how tall each is. `Pages` is the real one; tests use a plain list of heights.
protocol PlayerLayout {
    var pageCount: Int { get }
    /// Rows of the screen available to a page's text.
    var bodyHeight: Int { get }
    /// The page's rows as drawn (lines folded to the width), for the current answers setting.
    func rowCount(page: Int, answersShown: Bool) -> Int
    /// Whether the page is shown: with answers hidden, a page holding nothing but answers is
    /// skipped (the page that opens the answers block says they are hidden).
    func isShown(page: Int, answersShown: Bool) -> Bool
    /// Whether the page holds anything hidden as an answer.
    func hasAnswers(page: Int) -> Bool
    /// Whether the page's cell is itself an answer (hidden with the answers).
    func cellIsAnswer(page: Int) -> Bool
    /// The page showing cell `number` (1-based), if there is one.
    func page(ofCell number: Int) -> Int?
    /// How many cells the lesson has.
    var cellCount: Int { get }
    /// Whether the page waits for Enter to start (or replay) its cell's step-through.
    func awaitsWalk(page: Int) -> Bool
}

/// What the caller does after a key.
enum PlayerEffect: Equatable {
    /// Draw the screen again (the state changed, or a message is to be shown).
    case redraw
    /// Nothing changed.
    case none
    /// Leave the lesson (q, Ctrl-D, end of input).
    case quit
    /// Enter on the last page: the lesson is done.
    case finish
    /// Open the current page's cell in the editor.
    case edit
    /// Write the edited cell back to the lesson file.
    case write
    /// Start (or replay) the step-through of the page's cell.
    case startWalk
}

/// The lesson player's state as a value: page, scroll position, overlay and answers setting,
/// changed by keys through `handle(_:in:)` without touching the terminal, so every key's
/// effect is testable without one.
///
/// The keys: Enter, space and Right go to the next page (Enter on the last one finishes);
/// b, Backspace and Left go back; Up/Down scroll a row, PageUp/PageDown a screen, Home/End to
/// the top and bottom of the page (none of them leaves the page or the lesson); `a` shows or
/// hides exercise answers; on a page whose cell steps through windows, Enter first starts
/// the step-through (its explanation stays on screen until then, and coming forward onto the
/// page again replays it); `g` asks for a cell number and goes there; `?` shows the keys;
/// `e` edits the cell and `w` writes it back; q or Ctrl-D leaves. Esc closes an overlay and
/// otherwise only says how to leave; any other key does nothing.
struct PlayerState: Equatable {
    enum Mode: Equatable {
        case reading
        /// The key list (`?`).
        case help
        /// Typing a cell number after `g`.
        case goTo(String)
    }

    var page = 0
    /// The first row of the page on screen.
    var scroll = 0
    var mode: Mode = .reading
    var answersShown = false
    /// A one-line note for the status row (cleared by the next key).
    var message: String?

    /// The largest scroll position of the current page: its last row at the bottom of the screen.
    func maxScroll(in layout: PlayerLayout) -> Int {
        max(0, layout.rowCount(page: page, answersShown: answersShown) - layout.bodyHeight)
    }

    mutating func handle(_ key: PlayerKey, in layout: PlayerLayout) -> PlayerEffect {
        let hadMessage = message != nil
        message = nil
        switch mode {
        case .help:
            if key == .endOfInput { return .quit }
            mode = .reading
            return .redraw
        case .goTo(let typed):
            return goTo(key, typed: typed, in: layout)
        case .reading:
            break
        }
        let bottom = maxScroll(in: layout)
        let screen = max(1, layout.bodyHeight - 1)
        switch key {
        case .enter, .space, .right, .character("n"):
            if layout.awaitsWalk(page: page) { return .startWalk }
            guard let next = shownPage(after: page, in: layout) else {
                if key == .enter { return .finish }
                message = "last page · Enter: finish · q: quit"
                return .redraw
            }
            turn(to: next)
        case .left, .backspace, .character("b"), .character("p"):
            guard let previous = shownPage(before: page, in: layout) else {
                message = "this is the first page"
                return .redraw
            }
            turn(to: previous)
        case .up: return scroll(to: scroll - 1, bottom, hadMessage)
        case .down: return scroll(to: scroll + 1, bottom, hadMessage)
        case .pageUp: return scroll(to: scroll - screen, bottom, hadMessage)
        case .pageDown: return scroll(to: scroll + screen, bottom, hadMessage)
        case .home: return scroll(to: 0, bottom, hadMessage)
        case .end: return scroll(to: bottom, bottom, hadMessage)
        case .character("a"):
            answersShown.toggle()
            if !layout.isShown(page: page, answersShown: answersShown) {
                page = shownPage(before: page, in: layout) ?? 0
            }
            scroll = min(scroll, maxScroll(in: layout))
            message = answersShown ? "answers shown · a: hide them" : "answers hidden · a: show them"
        case .character("?"): mode = .help
        case .character("g"): mode = .goTo("")
        case .character("e"): return .edit
        case .character("w"): return .write
        case .character("q"), .character("Q"), .endOfInput: return .quit
        case .escape: message = "Esc does not leave the lesson · q: quit · ?: keys"
        default: return hadMessage ? .redraw : .none
        }
        return .redraw
    }

    private mutating func scroll(to row: Int, _ bottom: Int, _ hadMessage: Bool) -> PlayerEffect {
        let new = min(max(row, 0), bottom)
        if new == scroll && !hadMessage { return .none }
        scroll = new
        return .redraw
    }

    private mutating func turn(to page: Int) {
        self.page = page
        scroll = 0
    }

    private mutating func goTo(_ key: PlayerKey, typed: String, in layout: PlayerLayout) -> PlayerEffect {
        switch key {
        case .character(let c) where c.isASCII && c.isNumber:
            mode = .goTo(typed.count < 4 ? typed + String(c) : typed)
        case .backspace:
            mode = .goTo(String(typed.dropLast()))
        case .escape:
            mode = .reading
        case .endOfInput:
            return .quit
        case .enter:
            mode = .reading
            guard let n = Int(typed), let target = layout.page(ofCell: n) else {
                message = typed.isEmpty ? "no cell number given"
                    : "no cell \(typed) · this lesson has cells 1-\(layout.cellCount)"
                return .redraw
            }
            if !answersShown && (layout.cellIsAnswer(page: target) || !layout.isShown(page: target, answersShown: false)) {
                answersShown = true
                message = "cell \(n) is an answer: answers shown · a: hide them"
            }
            turn(to: target)
        default:
            return .none
        }
        return .redraw
    }

    func shownPage(after page: Int, in layout: PlayerLayout) -> Int? {
        var i = page + 1
        while i < layout.pageCount {
            if layout.isShown(page: i, answersShown: answersShown) { return i }
            i += 1
        }
        return nil
    }

    func shownPage(before page: Int, in layout: PlayerLayout) -> Int? {
        var i = page - 1
        while i >= 0 {
            if layout.isShown(page: i, answersShown: answersShown) { return i }
            i -= 1
        }
        return nil
    }
}
