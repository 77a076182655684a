import Testing
@testable import Lessons

@Suite struct NarrativeTests {
    let plain = NarrativeRenderer(terminal: TerminalIO(interactive: false, color: false, width: 40))

    @Test func collapsedAnswersUnfoldIntoTheirOwnParagraphs() {
        let md = """
        <details>
        <summary>Answers</summary>

        **1.** Each cell counts the ones.

        </details>
        """
        #expect(plain.render(md) == "Answers\n\n1. Each cell counts the ones.\n")
    }

    @Test func figureCellsNameTheirFigures() {
        #expect(CellView.figureIDs(in: "figure(\"conv-step-1\", x, k)\nfigure(\"relu\", fm)") == ["conv-step-1", "relu"])
        #expect(CellView.figureIDs(in: "conv2d(x, k)").isEmpty)
    }

    @Test func headingsEmphasisCodeListsAndQuotes() {
        let md = """
        # Title

        Some *emphasis*, **strong** and `x[0:3, 0:3]` code.

        - first item
        - second item that is long enough to wrap onto the next line

        1. one
        2. two

        > a quoted line
        """
        let out = plain.render(md)
        #expect(out == """
        Title
        =====

        Some emphasis, strong and `x[0:3, 0:3]`
        code.

        • first item
        • second item that is long enough to
          wrap onto the next line

        1. one
        2. two

        │ a quoted line

        """)
    }

    @Test func aListEndsWithABlankLine() {
        #expect(plain.render("- a\n- c\n\nafter") == "• a\n• c\n\nafter\n")
    }

    @Test func wrapsToTheWidthAndUsesNoEscapesWithoutColor() {
        let text = String(repeating: "word ", count: 50)
        let out = plain.render(text)
        #expect(out.components(separatedBy: "\n").allSatisfy { $0.count <= 40 })
        #expect(!out.contains("\u{1B}"))
    }

    @Test func colorWhenAllowed() {
        let colored = NarrativeRenderer(terminal: TerminalIO(interactive: false, color: true, width: 80)).render("**bold** and `code`")
        #expect(colored.contains("\u{1B}[1mbold\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[36mcode\u{1B}[0m"))
    }
}

extension NarrativeTests {
    @Test func tablesAlignTheirColumns() {
        let out = plain.render("| Layer | Output |\n|---|---|\n| conv | 3x3 |\n| maxpool | 1x1 |\n")
        #expect(out == "Layer    Output\n───────  ──────\nconv     3x3\nmaxpool  1x1\n")
    }
}
