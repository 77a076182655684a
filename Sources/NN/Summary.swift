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

extension Sequential {
    /// The model summary as Keras 2 prints it (Layer (type), Output Shape, Param #, rules of
    /// `_` and `=`, totals). With `costs` (the default) two more columns follow, the
    /// multiply-accumulates per example and the layer output's memory per example (float32),
    /// and two more total lines; without, the table is Keras' own, 65 characters wide.
    ///
    /// Counts use thousands separators; memory uses Keras 3's units (1 KB = 1024 B).
    public func summaryTable(costs: Bool = true) -> String {
        let header = ["Layer (type)", "Output Shape", "Param #", "MACs", "Memory"].prefix(costs ? 5 : 3)
        let rows = layers.map { l in
            ["\(l.name) (\(l.typeName))", kerasShape(l.outputShape), groupedThousands(l.parameterCount),
             groupedThousands(l.macs), readableMemorySize(l.activationBytes)].prefix(costs ? 5 : 3)
        }
        // Keras 2's column starts are 29, 55 and 65 on a 65-character line; wider cells widen a column.
        var widths = Array([29, 26, 13, 17, 10].prefix(costs ? 5 : 3))
        if !costs { widths[2] = 10 }
        // As in Keras, a long last cell runs past the rules rather than widening them.
        for r in rows { for (i, c) in r.enumerated().dropLast() { widths[i] = max(widths[i], c.count + 1) } }
        let total = widths.reduce(0, +)
        let thin = String(repeating: "_", count: total)
        let thick = String(repeating: "=", count: total)
        var out = ["Model: \"\(name)\"", thin, tableLine(Array(header), widths: widths), thick]
        for (i, r) in rows.enumerated() {
            out.append(tableLine(Array(r), widths: widths))
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
        return out.joined(separator: "\n") + "\n"
    }
}
