import Tensor

/// Putting tensors together: `concat(a, b, ..., axis:)` joins along an existing axis,
/// `stack(a, b, ..., axis:)` along a new one, and `grid(...)` lays maps side by side as one
/// picture (`grid(m1, m2, m3)`, or `grid(v)` for the channels of a feature volume HxWxC) to
/// save or print. The tensors come as separate arguments, since a list literal of tensors
/// of different shapes is not a tensor.
enum CombineBuiltins {
    static func tensors(_ a: CallArguments) throws(LessonError) -> [Numeric] {
        var out: [Numeric] = []
        for i in a.positional.indices { out.append(try a.numeric(i, "argument \(i + 1)").0) }
        return out
    }

    /// All Int when every one is Int, else all Float.
    static func common(_ ts: [Numeric]) -> Either {
        var ints: [Tensor<Int>] = []
        for t in ts { guard case .int(let i) = t else { return .float(ts.map(\.asFloat)) }; ints.append(i) }
        return .int(ints)
    }
    enum Either { case int([Tensor<Int>]), float([Tensor<Float>]) }

    static func concat(_ a: CallArguments) throws(LessonError) -> Value {
        let axis = try a.labelled("axis", default: 0, a.int)
        let ts = try tensors(a)
        return try engine(at: a.location) { () throws(TensorError) -> Value in
            switch common(ts) {
            case .int(let t): return Value.wrap(try Tensor<Int>.concatenate(t, axis: axis))
            case .float(let t): return Value.wrap(try Tensor<Float>.concatenate(t, axis: axis))
            }
        }
    }

    static func stack(_ a: CallArguments) throws(LessonError) -> Value {
        let ts = try tensors(a)
        let shape = ts[0].shape
        for (i, t) in ts.enumerated() where t.shape != shape {
            throw LessonError("stack: argument 1 has shape \(formatShape(shape)) but argument \(i + 1) has \(formatShape(t.shape))",
                              at: a.positional[i].1, hint: "stack needs equal shapes; concat joins along an existing axis")
        }
        let rank = shape.count + 1
        var axis = try a.labelled("axis", default: 0, a.int)
        if axis < 0 { axis += rank }
        guard (0..<rank).contains(axis) else {
            throw LessonError("stack: axis \(axis) is out of range for a result of rank \(rank)", at: a.location)
        }
        var expanded = shape
        expanded.insert(1, at: axis)
        return try engine(at: a.location) { () throws(TensorError) -> Value in
            switch common(ts) {
            case .int(let t): return Value.wrap(try Tensor<Int>.concatenate(try t.map { x throws(TensorError) in try x.reshaped(expanded) }, axis: axis))
            case .float(let t): return Value.wrap(try Tensor<Float>.concatenate(try t.map { x throws(TensorError) in try x.reshaped(expanded) }, axis: axis))
            }
        }
    }

    /// Maps (H,W) or images (H,W,C) in one row, `gap` columns of zeros between them; a
    /// single volume (H,W,C) is taken as C maps.
    static func grid(_ a: CallArguments) throws(LessonError) -> Value {
        let gap = try a.labelled("gap", default: 1, a.int)
        guard (0...64).contains(gap) else { throw LessonError("grid: gap must be from 0 to 64, got \(gap)", at: a.location) }
        var maps = try tensors(a)
        if maps.count == 1, maps[0].shape.count == 3 {
            maps = try channels(maps[0], a.location)
        }
        let shape = maps[0].shape
        guard shape.count == 2 || shape.count == 3 else {
            throw LessonError("grid: maps must be HxW or HxWxC, got \(formatShape(shape))", at: a.positional[0].1)
        }
        for (i, m) in maps.enumerated() where m.shape != shape {
            throw LessonError("grid: map 1 is \(formatShape(shape)) but map \(i + 1) is \(formatShape(m.shape))", at: a.location,
                              hint: "grid puts maps of one size side by side")
        }
        let c = shape.count == 3 ? shape[2] : 1
        var parts: [Numeric] = []
        for (i, m) in maps.enumerated() {
            if i > 0, gap > 0 { parts.append(.int(Tensor<Int>(shape: [shape[0], gap, c], scalars: Array(repeating: 0, count: shape[0] * gap * c)))) }
            parts.append(m)
        }
        let out: Value = try engine(at: a.location) { () throws(TensorError) -> Value in
            switch common(parts) {
            case .int(let t): return Value.wrap(try Tensor<Int>.concatenate(try t.map { x throws(TensorError) in try x.reshaped([x.shape[0], x.shape[1], c]) }, axis: 1))
            case .float(let t): return Value.wrap(try Tensor<Float>.concatenate(try t.map { x throws(TensorError) in try x.reshaped([x.shape[0], x.shape[1], c]) }, axis: 1))
            }
        }
        guard shape.count == 2, let n = Numeric(out) else { return out }
        // Maps in, a map out: drop the channel axis again.
        switch n {
        case .int(let t): return Value.wrap(try engine(at: a.location) { () throws(TensorError) in try t.reshaped([t.shape[0], t.shape[1]]) })
        case .float(let t): return Value.wrap(try engine(at: a.location) { () throws(TensorError) in try t.reshaped([t.shape[0], t.shape[1]]) })
        }
    }

    /// The channels of a volume (H,W,C) as C maps (H,W).
    static func channels(_ v: Numeric, _ loc: SourceLocation) throws(LessonError) -> [Numeric] {
        let s = v.shape
        return try (0..<s[2]).map { ch throws(LessonError) -> Numeric in
            let specs: [SliceSpec] = [.range(start: nil, end: nil, step: nil), .range(start: nil, end: nil, step: nil), .index(ch)]
            return try engine(at: loc) { () throws(TensorError) -> Numeric in
                switch v {
                case .int(let t): return .int(try t.slice(specs))
                case .float(let t): return .float(try t.slice(specs))
                }
            }
        }
    }
}
