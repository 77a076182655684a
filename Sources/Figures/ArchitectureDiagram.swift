import Foundation

/// A layer-by-layer architecture diagram: stages (blocks) left to right, each layer a box
/// (height from its spatial size, thickness from its channel count, both on log scales), and
/// under each stage its layers' names and output shapes.
///
/// `marked` layers get an arrow above and a bold "▶" line, never colour alone.
struct ArchitectureDiagram {
    var rows: [LayerRow]
    var marked: Set<String> = []
    var notes: [String] = []
    /// Brackets above runs of stages: (caption, stage names).
    var groups: [(String, [String])] = []

    static let labelSize = 13.0
    static let baseCenterY = 215.0
    var top: Double { groups.isEmpty ? 0 : 44 }

    static func spatial(_ n: Int) -> Double { 24 + 150 * log(Double(Swift.max(n, 1))) / log(224) }
    static func thickness(_ c: Int) -> Double { 5 + 3 * log2(Double(Swift.max(c, 1))) }
    static func unitsHeight(_ n: Int) -> Double { Swift.min(180, 20 + 160 * log(Double(Swift.max(n, 1))) / log(25088)) }

    /// The box of one layer, its front face's left edge at x.
    static func box(_ row: LayerRow, x: Double, shift: Double = 0) -> VolumeBox {
        let centerY = baseCenterY + shift
        if row.shape.count == 3 {
            let h = spatial(row.shape[0])
            let kind: VolumeBox.Kind = row.type == "InputLayer" ? .input : (row.type == "MaxPooling2D" ? .pooled : .output)
            return VolumeBox(x: x, y: centerY - h / 2, width: thickness(row.shape[2]), height: h, depth: spatial(row.shape[1]) * 0.45, kind: kind)
        }
        let h = unitsHeight(row.shape.reduce(1, *))
        return VolumeBox(x: x, y: centerY - h / 2, width: 12, height: h, depth: 10, kind: .dense)
    }

    static func label(_ row: LayerRow) -> String { "\(row.name)  \(formatShapeText(row.shape))" }

    static func formatShapeText(_ s: [Int]) -> String { s.map(String.init).joined(separator: "x") }

    /// Groups rows into consecutive stages.
    var stages: [(name: String, rows: [LayerRow])] {
        var out = [(name: String, rows: [LayerRow])]()
        for r in rows {
            if let last = out.last, last.name == r.stage { out[out.count - 1].rows.append(r) } else { out.append((r.stage, [r])) }
        }
        return out
    }

    func render(title: String, desc: String) -> SVGDocument {
        let stageList = stages
        // Layout pass: x of each stage and its width.
        var x = 40.0
        var placed = [(x: Double, width: Double)]()
        for s in stageList {
            var glyphs = 0.0, lastDepth = 0.0
            for r in s.rows {
                let b = ArchitectureDiagram.box(r, x: 0)
                glyphs += b.width + 7
                lastDepth = b.ddx
            }
            let labels = s.rows.map { textWidth(ArchitectureDiagram.label($0) + "▶ ", size: ArchitectureDiagram.labelSize) }.max() ?? 0
            let w = Swift.max(glyphs + lastDepth, labels, textWidth(s.name, size: 15))
            placed.append((x, w))
            x += w + 28
        }
        let maxLines = stageList.map(\.rows.count).max() ?? 1
        let labelTop = ArchitectureDiagram.baseCenterY + top + 120
        let height = labelTop + Double(maxLines) * 19 + Double(notes.count) * 20 + 30
        var doc = SVGDocument(width: x + 12, height: height, title: title, desc: desc)

        for (i, s) in stageList.enumerated() {
            let (sx, sw) = placed[i]
            let glyphWidth = s.rows.reduce(0.0) { $0 + ArchitectureDiagram.box($1, x: 0).width + 7 } + (s.rows.last.map { ArchitectureDiagram.box($0, x: 0).ddx } ?? 0)
            var gx = sx + (sw - glyphWidth) / 2
            doc.text(s.name, x: sx + sw / 2, y: 32 + top, size: 15, weight: "bold")
            for r in s.rows {
                let b = ArchitectureDiagram.box(r, x: gx, shift: top)
                b.draw(&doc, strokeWidth: 1, dash: r.type == "Dropout" ? "4 3" : nil)
                if marked.contains(r.name) {
                    let top = b.y + b.ddy - 8
                    doc.arrow(x1: b.x + b.width / 2 + b.ddx / 2, y1: 52 + top, x2: b.x + b.width / 2 + b.ddx / 2, y2: top, stroke: Palette.vermillion, width: 3)
                }
                gx += b.width + 7
            }
            for (j, r) in s.rows.enumerated() {
                let isMarked = marked.contains(r.name)
                let y = labelTop + Double(j) * 19
                let name = (isMarked ? "▶ " : "") + r.name
                doc.append("<text x=\"\(fmt(sx))\" y=\"\(fmt(y))\" font-size=\"\(fmt(ArchitectureDiagram.labelSize))\" fill=\"\(isMarked ? Palette.vermillion : Palette.ink)\"\(isMarked ? " font-weight=\"bold\"" : "")>\(escapeXML(name))<tspan dx=\"8\" fill=\"\(Palette.muted)\" font-weight=\"normal\">\(escapeXML(ArchitectureDiagram.formatShapeText(r.shape)))</tspan></text>")
            }
        }
        // Arrows between stages show the direction data flows.
        for i in 1..<Swift.max(1, stageList.count) {
            let x1 = placed[i - 1].x + placed[i - 1].width + 3, x2 = placed[i].x - 3
            let y = ArchitectureDiagram.baseCenterY + top + 20
            if x2 - x1 >= 14 { doc.arrow(x1: x1, y1: y, x2: x2, y2: y, stroke: Palette.muted, width: 2) }
        }
        for (caption, names) in groups {
            let idx = stageList.indices.filter { names.contains(stageList[$0].name) }
            guard let a = idx.first, let b = idx.last else { continue }
            let x1 = placed[a].x, x2 = placed[b].x + placed[b].width
            doc.append("<path d=\"M\(fmt(x1)),\(fmt(top + 14)) L\(fmt(x1)),\(fmt(top + 2)) L\(fmt(x2)),\(fmt(top + 2)) L\(fmt(x2)),\(fmt(top + 14))\" fill=\"none\" stroke=\"\(Palette.muted)\" stroke-width=\"1.5\"/>")
            doc.rect(x: (x1 + x2) / 2 - textWidth(caption, size: 16) / 2 - 8, y: top - 14, width: textWidth(caption, size: 16) + 16, height: 26, fill: Palette.paper)
            doc.text(caption, x: (x1 + x2) / 2, y: top + 6, size: 16, weight: "bold")
        }
        for (i, note) in notes.enumerated() {
            doc.text(note, x: 40, y: labelTop + Double(maxLines) * 19 + 14 + Double(i) * 20, size: 14, anchor: "start", fill: Palette.muted)
        }
        return doc
    }
}
