import Tensor

/// Making a map fit to look at: `normalize` (values into [0, 1], what `save` wants of a Float
/// image) and `upscale` (each value a block of n x n pixels, since a 3x3 map saved as a 3x3
/// PNG is a speck). `save(x, "map.png", scale: n)` upscales as it saves.
enum PictureBuiltins {
    /// The largest side `upscale` makes, so a slip (`scale: 1000` on a 224x224 map) is an
    /// error rather than a gigabyte.
    static let maxSide = 4096

    static func normalize(_ a: CallArguments) throws(LessonError) -> Value {
        let (n, _) = try a.numeric(0, "x")
        let t = n.asFloat
        guard let low = t.scalars.min(), let high = t.scalars.max() else { return Value.wrap(t) }
        guard low.isFinite, high.isFinite else {
            throw LessonError("normalize: x holds a value that is not finite", at: a.location)
        }
        // A constant map has no range to stretch: all zeros (black), not a division by zero.
        let range = high - low
        return Value.wrap(Tensor<Float>(shape: t.shape, scalars: t.scalars.map { range > 0 ? ($0 - low) / range : 0 }))
    }

    static func upscale(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, xLoc) = try a.numeric(0, "x")
        let (f, fLoc) = a.positional[1]
        return try upscale(x, xLoc, factor: try a.int(f, "n", fLoc), fLoc, function: a.function)
    }

    /// `x` (H,W) or (H,W,C) with every value repeated into an n x n block: (H*n, W*n[, C]).
    static func upscale(_ x: Numeric, _ xLoc: SourceLocation, factor n: Int, _ nLoc: SourceLocation, function: String) throws(LessonError) -> Value {
        guard n >= 1 else { throw LessonError("\(function): the scale must be at least 1, got \(n)", at: nLoc) }
        let shape = x.shape
        guard shape.count == 2 || shape.count == 3 else {
            throw LessonError("\(function): x must be a map HxW or HxWxC, got shape \(formatShape(shape))", at: xLoc)
        }
        guard shape[0] * n <= maxSide, shape[1] * n <= maxSide else {
            throw LessonError("\(function): \(formatShape(shape)) scaled by \(n) is larger than \(maxSide) pixels a side", at: nLoc)
        }
        func blocks<S>(_ s: [S]) -> [S] {
            let h = shape[0], w = shape[1], c = shape.count == 3 ? shape[2] : 1
            var out: [S] = []
            out.reserveCapacity(s.count * n * n)
            for r in 0..<(h * n) {
                for col in 0..<(w * n) {
                    let base = ((r / n) * w + col / n) * c
                    out.append(contentsOf: s[base..<(base + c)])
                }
            }
            return out
        }
        var newShape = shape
        newShape[0] *= n
        newShape[1] *= n
        switch x {
        case .int(let t): return Value.wrap(Tensor<Int>(shape: newShape, scalars: blocks(t.scalars)))
        case .float(let t): return Value.wrap(Tensor<Float>(shape: newShape, scalars: blocks(t.scalars)))
        }
    }
}

extension Interpreter {
    /// `help(NAME)` (or `help("NAME")`): the builtin's signature and what it does. The name is
    /// not evaluated, so `help(conv2d)` asks about the builtin rather than calling it.
    func help(_ args: [Argument], at loc: SourceLocation) throws(LessonError) -> Value {
        guard args.count == 1, args[0].label == nil else {
            throw LessonError("help takes one builtin name, e.g. help(conv2d)", at: loc, hint: "usage: help(NAME)")
        }
        let name: String
        switch args[0].value {
        case .name(let n, _): name = n
        case .string(let s, _): name = s
        default: throw LessonError("help takes the name of a builtin, e.g. help(conv2d)", at: args[0].location)
        }
        guard let text = Builtins.help(name) else {
            let hint = closest(name, among: Array(Builtins.table.keys)).map { "did you mean '\($0)'?" }
                ?? "the builtins are: \(Builtins.table.keys.sorted().joined(separator: ", "))"
            throw LessonError("'\(name)' is not a builtin", at: args[0].location, hint: hint)
        }
        emit(text)
        return .nothing
    }
}
