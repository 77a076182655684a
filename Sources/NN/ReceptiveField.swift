import Foundation

/// The receptive field of one unit of a layer's output, in input pixels, per axis (rows, columns).
///
/// `size` is how many input pixels one output unit sees; `jump` is the distance in input
/// pixels between neighbouring output units; `start` is the centre of the first output unit's
/// field, with input pixel i covering [i, i+1) so its centre is i + 0.5. Padding is counted,
/// so `start` can be below 0.5 and `size` can exceed the input. After Flatten, Dense or global
/// pooling every unit sees the whole input (`isGlobal`).
public struct ReceptiveField: Sendable, Equatable {
    public let size: [Int]
    public let jump: [Int]
    public let start: [Double]
    public let isGlobal: Bool

    public init(size: [Int], jump: [Int], start: [Double], isGlobal: Bool) {
        self.size = size
        self.jump = jump
        self.start = start
        self.isGlobal = isGlobal
    }

    /// The field of an input pixel: size 1, jump 1, centre 0.5.
    public static let input = ReceptiveField(size: [1, 1], jump: [1, 1], start: [0.5, 0.5], isGlobal: false)

    /// The field after a layer with this mapping:
    /// jump' = jump*stride, size' = size + (k-1)*dilation*jump,
    /// start' = start + ((k-1)*dilation/2 - padBefore)*jump.
    public func after(_ mapping: SpatialMapping) -> ReceptiveField {
        if isGlobal { return self }
        switch mapping {
        case .identity:
            return self
        case .global:
            return ReceptiveField(size: size, jump: jump, start: start, isGlobal: true)
        case let .window(kernel, stride, dilation, padBefore):
            var s = size, j = jump, st = start
            for a in 0..<2 {
                let span = (kernel[a] - 1) * dilation[a]
                s[a] = size[a] + span * jump[a]
                st[a] = start[a] + (Double(span) / 2 - Double(padBefore[a])) * Double(jump[a])
                j[a] = jump[a] * stride[a]
            }
            return ReceptiveField(size: s, jump: j, start: st, isGlobal: false)
        }
    }
}

extension Sequential {
    /// The receptive field of every layer's output units, one entry per layer in `layers`.
    public func receptiveFields() -> [ReceptiveField] {
        var rf = ReceptiveField.input
        return layers.map { l in
            rf = rf.after(l.layer.spatialMapping(for: l.inputShape))
            return rf
        }
    }

    /// The receptive-field table: for the input and every layer, the size, jump and start of
    /// one output unit's field in input pixels (see `ReceptiveField`). A value shared by both
    /// axes prints once ("5x5", "2", "0.5"); otherwise rows then columns.
    public func receptiveFieldTable() -> String {
        func sizeText(_ r: ReceptiveField) -> String {
            r.isGlobal ? "whole input" : "\(r.size[0])x\(r.size[1])"
        }
        func pair<T: Equatable>(_ v: [T], _ f: (T) -> String) -> String {
            v[0] == v[1] ? f(v[0]) : "\(f(v[0])), \(f(v[1]))"
        }
        let fmt: (Double) -> String = { String(format: "%.1f", $0) }
        // A listed InputLayer already shows the input's own field.
        var rows: [[String]] = layers.first?.layer is Input ? [] : [["input", kerasShape(inputShape), "1x1", "1", "0.5"]]
        for (l, r) in zip(layers, receptiveFields()) {
            rows.append(["\(l.name) (\(l.typeName))", kerasShape(l.outputShape), sizeText(r),
                         r.isGlobal ? "-" : pair(r.jump) { String($0) }, r.isGlobal ? "-" : pair(r.start, fmt)])
        }
        let header = ["Layer (type)", "Output Shape", "Receptive field", "Jump", "Start"]
        // Sized to the cells (two spaces apart) so the table fits 80 columns (Summary.swift).
        let widths = fittedWidths(header, rows)
        let total = widths.reduce(0, +)
        var out = ["Receptive fields of \"\(name)\" (in input pixels)", String(repeating: "_", count: total),
                   tableLine(header, widths: widths), String(repeating: "=", count: total)]
        out += rows.map { tableLine($0, widths: widths) }
        out.append(String(repeating: "_", count: total))
        out.append("Jump: input pixels between neighbouring outputs. Start: the centre of the first")
        out.append("output's field (0.5 = the middle of pixel 0).")
        return out.joined(separator: "\n") + "\n"
    }

    /// The receptive field worked layer by layer, narrow enough for an 80-column lesson: for
    /// every layer with a window (convolution or pooling) its kernel, stride, the jump of its
    /// output and the side of its field. Layers after which units see the whole input, and
    /// layers that keep the field (input, activation, dropout), are left out. A value that
    /// differs between rows and columns prints as "rows,columns".
    public func receptiveFieldSteps() -> String {
        func pair(_ v: [Int]) -> String { v[0] == v[1] ? String(v[0]) : "\(v[0]),\(v[1])" }
        var rows: [[String]] = []
        for (l, r) in zip(layers, receptiveFields()) {
            guard case let .window(kernel, stride, dilation, _) = l.layer.spatialMapping(for: l.inputShape), !r.isGlobal else { continue }
            let k = dilation == [1, 1] ? pair(kernel) : "\(pair(kernel)) d\(pair(dilation))"
            rows.append([l.name, k, pair(stride), pair(r.jump), pair(r.size)])
        }
        let header = ["layer", "kernel", "stride", "jump", "receptive field"]
        var widths = header.map(\.count)
        widths[0] = max(widths[0], 12)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count + (i == 0 ? 1 : 0)) } }
        func line(_ cells: [String]) -> String {
            var out = cells[0].padding(toLength: widths[0], withPad: " ", startingAt: 0)
            for i in 1..<cells.count {
                out += "  " + String(repeating: " ", count: widths[i] - cells[i].count) + cells[i]
            }
            return out
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
