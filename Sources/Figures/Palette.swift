/// Colours of the figures: ink, a colour-blind-safe highlight set (Okabe and Ito) each paired
/// with a hatch pattern so no meaning rests on colour alone, and a viridis-like colour map.
public enum Palette {
    public static let ink = "#222222"
    public static let muted = "#666666"
    public static let gridLine = "#555555"
    public static let paper = "#ffffff"
    /// Padding cells: light gray with a dashed border (see `MatrixGrid`).
    public static let padding = "#e6e6e6"

    /// Okabe-Ito colours: strong (outlines, text) and a light tint (cell fills) of each.
    public static let blue = "#0072B2", lightBlue = "#cfe6f5"
    public static let orange = "#E69F00", lightOrange = "#fbe3b0"
    public static let green = "#009E73", lightGreen = "#c4ebdf"
    public static let vermillion = "#D55E00", lightVermillion = "#f7d3ba"
    public static let purple = "#CC79A7", lightPurple = "#f2d9e7"
    public static let sky = "#56B4E9", lightSky = "#d8eefb"
    public static let yellow = "#F0E442"

    /// Highlight i: a strong colour, its tint and a pattern id (defined by `definePattern`).
    public static let highlights: [(strong: String, light: String, pattern: String)] = [
        (blue, lightBlue, "hatch-diagonal"),
        (orange, lightOrange, "hatch-dots"),
        (green, lightGreen, "hatch-horizontal"),
        (purple, lightPurple, "hatch-cross"),
    ]

    /// Viridis anchors at 0, 1/8, ..., 1 (matplotlib's viridis sampled), interpolated linearly.
    static let viridisAnchors: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 82, 139), (44, 114, 142), (33, 145, 140),
        (40, 174, 128), (94, 201, 98), (173, 220, 48), (253, 231, 37),
    ]

    /// The colour map at t in [0, 1] (clamped) as RGB bytes.
    public static func viridis(_ t: Double) -> (UInt8, UInt8, UInt8) {
        let x = t.isNaN ? 0 : Swift.min(Swift.max(t, 0), 1) * Double(viridisAnchors.count - 1)
        let i = Swift.min(Int(x), viridisAnchors.count - 2)
        let f = x - Double(i)
        let a = viridisAnchors[i], b = viridisAnchors[i + 1]
        func mix(_ p: Double, _ q: Double) -> UInt8 { UInt8((p + (q - p) * f).rounded()) }
        return (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// The colour map at t as `#rrggbb`.
    public static func viridisHex(_ t: Double) -> String {
        let (r, g, b) = viridis(t)
        return hex(r, g, b)
    }

    public static func hex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [r, g, b] { s.append(digits[Int(v >> 4)]); s.append(digits[Int(v & 15)]) }
        return s
    }
}

extension SVGDocument {
    /// Defines highlight pattern `i` (tint fill plus a hatch in its strong colour) and returns
    /// the `url(#...)` fill that uses it.
    public mutating func highlightFill(_ i: Int) -> String {
        let h = Palette.highlights[i % Palette.highlights.count]
        let id = "\(h.pattern)-\(i % Palette.highlights.count)"
        let marks: String
        switch h.pattern {
        case "hatch-diagonal":
            marks = "<path d=\"M-2,2 L2,-2 M0,10 L10,0 M8,12 L12,8\" stroke=\"\(h.strong)\" stroke-width=\"1.4\" stroke-opacity=\"0.55\"/>"
        case "hatch-dots":
            marks = "<circle cx=\"2.5\" cy=\"2.5\" r=\"1.4\" fill=\"\(h.strong)\" fill-opacity=\"0.6\"/><circle cx=\"7.5\" cy=\"7.5\" r=\"1.4\" fill=\"\(h.strong)\" fill-opacity=\"0.6\"/>"
        case "hatch-horizontal":
            marks = "<path d=\"M0,2.5 L10,2.5 M0,7.5 L10,7.5\" stroke=\"\(h.strong)\" stroke-width=\"1.2\" stroke-opacity=\"0.55\"/>"
        default:
            marks = "<path d=\"M0,5 L10,5 M5,0 L5,10\" stroke=\"\(h.strong)\" stroke-width=\"1.2\" stroke-opacity=\"0.55\"/>"
        }
        define(id: id, "<pattern id=\"\(id)\" width=\"10\" height=\"10\" patternUnits=\"userSpaceOnUse\"><rect width=\"10\" height=\"10\" fill=\"\(h.light)\"/>\(marks)</pattern>")
        return "url(#\(id))"
    }

    /// The diagonal hatch used for padding cells, defined once.
    public mutating func paddingFill() -> String {
        define(id: "padding-hatch", "<pattern id=\"padding-hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"\(Palette.padding)\"/><path d=\"M0,0 L0,8\" stroke=\"#bdbdbd\" stroke-width=\"2\"/></pattern>")
        return "url(#padding-hatch)"
    }
}
