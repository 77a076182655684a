import Foundation

/// Escaping for the notebook's HTML: every piece of text a lesson or a cell supplies passes
/// through one of these before it reaches a page.
public enum HTML {
    /// Text as element content or a double-quoted attribute value.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // C0 controls other than tab and newline have no business in a page (a cell may
                // print an escape sequence): shown as U+2400's control pictures, like a terminal's
                // caret notation.
                if c.value < 0x20, c != "\t", c != "\n" {
                    out.unicodeScalars.append(Unicode.Scalar(0x2400 + c.value)!)
                } else if c.value == 0x7F {
                    out += "\u{2421}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// JSON for a `<script type="application/json">` block: `<` written as `\u003c`, so no text
    /// inside can close the script element or open a comment.
    public static func scriptJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        let s = String(decoding: data, as: UTF8.self)
        return s.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }

    /// A JSON object as a compact string (server responses and events), keys sorted.
    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Keeps only the HTML that Markdown makes from a lesson's narrative: Ink passes raw HTML in the
/// Markdown through unchanged, and a lesson from the internet must not put a script, a form or
/// an event handler into a page served from this machine. Known tags keep their safe attributes
/// (a link's `href` when it is relative or http(s), an image's `src` and `alt`); every other tag
/// is shown as text.
public enum HTMLSanitizer {
    static let allowed: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "ul", "ol", "li", "a",
        "img", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "details",
        "summary", "del", "sup", "sub", "b", "i",
    ]
    static let void: Set<String> = ["img", "hr", "br"]

    public static func clean(_ html: String) -> String {
        var out = ""
        let chars = Array(html.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "<", let end = tagEnd(chars, from: i) {
                let inner = String(String.UnicodeScalarView(chars[(i + 1)..<end]))
                if let tag = rebuild(inner) {
                    out += tag
                } else {
                    out += HTML.escape("<" + inner + ">")
                }
                i = end + 1
                continue
            }
            if c == "<" { out += "&lt;" } else if c == ">" { out += "&gt;" } else { out.unicodeScalars.append(c) }
            i += 1
        }
        return out
    }

    /// The index of the `>` closing a tag that starts at `start`, outside quoted values.
    static func tagEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var quote: Unicode.Scalar?
        var j = start + 1
        while j < chars.count {
            let c = chars[j]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == ">" {
                return j
            } else if c == "<" {
                return nil
            }
            j += 1
        }
        return nil
    }

    /// A safe version of the tag `<inner>`, or nil when it is not one the narrative may use.
    static func rebuild(_ inner: String) -> String? {
        var s = Substring(inner)
        let closing = s.hasPrefix("/")
        if closing { s = s.dropFirst() }
        let name = String(s.prefix { $0.isLetter || $0.isNumber }).lowercased()
        guard !name.isEmpty, allowed.contains(name) else { return nil }
        if closing { return void.contains(name) ? "" : "</\(name)>" }
        var attributes = ""
        for (key, value) in parseAttributes(String(s.dropFirst(name.count))) {
            switch (name, key) {
            case ("a", "href") where safeURL(value), ("img", "src") where safeURL(value):
                attributes += " \(key)=\"\(HTML.escape(value))\""
            case ("img", "alt"), ("a", "title"), ("img", "title"):
                attributes += " \(key)=\"\(HTML.escape(value))\""
            default:
                continue
            }
        }
        return "<\(name)\(attributes)>"
    }

    /// Relative links, fragments and http(s) only: no `javascript:`, `data:` or other schemes.
    static func safeURL(_ url: String) -> Bool {
        let u = url.trimmingCharacters(in: .whitespaces).lowercased()
        if u.hasPrefix("http://") || u.hasPrefix("https://") || u.hasPrefix("#") { return true }
        guard let colon = u.firstIndex(of: ":") else { return true }
        // A colon after the first slash, question mark or hash is part of a path, not a scheme.
        if let stop = u.firstIndex(where: { "/?#".contains($0) }), stop < colon { return true }
        return false
    }

    static func parseAttributes(_ s: String) -> [(String, String)] {
        var out: [(String, String)] = []
        let chars = Array(s)
        var i = 0
        func skipSpace() { while i < chars.count, chars[i].isWhitespace || chars[i] == "/" { i += 1 } }
        while true {
            skipSpace()
            guard i < chars.count else { break }
            var key = ""
            while i < chars.count, !chars[i].isWhitespace, chars[i] != "=", chars[i] != "/" { key.append(chars[i]); i += 1 }
            skipSpace()
            var value = ""
            if i < chars.count, chars[i] == "=" {
                i += 1
                while i < chars.count, chars[i].isWhitespace { i += 1 }
                if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                    let q = chars[i]; i += 1
                    while i < chars.count, chars[i] != q { value.append(chars[i]); i += 1 }
                    i += 1
                } else {
                    while i < chars.count, !chars[i].isWhitespace { value.append(chars[i]); i += 1 }
                }
            }
            if !key.isEmpty { out.append((key.lowercased(), decodeEntities(value))) }
        }
        return out
    }

    /// The few entities Ink writes into attribute values.
    static func decodeEntities(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
