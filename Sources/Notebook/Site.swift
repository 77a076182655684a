import Foundation
import Lessons
import NN
import Tensor

/// The index page: every lesson with its number and title.
public struct IndexPage {
    public var entries: [LessonLibrary.Entry]
    public var mode: PageMode
    /// The link to a lesson's page.
    public var href: (LessonLibrary.Entry) -> String

    public init(entries: [LessonLibrary.Entry], mode: PageMode, href: @escaping (LessonLibrary.Entry) -> String) {
        self.entries = entries; self.mode = mode; self.href = href
    }

    public func render() -> String {
        var list = "<ol class=\"index\">\n"
        for e in entries {
            list += "<li value=\"\(e.number)\"><a href=\"\(HTML.escape(href(e)))\">\(HTML.escape(e.title))</a> <code>\(HTML.escape(e.name))</code></li>\n"
        }
        list += "</ol>\n"
        let intro: String
        switch mode {
        case .served:
            intro = "<p>Each lesson is a notebook: edit any cell and run it (Ctrl+Enter). A cell's expected output is checked as you run it.</p>"
        case .published:
            intro = "<p>Each lesson with its cells' outputs as computed by cnnlearn. To edit and run the cells, run <code>cnnlearn serve</code>.</p>"
        }
        var shellMode = mode
        if case .served(_, let token, let nonce) = mode { shellMode = .served(session: "", token: token, nonce: nonce) }
        return PageShell.html(title: "Lessons · cnnlearn", meta: "", mode: shellMode,
                              body: "<main id=\"main\">\n<h1>cnnlearn: convolutional networks, step by step</h1>\n\(intro)\n\(list)</main>")
    }
}

/// What a published site is made from, and where its pages go.
public struct StaticSite {
    public var library: LessonLibrary
    /// The lessons to publish (all when empty), by the names `cnnlearn lesson` takes.
    public var only: [String]

    public init(library: LessonLibrary, only: [String] = []) {
        self.library = library; self.only = only
    }

    /// The file name of a lesson's page.
    public static func fileName(_ e: LessonLibrary.Entry) -> String {
        ((e.path as NSString).lastPathComponent as NSString).deletingPathExtension + ".html"
    }

    /// Every page as (file name, HTML), index first. Runs each lesson once, on the portable
    /// plain loops, so the same lessons give the same bytes on any machine.
    public func pages() throws(LessonError) -> [(String, String)] {
        var entries = library.entries()
        if !only.isEmpty {
            var picked: [LessonLibrary.Entry] = []
            for name in only { picked.append(try library.find(name)) }
            entries = picked
        }
        var out: [(String, String)] = [("index.html", IndexPage(entries: entries, mode: .published, href: Self.fileName).render())]
        for (k, e) in entries.enumerated() {
            let doc = try LessonDocument(contentsOf: e.path)
            let session = NotebookSession(document: doc)
            Engine.portably { session.runAll() }
            let link = { (x: LessonLibrary.Entry) in LessonLink(title: x.title, href: Self.fileName(x)) }
            let page = LessonPage(document: doc, views: session.views, mode: .published,
                                  index: LessonLink(title: "All lessons", href: "index.html"),
                                  previous: k > 0 ? link(entries[k - 1]) : nil,
                                  next: k + 1 < entries.count ? link(entries[k + 1]) : nil)
            out.append((Self.fileName(e), page.render()))
        }
        return out
    }

    /// Writes the pages into `folder` (made if missing), each file atomically.
    @discardableResult
    public func write(to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        for (name, html) in try pages() {
            let path = (folder as NSString).appendingPathComponent(name)
            try AtomicFile.write(Array(html.utf8), to: path)
            written.append(path)
        }
        return written
    }
}

extension NotebookEvent {
    /// The event as server-sent-events text (`event:` and one `data:` line of JSON).
    public var serverSentEvent: String {
        let (name, data): (String, String)
        switch self {
        case .printed(let cell, let text):
            (name, data) = ("printed", HTML.json(["cell": JSONValue.int(cell), "text": .string(text)]))
        case .epoch(let cell, let r, let of):
            var d: [String: JSONValue] = ["cell": .int(cell), "epoch": .int(r.epoch), "of": .int(of),
                                          "loss": .number(Double(r.loss)), "accuracy": .number(Double(r.accuracy))]
            if let v = r.valLoss { d["val_loss"] = .number(Double(v)) }
            if let v = r.valAccuracy { d["val_accuracy"] = .number(Double(v)) }
            (name, data) = ("epoch", HTML.json(d))
        case .finished(let v):
            (name, data) = ("finished", HTML.json(["cell": JSONValue.int(v.number), "outcome": .string(v.outcome),
                                                   "verdict": .string(v.verdict), "badge": .string(CellMarkup.badge(v)),
                                                   "html": .string(CellMarkup.result(v))]))
        case .stale(let cells, let after):
            (name, data) = ("stale", HTML.json(["cells": JSONValue.array(cells.map { .int($0) }), "after": .int(after)]))
        }
        return "event: \(name)\ndata: \(data)\n\n"
    }
}

/// A small JSON value for event payloads (numbers that are not finite become null).
public enum JSONValue: Encodable, Sendable, Equatable {
    case int(Int), number(Double), string(String), bool(Bool), array([JSONValue]), null

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .number(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .null: try c.encodeNil()
        }
    }
}
