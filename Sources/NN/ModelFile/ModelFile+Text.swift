import Tensor

extension ModelFile {
    /// A model in model-file form: the input line (with `name=` unless the model is called
    /// `sequential`), then one line per layer with only the arguments that differ from Keras'
    /// defaults, and `name=` only for layers that were given a name (the others get the same
    /// automatic names back). `parse(text(of: m))` gives m's layers, names and shapes again.
    ///
    /// Throws `NNError.invalidModel` for a layer type the format does not know, or a model or
    /// layer name with a space or `#` (which would not read back).
    public static func text(of model: Sequential) throws(NNError) -> String {
        for n in [model.name] + model.layers.map(\.name) where n.isEmpty || n.contains(where: { $0.isWhitespace || $0 == "#" }) {
            throw .invalidModel("the name '\(n)' cannot be written in a model file: names need at least one character and no spaces or '#'")
        }
        var lines = ["input \(formatShape(model.inputShape))" + (model.name == "sequential" ? "" : " name=\(model.name)")]
        for l in model.layers {
            var words = try describe(l.layer, name: l.name)
            if let n = l.layer.name { words.append("name=\(n)") }
            lines.append(words.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The type name and arguments of one layer, in the order the parser reads them.
    static func describe(_ layer: any Layer, name: String) throws(NNError) -> [String] {
        switch layer {
        case let c as Conv2D:
            var w = ["Conv2D", "\(c.filters)", size(c.kernelSize)]
            if c.activation != .linear { w.append(c.activation.rawValue) }
            if let p = padding(c.padding) { w.append(p) }
            if c.strides != (1, 1) { w.append("stride=" + side(c.strides)) }
            if c.dilation != (1, 1) { w.append("dilation=" + side(c.dilation)) }
            if !c.useBias { w.append("use_bias=false") }
            return w
        case let p as any Pooling2DLayer:
            var w = [p.typeName, size(p.poolSize)]
            if let pad = padding(p.padding) { w.append(pad) }
            if p.strides != p.poolSize { w.append("stride=" + side(p.strides)) }
            return w
        case is GlobalAveragePooling2D:
            return ["GlobalAveragePooling2D"]
        case is Flatten:
            return ["Flatten"]
        case let d as Dropout:
            return ["Dropout", "\(d.rate)"]
        case let d as Dense:
            var w = ["Dense", "\(d.units)"]
            if d.activation != .linear { w.append(d.activation.rawValue) }
            if !d.useBias { w.append("use_bias=false") }
            return w
        case let a as Activation:
            return ["Activation", a.function.rawValue]
        case is Input:
            return ["InputLayer"]
        default:
            throw .invalidModel("layer \(name) (\(layer.typeName)) has no model-file form; known layers: \(layerTypes.joined(separator: ", "))")
        }
    }

    /// A window size as a model file writes it: `3x3`.
    static func size(_ s: (Int, Int)) -> String { "\(s.0)x\(s.1)" }
    /// A stride or dilation: `2` when both sides match, else `2x1`.
    static func side(_ s: (Int, Int)) -> String { s.0 == s.1 ? "\(s.0)" : "\(s.0)x\(s.1)" }

    /// Nothing for Keras' default 'valid'.
    static func padding(_ p: Padding) -> String? {
        switch p {
        case .valid: return nil
        case .same: return "same"
        case let .explicit(t, b, l, r): return "padding=\(t),\(b),\(l),\(r)"
        }
    }
}
