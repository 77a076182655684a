/// A 3-D volume (an image, a feature-map stack, a filter) drawn as a box in oblique
/// projection: the front face is width x height, depth recedes up and to the right.
struct VolumeBox {
    /// Top-left corner of the front face.
    var x: Double, y: Double
    /// Front face size and depth, in pixels.
    var width: Double, height: Double, depth: Double
    var front: String
    var top: String
    var side: String
    var stroke: String = Palette.ink

    /// The depth direction: cos 35° and sin 35° of the depth length.
    static let dx = 0.82, dy = -0.57

    var ddx: Double { depth * VolumeBox.dx }
    var ddy: Double { depth * VolumeBox.dy }

    /// Width of everything drawn, front face plus depth.
    var extentX: Double { width + ddx }
    /// Height of everything drawn.
    var extentY: Double { height - ddy }

    /// A box coloured as one of the volume kinds.
    init(x: Double, y: Double, width: Double, height: Double, depth: Double, kind: Kind) {
        self.x = x; self.y = y; self.width = width; self.height = height; self.depth = depth
        (front, top, side) = kind.colors
    }

    enum Kind {
        case input, filter, output, slice, pooled, dense
        var colors: (String, String, String) {
            switch self {
            case .input: ("#dfe7ee", "#eef3f7", "#c3cfd9")
            case .filter: (Palette.lightOrange, "#fdf0d2", "#f1c46a")
            case .output: ("#bcdaf0", "#dcecf8", "#8fbfe3")
            case .slice: ("#f3b48c", "#f9d6c0", "#e08b57")
            case .pooled: (Palette.lightGreen, "#e2f5ef", "#8fd6c0")
            case .dense: (Palette.lightPurple, "#f8ecf3", "#e2a9c8")
            }
        }
    }

    /// Draws the three visible faces.
    func draw(_ doc: inout SVGDocument, strokeWidth: Double = 1.3, dash: String? = nil) {
        let (a, b) = (ddx, ddy)
        doc.polygon([(x, y), (x + a, y + b), (x + width + a, y + b), (x + width, y)], fill: top, stroke: stroke, strokeWidth: strokeWidth)
        doc.polygon([(x + width, y), (x + width + a, y + b), (x + width + a, y + height + b), (x + width, y + height)], fill: side, stroke: stroke, strokeWidth: strokeWidth)
        doc.rect(x: x, y: y, width: width, height: height, fill: front, stroke: stroke, strokeWidth: strokeWidth, dash: dash)
    }

    /// Lines across the top and side faces marking `n` depth slices (skipped past 24).
    func drawSlices(_ doc: inout SVGDocument, _ n: Int) {
        guard n > 1, n <= 24 else { return }
        for i in 1..<n {
            let f = Double(i) / Double(n)
            let (ax, ay) = (x + f * ddx, y + f * ddy)
            doc.line(x1: ax, y1: ay, x2: ax + width, y2: ay, stroke: stroke, width: 0.7, opacity: 0.6)
            doc.line(x1: ax + width, y1: ay, x2: ax + width, y2: ay + height, stroke: stroke, width: 0.7, opacity: 0.6)
        }
    }

    /// A label centred under the box.
    func label(_ doc: inout SVGDocument, _ lines: [String], size: Double = 15, gap: Double = 24) {
        for (i, line) in lines.enumerated() {
            doc.text(line, x: x + extentX / 2, y: y + height + gap + Double(i) * (size + 5), size: size,
                     weight: i == 0 ? "bold" : nil, fill: i == 0 ? Palette.ink : Palette.muted)
        }
    }

    /// The point on the front face at fractions (u, v) of its width and height, at depth
    /// fraction w (0 = front, 1 = back).
    func point(u: Double, v: Double, w: Double = 0) -> (Double, Double) {
        (x + u * width + w * ddx, y + v * height + w * ddy)
    }
}

/// Pixels for a spatial size or a depth, so bigger volumes look bigger without filling the page.
enum VolumeScale {
    static func spatial(_ n: Int, unit: Double = 5, maxPixels: Double = 170) -> Double {
        Swift.min(maxPixels, Swift.max(8, Double(n) * unit))
    }

    static func depth(_ n: Int, unit: Double = 7, maxPixels: Double = 110) -> Double {
        Swift.min(maxPixels, Swift.max(6, Double(n) * unit))
    }
}
