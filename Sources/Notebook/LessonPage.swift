import Foundation
import Ink
import Lessons

/// How a page is made: served (cells editable and runnable in a session) or static (published:
/// the outputs as computed, nothing runs, no request leaves the page).
public enum PageMode: Sendable, Equatable {
    /// `session` names the page's notebook on the server; `token` goes into every request.
    case served(session: String, token: String, nonce: String)
    case published
}

/// A link to another lesson (the page's previous / next and the index).
public struct LessonLink: Sendable, Equatable {
    public var title: String
    public var href: String
    public init(title: String, href: String) { self.title = title; self.href = href }
}

/// One lesson as an HTML page: the narrative from the same Markdown (through Ink), each cell's
/// code, output, doc-test verdict, figures inline as SVG, and every `step` as a widget.
public struct LessonPage {
    public var document: LessonDocument
    public var views: [CellView]
    public var mode: PageMode
    public var index: LessonLink
    public var previous: LessonLink?
    public var next: LessonLink?

    public init(document: LessonDocument, views: [CellView], mode: PageMode, index: LessonLink,
                previous: LessonLink? = nil, next: LessonLink? = nil) {
        self.document = document; self.views = views; self.mode = mode
        self.index = index; self.previous = previous; self.next = next
    }

    var served: Bool { if case .served = mode { return true } else { return false } }

    public func render() -> String {
        var body = ""
        var cellIndex = 0
        for part in document.parts {
            switch part {
            case .narrative(let md):
                body += Narrative.html(md)
            case .cell:
                guard cellIndex < views.count else { continue }
                body += CellMarkup.section(views[cellIndex], editable: served)
                cellIndex += 1
            }
        }
        let title = document.number.map { String(format: "%02d ", $0) } ?? ""
        var nav = "<nav class=\"lessons\" aria-label=\"Lessons\"><a href=\"\(HTML.escape(index.href))\">\(HTML.escape(index.title))</a>"
        if let p = previous { nav += " <a rel=\"prev\" href=\"\(HTML.escape(p.href))\">← \(HTML.escape(p.title))</a>" }
        if let n = next { nav += " <a rel=\"next\" href=\"\(HTML.escape(n.href))\">\(HTML.escape(n.title)) →</a>" }
        nav += "</nav>"
        var toolbar = ""
        var meta = ""
        if case .served(let session, let token, _) = mode {
            meta = "<meta name=\"cnnlearn-session\" content=\"\(HTML.escape(session))\">\n<meta name=\"cnnlearn-token\" content=\"\(HTML.escape(token))\">\n"
            toolbar = """
            <div class="toolbar" role="toolbar" aria-label="Notebook">
            <button type="button" data-action="run-all">Run all cells</button>
            <button type="button" data-action="stop" disabled>Stop</button>
            <button type="button" data-action="reset">Reset session</button>
            <span class="status" role="status" aria-live="polite">Every cell ran when the page opened. Edit a cell and press Run (Ctrl+Enter).</span>
            </div>

            """
        }
        var footer = "<footer>"
        if let n = next { footer += "<p>Next lesson: <a href=\"\(HTML.escape(n.href))\">\(HTML.escape(n.title))</a></p>" }
        footer += "<p>Made by cnnlearn from <code>\(HTML.escape((document.path as NSString).lastPathComponent))</code>.</p></footer>"
        return PageShell.html(title: "\(title)\(document.title) · cnnlearn", meta: meta, mode: mode,
                              body: "<header>\(nav)\n\(toolbar)</header>\n<main id=\"main\">\n<article>\n\(body)</article>\n</main>\n\(footer)")
    }
}

/// The page around every notebook page: head, styles, the one script.
public enum PageShell {
    /// The Content-Security-Policy of a page: a published page may fetch nothing at all; a
    /// served page talks to its own server only and runs only its own script (by nonce), so
    /// a script that got into a lesson's text would not run.
    public static func contentSecurityPolicy(_ mode: PageMode) -> String {
        switch mode {
        case .published:
            return "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
        case .served(_, _, let nonce):
            return "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        }
    }

    static func html(title: String, meta: String, mode: PageMode, body: String) -> String {
        // A published page runs nothing from the network: the policy forbids every fetch,
        // so a page that tried would show it as a console error in the browser tests.
        let policy: String
        let nonceAttribute: String
        switch mode {
        case .published:
            policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy(mode))\">\n"
            nonceAttribute = ""
        case .served(_, _, let nonce):
            policy = ""
            nonceAttribute = " nonce=\"\(HTML.escape(nonce))\""
        }
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(policy)\(meta)<title>\(HTML.escape(title))</title>
        <style>
        \(Assets.css)
        </style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the lesson</a>
        \(body)
        <script\(nonceAttribute)>
        \(Assets.script)
        </script>
        </body>
        </html>

        """
    }
}

/// A lesson's narrative Markdown as HTML: Ink's output with raw HTML limited to what Markdown
/// makes, and exercise answers (`<details>`) folded until the reader opens them.
enum Narrative {
    static func html(_ markdown: String) -> String {
        var out = ""
        var chunk: [String] = []
        func flush() {
            let md = chunk.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !md.isEmpty { out += HTMLSanitizer.clean(MarkdownParser().html(from: md)) + "\n" }
            chunk = []
        }
        for line in markdown.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t == "<details>" || t.hasPrefix("<details ") {
                flush(); out += "<details>\n"
            } else if t == "</details>" {
                flush(); out += "</details>\n"
            } else if t.hasPrefix("<summary>"), t.hasSuffix("</summary>") {
                flush()
                let text = String(t.dropFirst("<summary>".count).dropLast("</summary>".count))
                out += "<summary>\(HTMLSanitizer.clean(MarkdownParser().html(from: text)).replacingOccurrences(of: "<p>", with: "").replacingOccurrences(of: "</p>", with: ""))</summary>\n"
            } else {
                chunk.append(line)
            }
        }
        flush()
        return balanceDetails(out)
    }

    /// Closes `<details>` the narrative opened but did not close in this part, so a page's
    /// structure never depends on the next part.
    static func balanceDetails(_ html: String) -> String {
        let opened = html.components(separatedBy: "<details>").count - 1
        let closed = html.components(separatedBy: "</details>").count - 1
        return html + String(repeating: "</details>\n", count: max(opened - closed, 0))
    }
}

/// The markup of one cell.
enum CellMarkup {
    static func section(_ v: CellView, editable: Bool) -> String {
        let n = v.number
        let id = "cell-\(n)"
        let rows = min(max(v.code.components(separatedBy: "\n").count, 1), 30)
        var s = "<section class=\"cell\" id=\"\(id)\" data-cell=\"\(n)\" data-outcome=\"\(HTML.escape(v.outcome))\" aria-labelledby=\"\(id)-label\">\n"
        let options = v.options.isEmpty ? "" : " <span class=\"options\">(\(HTML.escape(v.options.joined(separator: ", "))))</span>"
        s += "<h2 class=\"cell-label\" id=\"\(id)-label\">In [\(n)]\(options) <span class=\"verdict\">\(Self.badge(v))</span></h2>\n"
        if editable {
            s += "<textarea class=\"code\" id=\"\(id)-code\" aria-label=\"Code of cell \(n)\" rows=\"\(rows)\" spellcheck=\"false\" autocapitalize=\"off\" autocomplete=\"off\" data-original=\"\(HTML.escape(v.code))\">\(HTML.escape(v.code))</textarea>\n"
            s += "<div class=\"cell-buttons\"><button type=\"button\" data-action=\"run\" aria-describedby=\"\(id)-label\">Run</button> "
            s += "<button type=\"button\" data-action=\"run-rest\" aria-describedby=\"\(id)-label\">Run from here to the end</button> "
            s += "<button type=\"button\" data-action=\"revert\" aria-describedby=\"\(id)-label\">Undo edits</button></div>\n"
        } else {
            s += "<pre class=\"code\" aria-label=\"Code of cell \(n)\"><code>\(HTML.escape(v.code))</code></pre>\n"
        }
        s += "<div class=\"result\" id=\"\(id)-result\" aria-live=\"polite\">\n" + result(v) + "</div>\n"
        s += "</section>\n"
        return s
    }

    /// The SVG with its element ids (markers, gradients) prefixed, so several figures inline in
    /// one page do not share ids.
    static func uniqueIDs(_ svg: String, prefix: String) -> String {
        svg.replacingOccurrences(of: " id=\"", with: " id=\"\(prefix)")
            .replacingOccurrences(of: "url(#", with: "url(#\(prefix)")
            .replacingOccurrences(of: "href=\"#", with: "href=\"#\(prefix)")
    }

    /// The verdict as a symbol and words (colour is a second signal, never the only one).
    static func badge(_ v: CellView) -> String {
        let symbol: String
        switch v.outcome {
        case "passed": symbol = "✓"
        case "mismatch", "error", "missing-error": symbol = "✗"
        case "not-run": symbol = "…"
        default: symbol = "•"
        }
        return "<span class=\"badge \(HTML.escape(v.outcome))\">\(symbol) \(HTML.escape(v.verdict))</span>"
    }

    /// Output, error, expected output, figures and step widgets of a cell (what a run replaces).
    static func result(_ v: CellView) -> String {
        var s = ""
        if !v.output.isEmpty, v.error == nil || v.options.contains("error") {
            s += "<pre class=\"output\" aria-label=\"Output of cell \(v.number)\">\(HTML.escape(v.output))</pre>\n"
        } else if !v.output.isEmpty {
            s += "<pre class=\"output\" aria-label=\"Output of cell \(v.number) before the error\">\(HTML.escape(v.output))</pre>\n"
        }
        if let e = v.error, !v.options.contains("error") {
            var text = "\(e.headline)\n\(e.source)\n\(e.caret)"
            if let h = e.hint { text += "\nhint: \(h)" }
            s += "<pre class=\"error\" role=\"alert\" data-line=\"\(e.line)\" data-column=\"\(e.column)\">\(HTML.escape(text))</pre>\n"
        }
        if let expected = v.expected, v.outcome == "mismatch" || v.outcome == "missing-error" {
            s += "<div class=\"expected\"><p>Expected output (from the lesson):</p><pre>\(HTML.escape(expected))</pre></div>\n"
        }
        for (k, f) in v.figures.enumerated() {
            s += "<figure class=\"figure\" data-figure=\"\(HTML.escape(f.id))\">\(uniqueIDs(f.svg, prefix: "c\(v.number)f\(k)-"))<figcaption>\(HTML.escape(f.desc))</figcaption></figure>\n"
        }
        for (k, step) in v.steps.enumerated() {
            s += StepMarkup.widget(step, cell: v.number, index: k)
        }
        return s
    }
}

/// A `step` widget: controls and a place the script draws frames into; the frames as JSON.
enum StepMarkup {
    static func widget(_ step: StepView, cell: Int, index: Int) -> String {
        let id = "step-\(cell)-\(index)"
        let total = step.planes.reduce(0) { $0 + $1.frames.count }
        var s = "<div class=\"step\" id=\"\(id)\" role=\"group\" aria-label=\"Step through \(HTML.escape(step.operation)): \(total) windows\">\n"
        s += "<p class=\"step-summary\">\(HTML.escape(step.summary))</p>\n"
        s += "<div class=\"step-controls\">"
        s += "<button type=\"button\" data-step=\"first\" aria-label=\"First window\">First</button>"
        s += "<button type=\"button\" data-step=\"prev\" aria-label=\"Previous window\">◀ Previous</button>"
        s += "<button type=\"button\" data-step=\"play\" aria-label=\"Play\" aria-pressed=\"false\">▶ Play</button>"
        s += "<button type=\"button\" data-step=\"next\" aria-label=\"Next window\">Next ▶</button>"
        s += "<button type=\"button\" data-step=\"last\" aria-label=\"Last window\">Last</button>"
        s += "<label>Window <input type=\"range\" min=\"1\" max=\"\(max(total, 1))\" value=\"1\" data-step=\"slider\" aria-label=\"Window number\"></label>"
        s += "<span class=\"step-position\" aria-live=\"polite\"></span></div>\n"
        s += "<div class=\"step-frame\" tabindex=\"0\" aria-label=\"Current window; left and right arrow keys step\"></div>\n"
        s += "<script type=\"application/json\" class=\"step-data\">\(HTML.scriptJSON(step))</script>\n"
        s += "</div>\n"
        return s
    }
}
