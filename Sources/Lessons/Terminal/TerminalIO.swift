import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The terminal the program talks to: whether it is one, its width, styles and single keys.
public struct TerminalIO: Sendable {
    /// Whether to wait for keys (stdin and stdout are terminals and pausing is not switched off).
    public var interactive: Bool
    /// Whether to write escape codes for color and emphasis (a terminal, and NO_COLOR unset).
    public var color: Bool
    /// Columns to wrap to.
    public var width: Int
    /// Rows of the screen (frames crop tall grids to fit).
    public var height: Int

    public init(interactive: Bool, color: Bool, width: Int, height: Int = 24) {
        self.interactive = interactive
        self.color = color
        self.width = max(width, 40)
        self.height = max(height, 16)
    }

    /// Reads the real terminal: isatty, NO_COLOR, TERM=dumb, the window size (or COLUMNS).
    public static func current(noPause: Bool) -> TerminalIO {
        let env = ProcessInfo.processInfo.environment
        let outTTY = isatty(STDOUT_FILENO) == 1
        let inTTY = isatty(STDIN_FILENO) == 1
        let color = outTTY && env["NO_COLOR"].map(\.isEmpty) ?? true && env["TERM"] != "dumb"
        var width = 80
        var height = 24
        var ws = winsize()
        if outTTY, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 {
            width = Int(ws.ws_col)
            height = Int(ws.ws_row)
        } else if let c = env["COLUMNS"].flatMap(Int.init), c > 0 {
            width = c
        }
        return TerminalIO(interactive: outTTY && inTTY && !noPause, color: color, width: width, height: height)
    }

    /// This terminal at the window's size now (after SIGWINCH); unchanged when stdout is not a
    /// terminal.
    public func remeasured() -> TerminalIO {
        var ws = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return self }
        return TerminalIO(interactive: interactive, color: color, width: Int(ws.ws_col), height: Int(ws.ws_row))
    }

    /// A cell's size in pixels, from the window size in pixels when the terminal reports it.
    public static func cellPixels() -> (width: Int, height: Int)? {
        var ws = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0, ws.ws_xpixel > 0, ws.ws_ypixel > 0 else { return nil }
        return (Int(ws.ws_xpixel) / Int(ws.ws_col), Int(ws.ws_ypixel) / Int(ws.ws_row))
    }

    // MARK: styles (empty strings when color is off)

    public func style(_ text: String, _ codes: String) -> String {
        color && !text.isEmpty ? "\u{1B}[\(codes)m\(text)\u{1B}[0m" : text
    }
    public func bold(_ s: String) -> String { style(s, "1") }
    public func dim(_ s: String) -> String { style(s, "2") }
    public func italic(_ s: String) -> String { style(s, "3") }

    /// Clears the screen and homes the cursor (only when interactive).
    public func clearScreen() {
        if interactive { write("\u{1B}[2J\u{1B}[H") }
    }

    public func write(_ s: String) {
        FileHandle.standardOutput.write(Data(s.utf8))
    }
}

/// A key the player understands.
public enum Key: Equatable, Sendable {
    case next, back, autoplay, quit, other
}

/// Reads single keys from a terminal in non-canonical mode, restoring the mode afterwards.
public enum KeyReader {
    /// The mode to restore. A heap cell, not a Swift global: ASan's tcgetattr interceptor
    /// reported a global-buffer-overflow writing into a `static var saved = termios()` (a
    /// Swift-emitted global whose instrumented extent it does not match); C's `tcgetattr`
    /// writes into this cell, which is sized by `MemoryLayout<termios>` and never freed.
    nonisolated(unsafe) private static let saved: UnsafeMutablePointer<termios> = {
        let p = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        p.initialize(to: termios())
        return p
    }()
    nonisolated(unsafe) private static var raw = false

    /// Switches stdin to unbuffered, no-echo input.
    public static func enterRawMode() {
        guard !raw, tcgetattr(STDIN_FILENO, saved) == 0 else { return }
        var t = saved.pointee
        t.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutablePointer(to: &t.c_cc) { p in
            p.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &t)
        raw = true
        signal(SIGINT) { _ in
            KeyReader.restore()
            _exit(130)
        }
        // SIGWINCH without SA_RESTART: a read waiting for a key returns EINTR, and the player
        // lays the screen out again for the new size.
        resizePending = 0
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in KeyReader.resizePending = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGWINCH, &action, nil)
    }

    /// Set by the SIGWINCH handler, cleared when the resize is handed out as `.resize`.
    nonisolated(unsafe) static var resizePending: sig_atomic_t = 0

    /// Restores the terminal mode saved by `enterRawMode`.
    public static func restore() {
        guard raw else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, saved)
        raw = false
    }

    /// Waits for one key in the simple scheme (next, back, autoplay, quit); `timeout` in
    /// milliseconds (nil = forever) gives nil when it passes. Esc is `.other`, never quit.
    public static func read(timeout: Int? = nil) -> Key? {
        guard let key = readKey(timeout: timeout) else { return nil }
        switch key {
        case .enter, .space, .right: return .next
        case .left, .backspace, .character("b"), .character("B"): return .back
        case .character("a"), .character("A"): return .autoplay
        case .character("q"), .character("Q"), .endOfInput: return .quit
        default: return .other
        }
    }

    /// Waits for one key (see `Buffered.next()`); `timeout` in milliseconds gives nil when it
    /// passes with no key.
    public static func readKey(timeout: Int? = nil) -> PlayerKey? {
        if let timeout, !shared.hasPending, !waitForInput(timeout) { return nil }
        return shared.next()
    }

    nonisolated(unsafe) private static var shared = Buffered()

    /// Whether input arrives within `milliseconds`.
    static func waitForInput(_ milliseconds: Int) -> Bool {
        var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&fds, 1, Int32(milliseconds)) > 0
    }

    /// Bytes read from stdin and not yet decoded: several keys can arrive in one read (a fast
    /// typist, a paste, `tmux send-keys`), and the rest wait here for the next call.
    public struct Buffered {
        var bytes: [UInt8] = []
        var keys: [PlayerKey] = []

        public init() {}

        var hasPending: Bool { !keys.isEmpty || !bytes.isEmpty }

        /// The next key, waiting for it. An ESC with nothing after it within 30 ms is the Esc
        /// key; the end of input is `.endOfInput`.
        public mutating func next() -> PlayerKey {
            while keys.isEmpty {
                if KeyReader.resizePending != 0 {
                    KeyReader.resizePending = 0
                    return .resize
                }
                if !bytes.isEmpty, !KeyReader.waitForInput(30) {
                    keys = KeyDecoder.decodeAll(&bytes, final: true)
                    continue
                }
                var chunk = [UInt8](repeating: 0, count: 64)
                let n = Glibc.read(STDIN_FILENO, &chunk, chunk.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    keys = KeyDecoder.decodeAll(&bytes, final: true) + [.endOfInput]
                    break
                }
                bytes += chunk[0..<n]
                keys = KeyDecoder.decodeAll(&bytes, final: false)
            }
            return keys.removeFirst()
        }
    }
}
