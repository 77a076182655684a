import Tensor

/// Shapes, layout and tensor makers.
enum Layout {
    static func flatten(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, _) = try a.tensor(0, "x")
        return try reshape(x, to: [x.shape.reduce(1, *)], at: a.location)
    }

    /// `reshape(x, [dims])`; one dim may be -1 and is then worked out from the others.
    static func reshape(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, _) = try a.numeric(0, "x")
        guard let (d, dLoc) = a.value(1) else { throw LessonError("reshape needs the new shape", at: a.location) }
        var dims = try a.ints(d, "the new shape", dLoc)
        let count = x.shape.reduce(1, *)
        let unknown = dims.indices.filter { dims[$0] == -1 }
        if unknown.count > 1 { throw LessonError("reshape: only one dimension can be -1, got \(dims)", at: dLoc) }
        if let u = unknown.first {
            let known = dims.enumerated().filter { $0.offset != u }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw LessonError("reshape: cannot reshape \(formatShape(x.shape)) (\(count) values) to \(dims)", at: dLoc)
            }
            dims[u] = count / known
        }
        return try reshape(x, to: dims, at: dLoc)
    }

    static func reshape(_ x: Numeric, to dims: [Int], at loc: SourceLocation) throws(LessonError) -> Value {
        try engine(at: loc) { () throws(TensorError) -> Value in
            switch x {
            case .int(let t): return Value.wrap(try t.reshaped(dims))
            case .float(let t): return Value.wrap(try t.reshaped(dims))
            }
        }
    }

    static func transpose(_ a: CallArguments) throws(LessonError) -> Value {
        switch try a.numeric(0, "x").0 {
        case .int(let t): return Value.wrap(t.transposed())
        case .float(let t): return Value.wrap(t.transposed())
        }
    }

    /// `pad(x, p, value: v)`: pads the spatial axes (H and W) of (H,W), (H,W,C) or (N,H,W,C);
    /// `p` is an Int for every side or [top, bottom, left, right].
    static func pad(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, xLoc) = try a.tensor(0, "x")
        guard let (pv, pLoc) = a.value(1) else { throw LessonError("pad needs the padding", at: a.location) }
        let padding = try a.padding(pv, pLoc, allowSame: false)
        guard case let .explicit(t, b, l, r) = padding else { return x.value }
        let rank = x.shape.count
        guard (2...4).contains(rank) else {
            throw LessonError("pad: x must be (H,W), (H,W,C) or (N,H,W,C), got \(formatShape(x.shape))", at: xLoc)
        }
        let hAxis = rank == 4 ? 1 : 0
        var widths = Array(repeating: (before: 0, after: 0), count: rank)
        widths[hAxis] = (t, b)
        widths[hAxis + 1] = (l, r)
        let w = widths
        if let (v, vLoc) = a.labelled["value"] {
            if case .int(let i) = v, case .int(let tt) = x {
                return Value.wrap(try engine(at: a.location) { () throws(TensorError) in try tt.padded(w, value: i) })
            }
            let f = try a.float(v, "value", vLoc)
            let tt = x.asFloat
            return Value.wrap(try engine(at: a.location) { () throws(TensorError) in try tt.padded(w, value: f) })
        }
        return try engine(at: a.location) { () throws(TensorError) -> Value in
            switch x {
            case .int(let tt): return Value.wrap(try tt.padded(w))
            case .float(let tt): return Value.wrap(try tt.padded(w))
            }
        }
    }

    static func shape(_ a: CallArguments) throws(LessonError) -> Value {
        if let t = a.value(0)?.0.truth { return .shape(t.shape) }
        return .shape(try a.numeric(0, "x").0.shape)
    }

    /// Checks a shape argument: non-negative dims and a sane element count.
    static func dims(_ a: CallArguments) throws(LessonError) -> [Int] {
        guard let (v, loc) = a.value(0) else { throw LessonError("\(a.function) needs a shape", at: a.location) }
        let dims: [Int]
        if case .int(let n) = v { dims = [n] } else { dims = try a.ints(v, "the shape", loc) }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw LessonError("\(a.function): a shape cannot have negative sizes, got \(dims)", at: loc) }
        do { _ = try ShapeCheck.budgeted(dims, bytesPerElement: 8, a.function) } catch {
            throw LessonError("\(error)", at: loc, hint: MemoryBudget.hint)
        }
        return dims
    }

    /// `zeros` and `ones`: exact Int tensors (they become Float when mixed with Floats).
    static func filled(_ a: CallArguments, _ value: Int) throws(LessonError) -> Value {
        .intTensor(Tensor(repeating: value, shape: try dims(a)))
    }

    /// `random(shape, seed: n)`: uniform in [0, 1) from the engine's documented generator.
    static func random(_ a: CallArguments) throws(LessonError) -> Value {
        let d = try dims(a)
        let seed = try a.labelled("seed", default: 0, a.int)
        guard seed >= 0 else { throw LessonError("random: seed must not be negative, got \(seed)", at: a.location) }
        return Value.wrap(Tensor<Float>.random(shape: d, seed: UInt64(seed)))
    }
}
