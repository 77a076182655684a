/// Where the pieces of the stacked-feature-maps figure go: two maps on the left, one above
/// the other, and on the right the same two stacked along the depth (map 2 behind, shifted
/// up and right in the depth direction of `VolumeBox`).
struct StackLayout {
    let side: (w: Double, h: Double)
    let left: Double
    let top1 = 70.0
    var top2: Double { top1 + side.h + 70 }
    var shift: (Double, Double) { (Swift.min(side.w, 120) * VolumeBox.dx * 1.45, Swift.min(side.w, 120) * VolumeBox.dy * 1.45) }
    var frontX: Double { left + side.w + 170 }
    var frontY: Double { top1 + side.h / 2 + 70 - shift.1 }
    var backX: Double { frontX + shift.0 }
    var backY: Double { frontY + shift.1 }
    var width: Double { frontX + side.w + shift.0 + 110 }
    var height: Double { Swift.max(top2 + side.h + 60, frontY + side.h + 70) }

    init(side: (Double, Double)) {
        self.side = (side.0, side.1)
        left = Swift.max(40, 40 + (textWidth("Feature map 1 (filter 1)", size: 16) * 1.08 - side.0) / 2)
    }

    /// The lines joining the corners of the front and back maps.
    func depthEdges(_ doc: inout SVGDocument) {
        for (u, v) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)] {
            doc.line(x1: frontX + u * side.w, y1: frontY + v * side.h, x2: backX + u * side.w, y2: backY + v * side.h, stroke: Palette.gridLine, width: 1.2)
        }
    }

    /// Captions, arrows and the volume's label.
    func labels(_ doc: inout SVGDocument, shape: String) {
        doc.text("Feature map 1 (filter 1)", x: left + side.w / 2, y: top1 - 12, size: 16, weight: "bold")
        doc.text("Feature map 2 (filter 2)", x: left + side.w / 2, y: top2 - 12, size: 16, weight: "bold")
        doc.rect(x: frontX, y: frontY, width: side.w, height: side.h, fill: "none", stroke: Palette.ink, strokeWidth: 2)
        let cx = frontX + (side.w + shift.0) / 2
        doc.text("Output volume \(shape)", x: cx, y: frontY + side.h + 34, size: 16, weight: "bold")
        doc.text("stacked along the depth: map 1 in front, map 2 behind", x: cx, y: frontY + side.h + 56, size: 14, fill: Palette.muted)
        doc.arrow(x1: left + side.w + 20, y1: top1 + side.h / 2, x2: frontX - 20, y2: frontY + side.h / 2 - 10, width: 2)
        doc.arrow(x1: left + side.w + 20, y1: top2 + side.h / 2, x2: frontX - 20, y2: frontY + side.h / 2 + 10, width: 2)
    }
}
