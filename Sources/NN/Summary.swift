import Foundation

/// Formats an integer with thousands separators as Keras prints counts: 5681345 -> "5,681,345".
public func groupedThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}

/// Formats a byte count as Keras 3's summary does: powers of 1024, two decimals, "21.67 MB".
public func readableMemorySize(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var v = Double(bytes)
    for u in units.dropLast() {
        if v / 1024 < 1 { return String(format: "%.2f %@", v, u) }
        v /= 1024
    }
    return String(format: "%.2f %@", v, units[units.count - 1])
}

/// Formats a per-example shape as Keras prints output shapes: [150, 150, 32] -> "(None, 150, 150, 32)".
public func kerasShape(_ shape: [Int]) -> String {
    "(" + (["None"] + shape.map(String.init)).joined(separator: ", ") + ")"
}

/// Lays out rows of cells in left-aligned columns of the given widths.
func tableLine(_ cells: [String], widths: [Int]) -> String {
    var line = ""
    for (cell, w) in zip(cells, widths) {
        line += cell.padding(toLength: max(w, cell.count + 1), withPad: " ", startingAt: 0)
    }
    while line.hasSuffix(" ") { line.removeLast() }
    return line
}

/// Column widths for a table that must fit an 80-column terminal: each column as wide as its
/// widest cell (or header) plus `gap` spaces; the last column is not padded.
func fittedWidths(_ header: [String], _ rows: [[String]], gap: Int = 2) -> [Int] {
    var widths = header.map { $0.count + gap }
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count + gap) } }
    if !widths.isEmpty { widths[widths.count - 1] -= gap }
    return widths
}

/// A per-example shape without Keras' batch axis, as the cost table prints it: [150, 150, 32] -> "150x150x32".
func compactShape(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }

extension Sequential {
    /// The legend under the cost table: what its extra columns and totals mean (80 columns).
    public static let summaryLegend = [
        "MACs: multiply-accumulates per example. Memory: the layer's output per example",
        "(float32, 1 KB = 1024 B). Receptive fields (size, jump, start in input pixels):",
        "cnnlearn summary MODEL --receptive-field.",
    ]

    /// The model summary. Without `costs` it is Keras 2's own table (Layer (type), Output
    /// Shape, Param #, rules of `_` and `=`, totals; 65 characters wide), to compare with
    /// `model.summary()` line by line. With `costs` (the default) two columns follow, the
    /// multiply-accumulates per example and the layer output's memory per example (float32),
    /// with two more total lines and a legend; to fit 80 columns this table writes output
    /// shapes as `150x150x32` and sizes its columns to their cells.
    ///
    /// Counts use thousands separators; memory uses Keras 3's units (1 KB = 1024 B).
    public func summaryTable(costs: Bool = true) -> String {
        let header = costs ? ["Layer (type)", "Output", "Param #", "MACs", "Memory"] : ["Layer (type)", "Output Shape", "Param #"]
        let rows = layers.map { l in
            costs ? ["\(l.name) (\(l.typeName))", compactShape(l.outputShape), groupedThousands(l.parameterCount),
                     groupedThousands(l.macs), readableMemorySize(l.activationBytes)]
                  : ["\(l.name) (\(l.typeName))", kerasShape(l.outputShape), groupedThousands(l.parameterCount)]
        }
        var widths: [Int]
        if costs {
            widths = fittedWidths(header, rows)
        } else {
            // Keras 2's column starts are 29, 55 and 65 on a 65-character line; wider cells widen a column.
            widths = [29, 26, 10]
            // As in Keras, a long last cell runs past the rules rather than widening them.
            for r in rows { for (i, c) in r.enumerated().dropLast() { widths[i] = max(widths[i], c.count + 1) } }
        }
        let total = widths.reduce(0, +)
        let thin = String(repeating: "_", count: total)
        let thick = String(repeating: "=", count: total)
        var out = ["Model: \"\(name)\"", thin, tableLine(header, widths: widths), thick]
        for (i, r) in rows.enumerated() {
            out.append(tableLine(r, widths: widths))
            out.append(i == rows.count - 1 ? thick : thin)
        }
        if rows.isEmpty { out.append(thick) }
        let params = parameterCount
        let paramBytes = params * MemoryLayout<Float>.size
        out.append("Total params: \(groupedThousands(params)) (\(readableMemorySize(paramBytes)))")
        out.append("Trainable params: \(groupedThousands(params)) (\(readableMemorySize(paramBytes)))")
        out.append("Non-trainable params: 0 (\(readableMemorySize(0)))")
        if costs {
            out.append("Total MACs per example: \(groupedThousands(macs))")
            out.append("Activation memory per example: \(readableMemorySize(activationBytes)) (float32)")
        }
        out.append(thin)
        if costs { out += Self.summaryLegend }
        return out.joined(separator: "\n") + "\n"
    }
}
