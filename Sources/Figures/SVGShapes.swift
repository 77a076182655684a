/// Drawing primitives on `SVGDocument`: rectangles, lines, arrows, polygons, text.
///
/// Every number goes through `fmt`, so the same drawing gives the same text on every machine.
extension SVGDocument {
    /// A rectangle; `fill` may be a colour or `url(#pattern)`.
    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, strokeWidth: Double = 1, dash: String? = nil,
                              rx: Double = 0, opacity: Double? = nil) {
        var s = "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(width))\" height=\"\(fmt(height))\""
        if rx > 0 { s += " rx=\"\(fmt(rx))\"" }
        s += " fill=\"\(fill)\""
        if let opacity { s += " fill-opacity=\"\(fmt(opacity))\"" }
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(fmt(strokeWidth))\"" }
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        append(s + "/>")
    }

    /// A straight line.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = Palette.ink,
                              width: Double = 1.5, dash: String? = nil, opacity: Double? = nil) {
        var s = "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(fmt(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        if let opacity { s += " stroke-opacity=\"\(fmt(opacity))\"" }
        append(s + "/>")
    }

    /// A line ending in a filled arrow head (a marker in the colour of the line).
    public mutating func arrow(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = Palette.ink,
                               width: Double = 2, dash: String? = nil) {
        let id = "arrow-" + stroke.replacingOccurrences(of: "#", with: "")
        define(id: id, "<marker id=\"\(id)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"\(stroke)\"/></marker>")
        var s = "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(fmt(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        append(s + " marker-end=\"url(#\(id))\"/>")
    }

    /// A closed polygon through the points.
    public mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String? = Palette.ink,
                                 strokeWidth: Double = 1, opacity: Double? = nil) {
        let pts = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        var s = "<polygon points=\"\(pts)\" fill=\"\(fill)\""
        if let opacity { s += " fill-opacity=\"\(fmt(opacity))\"" }
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(fmt(strokeWidth))\" stroke-linejoin=\"round\"" }
        append(s + "/>")
    }

    /// A circle.
    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = Palette.ink,
                                strokeWidth: Double = 1.5, dash: String? = nil) {
        var s = "<circle cx=\"\(fmt(cx))\" cy=\"\(fmt(cy))\" r=\"\(fmt(r))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(fmt(strokeWidth))\"" }
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        append(s + "/>")
    }

    /// Real text; `anchor` is start, middle or end; `y` is the baseline unless `centered`,
    /// which puts the middle of the letters at `y`.
    public mutating func text(_ string: String, x: Double, y: Double, size: Double = 15,
                              anchor: String = "middle", weight: String? = nil, fill: String = Palette.ink,
                              italic: Bool = false, centered: Bool = false) {
        let baseline = centered ? y + size * 0.36 : y
        var s = "<text x=\"\(fmt(x))\" y=\"\(fmt(baseline))\" font-size=\"\(fmt(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
        if let weight { s += " font-weight=\"\(weight)\"" }
        if italic { s += " font-style=\"italic\"" }
        append(s + ">\(escapeXML(string))</text>")
    }

    /// Opens a group; close it with `endGroup()`.
    public mutating func beginGroup(_ attributes: String = "") {
        append(attributes.isEmpty ? "<g>" : "<g \(attributes)>")
    }

    public mutating func endGroup() { append("</g>") }

    /// An embedded raster image (a base64 `data:` URI, see `pngDataURI`), drawn pixelated
    /// so a small tensor image stays crisp when scaled up.
    public mutating func image(dataURI: String, x: Double, y: Double, width: Double, height: Double, smooth: Bool = false) {
        let rendering = smooth ? "" : " image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\""
        append("<image x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" preserveAspectRatio=\"none\"\(rendering) href=\"\(dataURI)\"/>")
    }
}

/// An estimate of the width of `text` in DejaVu Sans at `size` px (its mean advance is
/// about 0.6 em; digits are 0.64 em), for layout only.
public func textWidth(_ text: String, size: Double) -> Double {
    Double(text.count) * size * 0.62
}
