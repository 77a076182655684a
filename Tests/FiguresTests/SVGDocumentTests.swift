@testable import Figures
import Testing

@Test(arguments: [(0.0, "0"), (1.5, "1.5"), (2.25, "2.25"), (-0.004, "0"), (-3.1, "-3.1"), (1e-9, "0"), (123456.789, "123456.79")])
func numbersHaveFixedFormatting(value: Double, text: String) {
    #expect(fmt(value) == text)
}

@Test func documentHasTitleDescAndEscapedText() {
    var doc = SVGDocument(width: 100, height: 50, title: "A & B", desc: "x < y")
    doc.text("1×1 <b>", x: 10, y: 20)
    let svg = doc.render()
    #expect(svg.contains("<title>A &amp; B</title>"))
    #expect(svg.contains("<desc>x &lt; y</desc>"))
    #expect(svg.contains(">1×1 &lt;b&gt;</text>"))
    #expect(svg.contains("font-family=\"DejaVu Sans\""))
}

@Test func definitionsAreWrittenOnce() {
    var doc = SVGDocument(width: 10, height: 10, title: "t", desc: "d")
    _ = doc.highlightFill(0)
    _ = doc.highlightFill(0)
    let svg = doc.render()
    #expect(svg.components(separatedBy: "<pattern id=\"hatch-diagonal-0\"").count == 2)
}

@Test func viridisRunsFromPurpleToYellow() {
    #expect(Palette.viridisHex(0) == "#440154")
    #expect(Palette.viridisHex(1) == "#fde725")
    #expect(Palette.viridisHex(-1) == "#440154")
    #expect(Palette.viridisHex(0.5) == "#21918c")
}

@Test func base64MatchesRFC4648Examples() {
    #expect(base64(Array("".utf8)) == "")
    #expect(base64(Array("f".utf8)) == "Zg==")
    #expect(base64(Array("fo".utf8)) == "Zm8=")
    #expect(base64(Array("foobar".utf8)) == "Zm9vYmFy")
}
