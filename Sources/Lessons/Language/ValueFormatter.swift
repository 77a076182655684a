import Foundation
import NN
import Tensor

/// Prints values in the stable, machine-independent form lessons show and check.
///
/// - Int and Float numbers: `4`, `0.2500` (Float with `decimals` fixed decimals).
/// - 1-D tensors: `[1, 2, 3]`.
/// - Matrices: one row per line, columns right-aligned, separated by one space.
/// - Rank 3 (H,W,C): channel by channel, each under a `channel c:` heading.
/// - Rank 4 (N,H,W,C): each sample's channels under `sample n, channel c:`.
/// - Shapes: `32x32x3`.
/// - Large tensors, like numpy's: a plane with more than `edgeLimit` rows (or columns, or
///   rows wider than `lineWidth`) shows its first and last `edgeItems` rows (columns) with
///   `...` between; more than `blockLimit` channels or samples show the first and last
///   `edgeItems`; a heading names the whole shape. Only the shown rows and blocks are
///   formatted.
public struct ValueFormatter: Sendable {
    /// Decimals printed for Float numbers (set in a lesson with `decimals(n)`).
    public var decimals: Int
    /// Planes with more rows or columns than this are shortened.
    public var edgeLimit = 24
    /// Tensors with more channels (or samples) than this show only the edge ones.
    public var blockLimit = 8
    /// How many leading and trailing items a shortened axis keeps.
    public var edgeItems = 3
    /// A matrix row longer than this keeps only its edge columns: what fits an 80-column
    /// terminal after the 9-column `Out[n]:` gutter.
    public var lineWidth = 71

    public init(decimals: Int = 4) {
        self.decimals = decimals
    }

    /// The text of a value as an expression statement prints it (no trailing newline).
    public func format(_ v: Value) -> String {
        switch v {
        case .int(let i): return String(i)
        case .float(let f): return number(f)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .intTensor(let t): return tensor(t.shape, count: t.scalars.count, typeName: "Int") { String(t.scalars[$0]) }
        case .floatTensor(let t): return tensor(t.shape, count: t.scalars.count, typeName: "Float") { number(t.scalars[$0]) }
        case .boolTensor(let t): return tensor(t.shape, count: t.scalars.count, typeName: "Bool") { t.scalars[$0] != 0 ? "true" : "false" }
        case .list(let items): return "[" + items.map(nested).joined(separator: ", ") + "]"
        case .shape(let s): return formatShape(s)
        case .model(let m):
            return "model \"\(m.name)\": \(m.layers.count) layers, input \(formatShape(m.inputShape)), output \(formatShape(m.outputShape)), \(groupedThousands(m.parameterCount)) parameters"
        case .dataset(let d): return TrainingBuiltins.describe(d)
        case .run(let r): return TrainingBuiltins.describe(r, decimals: decimals)
        case .network(let n): return VisualizeBuiltins.describe(n)
        case .nothing: return ""
        }
    }

    /// A value inside a list: strings keep their quotes.
    private func nested(_ v: Value) -> String {
        if case .string(let s) = v { return "\"\(s)\"" }
        if case .intTensor(let t) = v { return flat(t.shape, t.scalars.map(String.init)) }
        if case .floatTensor(let t) = v { return flat(t.shape, t.scalars.map(number)) }
        if case .boolTensor(let t) = v { return flat(t.shape, t.scalars.map { $0 != 0 ? "true" : "false" }) }
        return format(v)
    }

    /// A Float with a fixed number of decimals; never `-0.0000`.
    public func number(_ f: Float) -> String {
        if f.isNaN { return "nan" }
        if f.isInfinite { return f > 0 ? "inf" : "-inf" }
        let s = String(format: "%.\(decimals)f", Double(f))
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    /// Nested brackets on one line: `[[1, 2], [3, 4]]`.
    private func flat(_ shape: [Int], _ cells: [String]) -> String {
        if shape.isEmpty { return cells.first ?? "" }
        let inner = shape.dropFirst().reduce(1, *)
        var parts: [String] = []
        for i in 0..<shape[0] {
            parts.append(flat(Array(shape.dropFirst()), Array(cells[(i * inner)..<((i + 1) * inner)])))
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    /// The indices an axis of `n` items shows: all of them, or the first and last `edgeItems`
    /// with nil for the gap.
    func shown(_ n: Int, limit: Int? = nil) -> [Int?] {
        n <= (limit ?? edgeLimit) ? Array(0..<n) : Array(0..<edgeItems) + [nil] + Array((n - edgeItems)..<n)
    }

    private func tensor(_ shape: [Int], count: Int, typeName: String, _ cell: (Int) -> String) -> String {
        if count == 0 { return "empty \(typeName) tensor \(formatShape(shape))" }
        var text = body(shape, count: count, typeName: typeName, cell)
        // A heading says when something was left out.
        if shape.count >= 2, text.contains("...") { text = "\(typeName) tensor \(formatShape(shape)), shortened:\n" + text }
        return text
    }

    private func body(_ shape: [Int], count: Int, typeName: String, _ cell: (Int) -> String) -> String {
        switch shape.count {
        case 0: return cell(0)
        case 1: return "[" + shown(shape[0]).map { $0.map(cell) ?? "..." }.joined(separator: ", ") + "]"
        case 2: return plane(rows: shape[0], columns: shape[1]) { r, c in cell(r * shape[1] + c) }.joined(separator: "\n")
        case 3:
            let (w, c) = (shape[1], shape[2])
            var blocks: [String] = []
            for ch in shown(c, limit: blockLimit) {
                guard let ch else { blocks.append("..."); continue }
                blocks.append("channel \(ch):\n" + plane(rows: shape[0], columns: w) { r, x in cell((r * w + x) * c + ch) }.joined(separator: "\n"))
            }
            return blocks.joined(separator: "\n\n")
        case 4:
            let (h, w, c) = (shape[1], shape[2], shape[3])
            var blocks: [String] = []
            for s in shown(shape[0], limit: blockLimit) {
                guard let s else { blocks.append("..."); continue }
                for ch in shown(c, limit: blockLimit) {
                    guard let ch else { blocks.append("..."); continue }
                    blocks.append("sample \(s), channel \(ch):\n" + plane(rows: h, columns: w) { r, x in cell(((s * h + r) * w + x) * c + ch) }.joined(separator: "\n"))
                }
            }
            return blocks.joined(separator: "\n\n")
        default:
            if count > 4096 { return "\(typeName) tensor \(formatShape(shape)) (\(count) values, too many to print)" }
            return "\(typeName) tensor \(formatShape(shape)):\n" + flat(shape, (0..<count).map(cell))
        }
    }

    /// A plane's rows of right-aligned columns, all as wide as the widest cell shown, shortened to its edges when
    /// it has more than `edgeLimit` rows or columns.
    func plane(rows: Int, columns: Int, _ cell: (Int, Int) -> String) -> [String] {
        let rs = shown(rows).compactMap { $0 }
        var cs = shown(columns)
        var cells = rs.map { r in cs.map { c in c.map { cell(r, $0) } } }
        var width = cells.flatMap { $0.compactMap { $0 } }.map(\.count).max() ?? 0
        // Rows wider than `lineWidth` keep only their edge columns too.
        if columns > 2 * edgeItems, !cs.contains(nil), columns * (width + 1) - 1 > lineWidth {
            // Every column was formatted: keep the edge ones.
            cs = Array(0..<edgeItems) + [nil] + Array((columns - edgeItems)..<columns)
            cells = cells.map { row in cs.map { c in c.flatMap { row[$0] } } }
            width = cells.flatMap { $0.compactMap { $0 } }.map(\.count).max() ?? 0
        }
        var lines = cells.map { row in
            row.map { c in c.map { String(repeating: " ", count: width - $0.count) + $0 } ?? "..." }.joined(separator: " ")
        }
        // Skipped rows: one "..." line between the first and the last rows.
        if rows > edgeLimit { lines.insert("...", at: edgeItems) }
        return lines
    }

    /// Several printed values on one line, separated by a space; when any of them spans several
    /// lines (a matrix), the values stand side by side as blocks two spaces apart, each
    /// multi-line block from the top and each one-line value (an operator such as "+", a
    /// label) level with the middle row: `print(a, "+", b, "=", a + b)`.
    static func sideBySide(_ texts: [String]) -> String {
        let blocks = texts.map { $0.components(separatedBy: "\n") }
        let height = blocks.map(\.count).max() ?? 0
        guard height > 1 else { return texts.joined(separator: " ") }
        var rows = [String](repeating: "", count: height)
        for (i, block) in blocks.enumerated() {
            let width = block.map(\.count).max() ?? 0
            let top = block.count == 1 ? (height - 1) / 2 : 0
            for r in 0..<height {
                let line = r >= top && r - top < block.count ? block[r - top] : ""
                rows[r] += (i > 0 ? "  " : "") + line.padding(toLength: width, withPad: " ", startingAt: 0)
            }
        }
        return rows.map { row in
            var r = Substring(row)
            while r.last == " " { r = r.dropLast() }
            return String(r)
        }.joined(separator: "\n")
    }
}
