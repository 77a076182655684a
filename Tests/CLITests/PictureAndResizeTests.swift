import Foundation
import Testing
import TestSupport

/// Figures drawn in the terminal (kitty, iTerm2, sixel: detected, never assumed) and a window
/// resize, on a pseudo-terminal as a user's terminal would be.
@Suite(.serialized) struct PictureAndResizeTests {
    func start(_ arguments: [String], environment extra: [String: String] = [:], columns: UInt16 = 80) throws -> PseudoTerminal {
        let exe = try #require(CLITests.executable, "cnnlearn is not built")
        var env = ["TERM": "xterm", "HOME": NSTemporaryDirectory(), "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8"]
        env.merge(extra) { $1 }
        return try PseudoTerminal(exe, arguments, cwd: repositoryRoot.path, environment: env, columns: columns)
    }

    /// Goes to cell 3 of the convolution lesson, figure("conv-input-filter", x, k), and returns
    /// the raw output from there on.
    func figurePage(_ t: PseudoTerminal) throws -> String {
        var at = try t.wait(for: "1/14")
        let before = t.raw.utf8.count
        t.type("g3\r")
        at = try t.wait(for: "figure → docs/figures/conv-input-filter.png", since: at)
        t.drain(0.5)
        let raw = String(decoding: Array(t.raw.utf8).dropFirst(before), as: UTF8.self)
        t.type("q")
        #expect(try t.status() == 0)
        return raw
    }

    @Test func kittyDrawsTheFigureAsPNGData() throws {
        let raw = try figurePage(try start(["lesson", "convolution"], environment: ["KITTY_WINDOW_ID": "1"]))
        #expect(raw.contains("\u{1B}_Gf=100,a=T,q=2,C=1,c="))
        // The PNG's own signature, base64: iVBORw0KGgo.
        #expect(raw.contains("m=1;iVBORw0KGgo"))
    }

    @Test func iTerm2DrawsTheFigureInline() throws {
        let raw = try figurePage(try start(["lesson", "convolution"], environment: ["TERM_PROGRAM": "iTerm.app"]))
        #expect(raw.contains("\u{1B}]1337;File=inline=1;size="))
    }

    @Test func sixelOnlyWhenTheTerminalSaysSo() throws {
        // The terminal answers the DA1 query with attribute 4 (sixel).
        let t = try start(["lesson", "convolution"])
        _ = try waitRaw(t, for: "\u{1B}[c")
        t.type("\u{1B}[?62;4;22c")
        let raw = try figurePage(t)
        #expect(raw.contains("\u{1B}P") && raw.contains("#0;2;"), "no sixel image (DCS ... q with a palette)")
        // A terminal that answers without 4 (or not at all) gets the path only.
        let plain = try start(["lesson", "convolution"])
        _ = try waitRaw(plain, for: "\u{1B}[c")
        plain.type("\u{1B}[?62;22c")
        let rawPlain = try figurePage(plain)
        #expect(!rawPlain.contains("\u{1B}P") && !rawPlain.contains("\u{1B}_G") && !rawPlain.contains("1337;File"))
        // Inside tmux the environment of the outer terminal does not count.
        let tmux = try figurePage(try start(["lesson", "convolution"], environment: ["KITTY_WINDOW_ID": "1", "TMUX": "/tmp/tmux-0/default,1,0"]))
        #expect(!tmux.contains("\u{1B}_G"))
    }

    func waitRaw(_ t: PseudoTerminal, for needle: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while !t.raw.contains(needle) {
            guard Date() < deadline else { throw PseudoTerminal.Failure.timeout(waitingFor: needle, screen: String(t.raw.suffix(300))) }
            t.drain(0.05)
        }
        return true
    }

    @Test func aResizeLaysThePageOutAgain() throws {
        let t = try start(["lesson", "convolution"])
        var at = try t.wait(for: "rows 1-20 of 28")
        t.resize(columns: 50, rows: 24)
        // The same page folded to 50 columns takes more rows; the legend keeps whole keys.
        at = try t.wait(for: "rows 1-20 of ", since: at)
        t.drain(0.3)
        let after = String(decoding: Array(t.text.utf8).dropFirst(at), as: UTF8.self)
        let total = Int(after.prefix { $0.isNumber }) ?? 0
        #expect(total > 28, "after the resize the page should take more rows, got \(total)")
        #expect(t.text.hasSuffix("── 1/14 · Enter: next · ?: keys · q: quit ──") || t.text.contains("1/14 · Enter: next"))
        t.resize(columns: 80, rows: 24)
        at = try t.wait(for: "rows 1-20 of 28", since: at)
        #expect(t.isRunning)
        t.type("q")
        #expect(try t.status() == 0)
    }

    @Test func noColorTurnsOffOnlyTheColours() throws {
        let t = try start(["lesson", "convolution"], environment: ["NO_COLOR": "1", "CNNLEARN_IMAGES": "none"])
        _ = try t.wait(for: "1/14")
        t.drain(0.3)
        // Still interactive (it waits for keys and clears the screen), but no SGR styles.
        #expect(t.isRunning)
        #expect(t.raw.contains("\u{1B}[2J"))
        #expect(!t.raw.contains("\u{1B}[1m") && !t.raw.contains("\u{1B}[2m") && !t.raw.contains("\u{1B}[0m"))
        t.type("q")
        #expect(try t.status() == 0)
    }
}
