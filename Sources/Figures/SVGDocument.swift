import Foundation

/// A small builder for clean, readable SVG with fixed number formatting.
///
/// Coordinates are in CSS pixels; the PNG form is this document rasterized at the same size.
/// Text is real `<text>` in "DejaVu Sans" (Debian's fonts-dejavu-core), so screen readers and
/// search can read it; `<title>` and `<desc>` come first for screen readers.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    public var title: String
    public var desc: String
    private var defs: [(id: String, element: String)] = []
    private(set) var body: [String] = []

    public init(width: Double, height: Double, title: String, desc: String) {
        // Whole pixels, so the PNG is exactly the canvas.
        self.width = width.rounded(.up)
        self.height = height.rounded(.up)
        self.title = title
        self.desc = desc
    }

    /// Appends one element (a complete tag or group) to the body.
    public mutating func append(_ element: String) { body.append(element) }

    /// Adds a definition (pattern, marker) once; later calls with the same id are ignored.
    public mutating func define(id: String, _ element: String) {
        if !defs.contains(where: { $0.id == id }) { defs.append((id, element)) }
    }

    /// The body elements, for composing documents (animation frames).
    public var elements: [String] { body }
    /// Adds every definition of another document (keeping ids unique).
    public mutating func mergeDefinitions(of other: SVGDocument) {
        for d in other.defs { define(id: d.id, d.element) }
    }

    /// The document as text: an XML declaration-free `<svg>` with `<title>` and `<desc>` first,
    /// then `<defs>`, a white background and the body.
    public func render() -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" font-family=\"DejaVu Sans\">\n"
        s += "  <title>\(escapeXML(title))</title>\n"
        s += "  <desc>\(escapeXML(desc))</desc>\n"
        if !defs.isEmpty {
            s += "  <defs>\n"
            for d in defs { s += "    " + d.element + "\n" }
            s += "  </defs>\n"
        }
        s += "  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        for e in body { s += "  " + e + "\n" }
        s += "</svg>\n"
        return s
    }
}

/// Numbers in SVG: at most two decimals, no trailing zeros, never exponent notation.
/// NaN and infinities print as `nan`, `inf`, `-inf`; magnitudes past 1e15 as whole digits
/// (an Int conversion would trap).
public func fmt(_ v: Double) -> String {
    guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
    if abs(v) >= 1e15 { return String(format: "%.0f", v) }
    let scaled = (v * 100).rounded()
    let neg = scaled < 0
    let a = Int(abs(scaled))
    let whole = a / 100
    let frac = a % 100
    var s = String(whole)
    if frac != 0 {
        s += frac % 10 == 0 ? ".\(frac / 10)" : (frac < 10 ? ".0\(frac)" : ".\(frac)")
    }
    return (neg && a != 0 ? "-" : "") + s
}

/// Escapes text for XML content and attribute values.
public func escapeXML(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(ch)
        }
    }
    return out
}
