import Foundation

/// Plays `step` frame by frame in a terminal: Enter or space next, b previous, a autoplay,
/// q skip to the result.
public final class TerminalStepPlayer: StepPresenter {
    let terminal: TerminalIO
    /// Milliseconds between frames in autoplay.
    public var autoplayDelay = 450

    public init(terminal: TerminalIO) { self.terminal = terminal }

    public func present(_ trace: StepTrace) -> String {
        let frames = trace.allFrames
        guard !frames.isEmpty else { return "" }
        let renderer = FrameRenderer(terminal: terminal)
        var i = 0
        var autoplay = false
        while true {
            let (p, f) = frames[i]
            terminal.clearScreen()
            terminal.write(renderer.render(trace, plane: p, frame: f, index: i, total: frames.count, autoplay: autoplay).joined(separator: "\n") + "\n")
            if autoplay {
                if let key = KeyReader.read(timeout: autoplayDelay) {
                    autoplay = false
                    if key == .quit { return "" }
                    continue
                }
                if i == frames.count - 1 { autoplay = false; continue }
                i += 1
                continue
            }
            switch KeyReader.read() {
            case .back?: i = max(0, i - 1)
            case .autoplay?: autoplay = true; if i == frames.count - 1 { i = 0 }
            case .quit?, nil: return ""
            case .next?, .other?:
                if i == frames.count - 1 { return "" }
                i += 1
            }
        }
    }
}
