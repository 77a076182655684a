import CLibEdit
import Foundation
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from a terminal through libedit (BSD editline, Debian's libedit-dev): Emacs
/// key bindings for editing, Up/Down through the history, Tab completion from `completer`.
///
/// libedit reads keys through `readCharacter` below rather than its own reader, so that
/// Ctrl-C cancels the line: the key arrives as SIGINT (or as the byte 3 if the terminal passes
/// it through), the read returns EINTR, and `readLine` reports `.interrupted`. libedit's own
/// signal handling (EL_SIGNAL) stays off; the REPL's handler only sets a flag.
final class LineEditor {
    enum Input: Equatable { case line(String), interrupted, endOfInput }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    /// The history file, one typed line a line; nil keeps history for the session only.
    private let historyFile: String?
    private var entries: [String] = []
    static let historyLimit = 1000

    /// What Tab completes: the line so far and the cursor (a character offset).
    nonisolated(unsafe) static var completer: ((String, Int) -> ReplInput.Completion)?
    nonisolated(unsafe) private static var promptText: UnsafeMutablePointer<CChar>? = strdup("")

    init?(program: String, historyFile: String?) {
        setlocale(LC_CTYPE, "")  // libedit decodes UTF-8 by the locale
        guard let e = el_init(program, cnn_stdin(), cnn_stdout(), cnn_stderr()) else { return nil }
        guard let h = history_init() else { el_end(e); return nil }
        editLine = e
        history = h
        self.historyFile = historyFile
        cnn_history_set_size(h, &event, Int32(Self.historyLimit))
        cnn_history_set_unique(h, &event, 1)
        cnn_el_set_history(e, h)
        cnn_el_set_editor(e, "emacs")
        cnn_el_set_signal(e, 0)
        cnn_el_set_prompt(e) { _ in LineEditor.promptText }
        cnn_el_set_getc(e) { _, out in LineEditor.readCharacter(out) }
        cnn_el_add_function(e, "cnn-complete", "complete a builtin or bound name") { el, _ in
            guard let el else { return UInt8(CC_ERROR) }
            return LineEditor.complete(el)
        }
        cnn_el_bind(e, "^I", "cnn-complete")
        // Ctrl-C ends the line as Enter would, marked cancelled; the reader turns the signal
        // into this key, so libedit finishes the line its ordinary way and keeps the terminal
        // in order (returning an error from the reader leaves it in cooked mode).
        cnn_el_add_function(e, "cnn-cancel", "cancel the line") { _, _ in
            LineEditor.cancelled = true
            return UInt8(CC_NEWLINE)
        }
        cnn_el_bind(e, "^C", "cnn-cancel")
        cnn_install_interrupt_handler()
        if let historyFile, let data = FileManager.default.contents(atPath: historyFile),
           let text = String(validating: data, as: UTF8.self) {
            for line in text.split(separator: "\n").suffix(Self.historyLimit) {
                entries.append(String(line))
                cnn_history_enter(h, &event, String(line))
            }
        }
    }

    /// Whether Ctrl-C was pressed since the flag was last cleared. The flag and its handler are
    /// `static` in the C shim, so each Swift file that calls them would get its own copy in a
    /// debug build: every use goes through these two, in this file.
    static var interruptPending: Bool { cnn_interrupt_pending() != 0 }
    static func clearInterrupt() { cnn_interrupt_clear() }

    deinit {
        history_end(history)
        el_end(editLine)
    }

    /// Reads one line (without its newline) after showing `prompt`.
    func readLine(prompt: String) -> Input {
        free(Self.promptText)
        Self.promptText = strdup(prompt)
        cnn_interrupt_clear()
        Self.cancelled = false
        var count: Int32 = 0
        let line = el_gets(editLine, &count)
        cnn_interrupt_clear()
        if Self.cancelled { return .interrupted }
        guard let line, count > 0 else { return .endOfInput }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    /// Set by the Ctrl-C key function: the line just read was cancelled.
    nonisolated(unsafe) static var cancelled = false

    /// Adds a typed line to the history (blank lines are not kept).
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        cnn_history_enter(history, &event, line)
        entries.append(line)
        if entries.count > Self.historyLimit { entries.removeFirst(entries.count - Self.historyLimit) }
    }

    /// Writes the history file through the project's one atomic writer (a failure only costs
    /// the history, so it is not reported).
    func saveHistory() {
        guard let historyFile else { return }
        try? AtomicFile.write(Array((entries.joined(separator: "\n") + "\n").utf8), to: historyFile)
    }

    /// libedit's character reader: one UTF-8 character from stdin into `out`. Returns 1 for a
    /// character (Ctrl-C, signal or byte, as the character 3), 0 at the end of input, -1 on a
    /// read error.
    static func readCharacter(_ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        var bytes: [UInt8] = []
        var want = 1
        while bytes.count < want {
            // Ctrl-C arrives as SIGINT (the terminal keeps ISIG on) and may land while libedit
            // is busy between reads rather than blocked in one: waiting in short polls that
            // look at the flag means it is never missed. It is handed on as the Ctrl-C key.
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            if cnn_interrupt_pending() != 0 {
                cnn_interrupt_clear()
                out?.pointee = 3
                return 1
            }
            let ready = poll(&fds, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            var b: UInt8 = 0
            let n = Glibc.read(STDIN_FILENO, &b, 1)
            if n < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if n == 0 { return 0 }
            if bytes.isEmpty {
                want = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            }
            bytes.append(b)
        }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        out?.pointee = wchar_t(bitPattern: scalar.value)
        return 1
    }

    /// Tab: inserts the common continuation of the matching names, or lists them when there
    /// is nothing more in common.
    static func complete(_ el: OpaquePointer) -> UInt8 {
        guard let info = el_line(el)?.pointee, let buffer = info.buffer, let completer else { return UInt8(CC_ERROR) }
        let length = info.lastchar - buffer
        let cursorBytes = info.cursor - buffer
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
        let line = String(decoding: bytes, as: UTF8.self)
        let cursor = String(decoding: bytes.prefix(cursorBytes), as: UTF8.self).count
        let c = completer(line, cursor)
        if !c.insertion.isEmpty {
            el_insertstr(el, c.insertion)
            return UInt8(CC_REFRESH)
        }
        guard c.candidates.count > 1 else { return UInt8(CC_REFRESH_BEEP) }
        let width = max(c.candidates.map(\.count).max() ?? 0, 1) + 2
        var out = "\n"
        for (i, name) in c.candidates.enumerated() {
            out += name.padding(toLength: width, withPad: " ", startingAt: 0)
            if (i + 1) % max(1, 78 / width) == 0 { out += "\n" }
        }
        if !out.hasSuffix("\n") { out += "\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
        return UInt8(CC_REDISPLAY)
    }
}
