import Testing
@testable import Lessons

/// Which image protocol the player uses: named by the terminal's environment, or sixel from
/// its DA1 answer; never assumed.
@Suite struct ImageProtocolTests {
    @Test func theEnvironmentNamesKittyAndITerm2() {
        var asked = 0
        let ask: () -> String? = { asked += 1; return nil }
        #expect(ImageProtocol.detect(environment: ["KITTY_WINDOW_ID": "3", "TERM": "xterm-256color"], ask: ask) == .kitty)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm-kitty"], ask: ask) == .kitty)
        #expect(ImageProtocol.detect(environment: ["TERM_PROGRAM": "iTerm.app"], ask: ask) == .iterm2)
        #expect(ImageProtocol.detect(environment: ["TERM_PROGRAM": "WezTerm"], ask: ask) == .iterm2)
        #expect(asked == 0)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm"], ask: ask) == nil)
        #expect(asked == 1)
    }

    @Test func sixelComesFromTheDeviceAttributes() {
        #expect(ImageProtocol.deviceAttributes("\u{1B}[?62;4;22c") == [62, 4, 22])
        #expect(ImageProtocol.deviceAttributes("garbage") == [])
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm"], ask: { "\u{1B}[?62;4;22c" }) == .sixel)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm"], ask: { "\u{1B}[?62;22c" }) == nil)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm"], ask: { "\u{1B}[?64;1;2;6c" }) == nil)
        // tmux: the outer terminal's variables do not count; tmux's own answer does.
        #expect(ImageProtocol.detect(environment: ["TMUX": "/tmp/t,1,0", "KITTY_WINDOW_ID": "1"], ask: { nil }) == nil)
        #expect(ImageProtocol.detect(environment: ["TMUX": "/tmp/t,1,0", "TERM": "screen"], ask: { "\u{1B}[?62;4c" }) == .sixel)
        #expect(ImageProtocol.detect(environment: ["TERM": "dumb", "KITTY_WINDOW_ID": "1"], ask: { "\u{1B}[?62;4c" }) == nil)
        #expect(ImageProtocol.detect(environment: ["CNNLEARN_IMAGES": "none", "KITTY_WINDOW_ID": "1"], ask: { nil }) == nil)
    }

    @Test func aPictureBoxKeepsTheAspectWithCellsTwiceAsTallAsWide() throws {
        // A square picture over 10 rows takes 20 columns; a wide one is capped by the columns.
        #expect(PlacedImage.box(width: 300, height: 300, maxRows: 10, maxColumns: 71) == (10, 20))
        let wide = PlacedImage.box(width: 1000, height: 100, maxRows: 10, maxColumns: 71)
        #expect(wide.columns == 71 && wide.rows == 4)
        let marker = PlacedImage.markerRow("/tmp/a b.png", rows: 5, columns: 9)
        let p = try #require(PlacedImage(row: marker))
        #expect(p.path == "/tmp/a b.png" && p.rows == 5 && p.columns == 9)
        #expect(PlacedImage(row: "plain text") == nil)
    }

    @Test func sixelEncodingThroughLibsixel() throws {
        // A 2x2 red/blue picture: a sixel sequence starts with DCS, has a palette, ends with ST.
        let rgb: [UInt8] = [255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0]
        let s = try #require(ImageProtocol.sixel((rgb, 2, 2)))
        #expect(s.hasPrefix("\u{1B}P"))
        #expect(s.contains("q"))
        #expect(s.hasSuffix("\u{1B}\\"))
    }
}
