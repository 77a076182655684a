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
public struct ValueFormatter: Sendable {
    /// Decimals printed for Float numbers (set in a lesson with `decimals(n)`).
    public var decimals: Int
    /// Tensors with more elements than this print as a one-line summary.
    public var maxElements: Int

    public init(decimals: Int = 4, maxElements: Int = 4096) {
        self.decimals = decimals
        self.maxElements = maxElements
    }

    /// The text of a value as an expression statement prints it (no trailing newline).
    public func format(_ v: Value) -> String {
        switch v {
        case .int(let i): return String(i)
        case .float(let f): return number(f)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .intTensor(let t): return tensor(t.shape, t.scalars.map(String.init), typeName: "Int")
        case .floatTensor(let t): return tensor(t.shape, t.scalars.map(number), typeName: "Float")
        case .list(let items): return "[" + items.map(nested).joined(separator: ", ") + "]"
        case .shape(let s): return formatShape(s)
        case .model(let m):
            return "model \"\(m.name)\": \(m.layers.count) layers, input \(formatShape(m.inputShape)), output \(formatShape(m.outputShape)), \(groupedThousands(m.parameterCount)) parameters"
        case .nothing: return ""
        }
    }

    /// A value inside a list: strings keep their quotes.
    private func nested(_ v: Value) -> String {
        if case .string(let s) = v { return "\"\(s)\"" }
        if case .intTensor(let t) = v { return flat(t.shape, t.scalars.map(String.init)) }
        if case .floatTensor(let t) = v { return flat(t.shape, t.scalars.map(number)) }
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

    private func tensor(_ shape: [Int], _ cells: [String], typeName: String) -> String {
        if cells.isEmpty { return "empty \(typeName) tensor \(formatShape(shape))" }
        if cells.count > maxElements { return "\(typeName) tensor \(formatShape(shape)) (\(cells.count) values, too many to print)" }
        switch shape.count {
        case 0: return cells[0]
        case 1: return "[" + cells.joined(separator: ", ") + "]"
        case 2: return matrix(rows: shape[0], columns: shape[1], cells).joined(separator: "\n")
        case 3:
            let (h, w, c) = (shape[0], shape[1], shape[2])
            var blocks: [String] = []
            for ch in 0..<c {
                let plane = (0..<(h * w)).map { cells[$0 * c + ch] }
                blocks.append("channel \(ch):\n" + matrix(rows: h, columns: w, plane).joined(separator: "\n"))
            }
            return blocks.joined(separator: "\n\n")
        case 4:
            let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
            var blocks: [String] = []
            for s in 0..<n {
                for ch in 0..<c {
                    let plane = (0..<(h * w)).map { cells[(s * h * w + $0) * c + ch] }
                    blocks.append("sample \(s), channel \(ch):\n" + matrix(rows: h, columns: w, plane).joined(separator: "\n"))
                }
            }
            return blocks.joined(separator: "\n\n")
        default:
            return "\(typeName) tensor \(formatShape(shape)):\n" + flat(shape, cells)
        }
    }

    /// Rows of right-aligned columns, all columns as wide as the widest cell.
    func matrix(rows: Int, columns: Int, _ cells: [String]) -> [String] {
        let width = cells.map(\.count).max() ?? 0
        return (0..<rows).map { r in
            (0..<columns).map { c in
                let s = cells[r * columns + c]
                return String(repeating: " ", count: width - s.count) + s
            }.joined(separator: " ")
        }
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
