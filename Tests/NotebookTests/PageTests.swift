import Foundation
import Testing
@testable import Lessons
@testable import Notebook

/// Lesson pages, the narrative's sanitizing, sessions and the published site.
@Suite struct PageTests {
    static let lesson = """
    # Bindings

    Some *text* with <script>alert(1)</script> and <a href="javascript:alert(1)" onclick="x()">a link</a>.

    ```cnn
    a = 1
    a
    ```

    ```output
    1
    ```

    ```cnn
    a = a + 10
    a
    ```

    ```output
    11
    ```

    ```cnn
    step conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]])
    ```

    <details>
    <summary>Answer</summary>

    The answer is **42**.

    </details>
    """

    func document() throws -> LessonDocument { try LessonDocument(text: Self.lesson, path: "/x/01-bindings.md") }

    @Test func theNarrativeKeepsMarkdownAndDropsScriptsAndHandlers() {
        let html = Narrative.html("Some *text* <script>alert(1)</script> <a href=\"javascript:alert(1)\" onclick=\"x()\">a</a> <a href=\"02-x.html#top\">b</a> <img src=x onerror=alert(1)>")
        #expect(html.contains("<em>text</em>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<a>a</a>"))
        #expect(html.contains("<a href=\"02-x.html#top\">b</a>"))
        #expect(!html.contains("onclick") && !html.contains("onerror") && !html.contains("javascript:"))
        #expect(html.contains("<img src=\"x\">"))
    }

    @Test func answersStayFoldedInDetails() throws {
        let html = Narrative.html("<details>\n<summary>Answer</summary>\n\nThe answer is **42**.\n\n</details>")
        #expect(html == "<details>\n<summary>Answer</summary>\n<p>The answer is <strong>42</strong>.</p>\n</details>\n")
    }

    @Test func anEditedCellRunsOnTheBindingsAboveIt() throws {
        let s = NotebookSession(document: try document())
        s.runAll()
        #expect(s.views.map(\.outcome) == ["passed", "passed", "unchecked"])
        // Rerunning cell 2 sees cell 1's a = 1, not the a = 11 cell 2 made: 11 again, not 21.
        var events: [NotebookEvent] = []
        #expect(s.run(cell: 2, events: { events.append($0) })?.output == "11\n")
        #expect(events.first == .printed(cell: 2, text: "11\n"))
        #expect(events.last == .stale(cells: [3], after: 2))
        #expect(s.run(cell: 2)?.output == "11\n")
        let v = s.run(cell: 2, code: "a = a * 5\na")
        #expect(v?.output == "5\n")
        #expect(v?.outcome == "mismatch")
        #expect(s.views[2].outcome == "not-run")
        // A cell below a changed one runs on the new bindings.
        #expect(s.run(cell: 1, code: "a = 2\na")?.output == "2\n")
        #expect(s.run(cell: 2)?.output == "10\n")
    }

    @Test func errorsKeepTheirCaretWithinTheCell() throws {
        let s = NotebookSession(document: try document())
        let v = try #require(s.run(cell: 1, code: "a = 1\na + nada"))
        #expect(v.outcome == "error")
        let e = try #require(v.error)
        #expect((e.line, e.column) == (2, 5))
        #expect(e.source == "a + nada" && e.caret == "    ^")
        #expect(e.headline == "01-bindings.md:7:5: error: unknown name 'nada'")
        let html = CellMarkup.result(v)
        #expect(html.contains("<pre class=\"error\" role=\"alert\" data-line=\"2\" data-column=\"5\">01-bindings.md:7:5: error: unknown name &#39;nada&#39;\na + nada\n    ^"))
    }

    @Test func aStepBecomesFramesThatRebuildTheOutput() throws {
        let s = NotebookSession(document: try document())
        s.runAll()
        let step = try #require(s.views[2].steps.first)
        #expect(step.operation == "conv2d")
        let plane = step.planes[0]
        #expect(plane.frames.count == 4)
        #expect(plane.frames[0].window == [[0, 0], [0, 1], [1, 0], [1, 1]])
        // Each frame carries only the output cell it wrote: 1+5, 2+6, 4+8, 5+9.
        #expect(plane.frames.map(\.values) == [[["0", "0", "6"]], [["0", "1", "8"]], [["1", "0", "12"]], [["1", "1", "14"]]])
        #expect(plane.frames[3].equation.hasSuffix("= 14"))
    }

    @Test func servedAndPublishedPagesDiffer() throws {
        let s = NotebookSession(document: try document())
        s.runAll()
        let index = LessonLink(title: "All lessons", href: "index.html")
        let served = LessonPage(document: try document(), views: s.views, mode: .served(session: "abc", token: "t0k", nonce: "n0"), index: index).render()
        #expect(served.contains("<textarea class=\"code\" id=\"cell-2-code\" aria-label=\"Code of cell 2\""))
        #expect(served.contains("<meta name=\"cnnlearn-session\" content=\"abc\">"))
        #expect(served.contains("<script nonce=\"n0\">"))
        #expect(served.contains("✓ matches the expected output"))
        #expect(!served.contains("<script>alert"))
        let published = LessonPage(document: try document(), views: s.views, mode: .published, index: index).render()
        #expect(!published.contains("<textarea"))
        #expect(published.contains("Content-Security-Policy\" content=\"default-src 'none';"))
        #expect(published.contains("<pre class=\"code\" aria-label=\"Code of cell 1\"><code>a = 1\na</code></pre>"))
        #expect(published.contains("<script type=\"application/json\" class=\"step-data\">"))
    }

    @Test func thePublishedSiteIsTheSameBytesEachTime() throws {
        let dir = NSTemporaryDirectory() + "cnnlearn-site-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/lessons", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.lesson.write(toFile: dir + "/lessons/01-bindings.md", atomically: true, encoding: .utf8)
        try "# Second\n\n```cnn\n2 * 21\n```\n\n```output\n42\n```\n".write(toFile: dir + "/lessons/02-second.md", atomically: true, encoding: .utf8)
        let site = StaticSite(library: LessonLibrary(folder: dir + "/lessons"))
        let first = try site.pages(), second = try site.pages()
        #expect(first.map(\.0) == ["index.html", "01-bindings.html", "02-second.html"])
        #expect(first.map(\.1) == second.map(\.1))
        #expect(first[0].1.contains("<a href=\"01-bindings.html\">Bindings</a>"))
        #expect(first[1].1.contains("<a rel=\"next\" href=\"02-second.html\">Second →</a>"))
        let written = try site.write(to: dir + "/out")
        #expect(written.count == 3)
        #expect(try String(contentsOfFile: dir + "/out/02-second.html", encoding: .utf8) == first[2].1)
    }

    @Test func controlCharactersInOutputAreShownNotSent() {
        #expect(HTML.escape("a\u{1B}[2Jb<") == "a\u{241B}[2Jb&lt;")
        #expect(HTML.scriptJSON(["x": "</script><!--"]) == "{\"x\":\"\\u003c/script>\\u003c!--\"}")
    }
}
