import Foundation

/// Where a step-through is and what a key does to it, as a value (tested without a terminal).
///
/// Enter, space or Right: next window (after the last: done); b, Backspace or Left: previous;
/// a: autoplay (from the start when at the end); `+`/`-`: faster or slower autoplay; j: type a
/// window's row and column (as the text form prints them, `[row,column]`) and go there;
/// q or Ctrl-D: skip to the result. In autoplay any other key stops it; Esc only stops it.
struct StepState: Equatable {
    /// Autoplay delays to choose from with `+` and `-`, in milliseconds.
    static let delays = [100, 200, 300, 450, 700, 1000, 1500]

    var index = 0
    var autoplay = false
    var delayChoice = 3
    /// The row and column typed after `j`, while asking for them.
    var jump: String?
    var message: String?

    var delay: Int { Self.delays[delayChoice] }

    enum Effect: Equatable { case redraw, none, done }

    /// Applies a key; `positions` are the output positions of the frames in order, `planes`
    /// the plane of each (a jump stays in the current plane when it can).
    mutating func handle(_ key: PlayerKey, positions: [(row: Int, column: Int)], planes: [Int]) -> Effect {
        message = nil
        let last = positions.count - 1
        if let typed = jump {
            switch key {
            case .character(let c) where c.isASCII && (c.isNumber || c == "," || c == " "): jump = typed + String(c)
            case .space: jump = typed + " "
            case .backspace: jump = String(typed.dropLast())
            case .escape: jump = nil
            case .endOfInput: return .done
            case .enter:
                jump = nil
                let numbers = typed.split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { Int($0) }
                guard numbers.count == 2 else {
                    message = "give a row and a column, e.g. 1 2"
                    return .redraw
                }
                let matches = positions.indices.filter { positions[$0] == (numbers[0], numbers[1]) }
                guard let target = matches.first(where: { planes[$0] == planes[index] }) ?? matches.first else {
                    let rows = (positions.map(\.row).max() ?? 0), columns = (positions.map(\.column).max() ?? 0)
                    message = "no window at [\(numbers[0]),\(numbers[1])]: rows 0-\(rows), columns 0-\(columns)"
                    return .redraw
                }
                index = target
            default: return .none
            }
            return .redraw
        }
        switch key {
        case .character("+"), .character("="):
            delayChoice = max(delayChoice - 1, 0)
            message = "autoplay: \(delay) ms a window"
            return .redraw
        case .character("-"), .character("_"):
            delayChoice = min(delayChoice + 1, Self.delays.count - 1)
            message = "autoplay: \(delay) ms a window"
            return .redraw
        case .character("q"), .character("Q"), .endOfInput:
            return .done
        default: break
        }
        if autoplay {
            autoplay = false
            return .redraw
        }
        switch key {
        case .enter, .space, .right:
            if index >= last { return .done }
            index += 1
        case .left, .backspace, .character("b"), .character("B"):
            index = max(0, index - 1)
        case .character("a"), .character("A"):
            autoplay = true
            if index >= last { index = 0 }
        case .character("j"), .character("J"):
            jump = ""
        case .escape:
            message = "Esc does not leave the walk · q: skip to the result"
        default:
            return .none
        }
        return .redraw
    }

    /// One autoplay tick: the next window, and autoplay ends at the last one.
    mutating func tick(frameCount: Int) {
        if index >= frameCount - 1 { autoplay = false } else { index += 1 }
    }
}

/// Plays `step` frame by frame in a terminal (keys: see `StepState`).
public final class TerminalStepPlayer: StepPresenter {
    let terminal: TerminalIO
    /// The autoplay delay a walk starts with, carried from one walk to the next.
    nonisolated(unsafe) static var delayChoice = 3

    public init(terminal: TerminalIO) { self.terminal = terminal }

    public func present(_ trace: StepTrace) -> String {
        let frames = trace.allFrames
        guard !frames.isEmpty else { return "" }
        let positions = frames.map { trace.planes[$0.plane].frames[$0.frame].position }
        let planes = frames.map(\.plane)
        let renderer = FrameRenderer(terminal: terminal)
        var state = StepState(delayChoice: Self.delayChoice)
        defer { Self.delayChoice = state.delayChoice }
        var draw = true
        while true {
            if draw {
                let (p, f) = frames[state.index]
                var lines = renderer.render(trace, plane: p, frame: f, index: state.index, total: frames.count, autoplay: state.autoplay)
                if let typed = state.jump {
                    lines.append(terminal.dim("jump to window (row column): \(typed)_ · Enter: go · Esc: cancel"))
                } else if let m = state.message {
                    lines.append(terminal.dim(m))
                }
                terminal.write("\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\n") + "\n")
            }
            if state.autoplay, state.jump == nil {
                guard let key = KeyReader.readKey(timeout: state.delay) else {
                    state.tick(frameCount: frames.count)
                    draw = true
                    continue
                }
                let effect = state.handle(key, positions: positions, planes: planes)
                if effect == .done { return "" }
                draw = effect == .redraw
                continue
            }
            switch state.handle(KeyReader.readKey() ?? .endOfInput, positions: positions, planes: planes) {
            case .done: return ""
            case .redraw: draw = true
            case .none: draw = false
            }
        }
    }
}
