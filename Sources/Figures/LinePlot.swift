/// A line plot with axes, ticks, a legend and a title (for loss and accuracy curves).
///
/// Series differ by colour, dash pattern and marker shape, so they read in gray print too.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public init(name: String, x: [Double], y: [Double]) { self.name = name; self.x = x; self.y = y }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 640.0, height = 400.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    static let styles: [(color: String, dash: String?, marker: String)] = [
        (Palette.blue, nil, "circle"), (Palette.vermillion, "7 4", "square"),
        (Palette.green, "2 3", "triangle"), (Palette.purple, "10 3 2 3", "diamond"),
    ]

    /// Tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten, about five
    /// ticks. Each tick is an integer count of steps divided by a power of ten, so 0.6 prints as 0.6.
    public static func ticks(low: Double, high: Double, target: Int = 5) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / Double(target)
        let e = log10(raw)
        let p = pow10(e)
        let mantissa = [1.0, 2, 5, 10].first { $0 * p >= raw } ?? 10
        // value(k) = k * mantissa * 10^e, computed as (k * mantissa) / 10^-e for e < 0.
        func value(_ k: Int) -> Double { e < 0 ? Double(k) * mantissa / pow10(-e) : Double(k) * mantissa * p }
        let step = mantissa * p
        var k = Int((low / step).rounded(.up) - 1)
        var out = [Double]()
        while value(k) <= high + step * 1e-9 {
            if value(k) >= low - step * 1e-9 { out.append(value(k)) }
            k += 1
        }
        return out
    }

    static func pow10(_ e: Double) -> Double { var r = 1.0; for _ in 0..<Int(abs(e)) { r *= 10 }; return e < 0 ? 1 / r : r }
    static func log10(_ v: Double) -> Double { var e = 0.0, x = v; while x >= 10 { x /= 10; e += 1 }; while x < 1 { x *= 10; e -= 1 }; return e }
    static func floor(_ v: Double) -> Double { v.rounded(.down) }

    /// Draws the plot as a finished document.
    public func render(desc: String) -> SVGDocument {
        var doc = SVGDocument(width: width, height: height, title: title, desc: desc)
        let left = 70.0, right = width - 30, top = 78.0, bottom = height - 60
        let xs = series.flatMap(\.x), ys = series.flatMap(\.y)
        let xt = LinePlot.ticks(low: xs.min() ?? 0, high: xs.max() ?? 1)
        var yt = LinePlot.ticks(low: ys.min() ?? 0, high: ys.max() ?? 1)
        // The value axis starts and ends on a tick.
        if yt.count >= 2 {
            let step = yt[1] - yt[0]
            if let lo = ys.min(), let first = yt.first, first > lo + step * 1e-9 { yt.insert(LinePlot.ticks(low: first - step, high: first).first ?? first - step, at: 0) }
            if let hi = ys.max(), let last = yt.last, last < hi - step * 1e-9 { yt.append(LinePlot.ticks(low: last, high: last + step).last ?? last + step) }
        }
        let x0 = Swift.min(xt.first ?? 0, xs.min() ?? 0), x1 = Swift.max(xt.last ?? 1, xs.max() ?? 1)
        let y0 = Swift.min(yt.first ?? 0, ys.min() ?? 0), y1 = Swift.max(yt.last ?? 1, ys.max() ?? 1)
        func px(_ v: Double) -> Double { left + (v - x0) / (x1 > x0 ? x1 - x0 : 1) * (right - left) }
        func py(_ v: Double) -> Double { bottom - (v - y0) / (y1 > y0 ? y1 - y0 : 1) * (bottom - top) }
        doc.text(title, x: width / 2, y: 28, size: 17, weight: "bold")
        for t in yt {
            doc.line(x1: left, y1: py(t), x2: right, y2: py(t), stroke: "#e3e3e3", width: 1)
            doc.text(fmt(t), x: left - 8, y: py(t) + 5, size: 13, anchor: "end")
        }
        for t in xt {
            doc.line(x1: px(t), y1: bottom, x2: px(t), y2: bottom + 6, stroke: Palette.ink, width: 1)
            doc.text(fmt(t), x: px(t), y: bottom + 22, size: 13)
        }
        doc.line(x1: left, y1: bottom, x2: right, y2: bottom, width: 1.5)
        doc.line(x1: left, y1: top, x2: left, y2: bottom, width: 1.5)
        doc.text(xLabel, x: (left + right) / 2, y: height - 14, size: 14)
        doc.append("<text x=\"18\" y=\"\(fmt((top + bottom) / 2))\" font-size=\"14\" text-anchor=\"middle\" fill=\"\(Palette.ink)\" transform=\"rotate(-90 18 \(fmt((top + bottom) / 2)))\">\(escapeXML(yLabel))</text>")
        for (i, s) in series.enumerated() {
            let st = LinePlot.styles[i % LinePlot.styles.count]
            let pts = zip(s.x, s.y).map { "\(fmt(px($0))),\(fmt(py($1)))" }.joined(separator: " ")
            doc.append("<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(st.color)\" stroke-width=\"2.2\"\(st.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
            for (x, y) in zip(s.x, s.y) { marker(&doc, st.marker, px(x), py(y), st.color) }
            // Legend entry under the title, entries side by side: line sample, marker, name.
            let ly = 52.0, lx = left + Double(i) * 170
            doc.line(x1: lx, y1: ly, x2: lx + 34, y2: ly, stroke: st.color, width: 2.2, dash: st.dash)
            marker(&doc, st.marker, lx + 17, ly, st.color)
            doc.text(s.name, x: lx + 44, y: ly + 5, size: 14, anchor: "start")
        }
        return doc
    }

    func marker(_ doc: inout SVGDocument, _ kind: String, _ x: Double, _ y: Double, _ color: String) {
        switch kind {
        case "circle": doc.circle(cx: x, cy: y, r: 3.5, fill: color, stroke: nil)
        case "square": doc.rect(x: x - 3.5, y: y - 3.5, width: 7, height: 7, fill: color)
        case "triangle": doc.polygon([(x, y - 4.5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5)], fill: color, stroke: nil)
        default: doc.polygon([(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)], fill: color, stroke: nil)
        }
    }
}
