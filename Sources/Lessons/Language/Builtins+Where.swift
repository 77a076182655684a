import Tensor

/// `where(cond, a, b)`: a where cond is true, b where it is false, element by element under
/// numpy broadcasting (numpy's `np.where`). `cond` is a Bool or Bool tensor (a comparison such
/// as `x > 0`); the result is Int when a and b are both Int, else Float.
enum Selection {
    static func choose(_ a: CallArguments) throws(LessonError) -> Value {
        let (c, cLoc) = a.positional[0]
        guard let cond = c.truth else {
            throw LessonError("where: cond must be true/false or a Bool tensor (a comparison such as x > 0), got \(c.typeName)", at: cLoc,
                              hint: "usage: \(a.signature), e.g. where(x > 0, x, 0)")
        }
        let (x, _) = try a.numeric(1, "a")
        let (y, _) = try a.numeric(2, "b")
        return try engine(at: a.location) { () throws(TensorError) -> Value in
            let shape = try Tensor<Int>.broadcastShape(try Tensor<Int>.broadcastShape(cond.shape, x.shape), y.shape)
            let mask = try expand(cond, to: shape)
            if case .int(let p) = x, case .int(let q) = y {
                let (pe, qe) = (try expand(p, to: shape), try expand(q, to: shape))
                return Value.wrap(Tensor(shape: shape, scalars: mask.scalars.indices.map { mask.scalars[$0] != 0 ? pe.scalars[$0] : qe.scalars[$0] }))
            }
            let (pe, qe) = (try expand(x.asFloat, to: shape), try expand(y.asFloat, to: shape))
            return Value.wrap(Tensor(shape: shape, scalars: mask.scalars.indices.map { mask.scalars[$0] != 0 ? pe.scalars[$0] : qe.scalars[$0] }))
        }
    }

    /// `t` repeated along broadcast axes to `shape`.
    static func expand<T: TensorScalar>(_ t: Tensor<T>, to shape: [Int]) throws(TensorError) -> Tensor<T> {
        if t.shape == shape { return t }
        return try Tensor.broadcasting(t, Tensor<T>(repeating: .zero, shape: shape)) { v, _ in v }
    }

    /// On the tape: mask * a + (1 - mask) * b with the mask a constant, so the gradient reaches a
    /// where cond is true and b where it is false (and nothing reaches cond, a step function).
    static let tape = TapeForm(operands: [1, 2]) { c throws(LessonError) in
        let (v, loc) = c.call.positional[0]
        guard let cond = v.truth else {
            throw LessonError("where: cond must be true/false or a Bool tensor, got \(v.typeName)", at: loc)
        }
        let mask = cond.asFloat
        let inverse = Tensor<Float>(shape: mask.shape, scalars: mask.scalars.map { 1 - $0 })
        return try c.engine { () throws(TensorError) -> Variable in
            let t = c.tape
            return try t.add(try t.multiply(t.constant(mask), c.operand(1)), try t.multiply(t.constant(inverse), c.operand(2)))
        }
    }
}

extension Reductions {
    /// `sum` and `mean` on the tape, over all elements, one axis or a list of axes (reduced one
    /// at a time from the last; a mean of equal-sized means is the mean over all of them).
    static func tape(mean: Bool) -> TapeForm {
        TapeForm(operands: [0]) { c throws(LessonError) in
            var axes: [Int?] = [nil]
            if let (v, loc) = c.call.labelled["axis"] {
                if case .int(let i) = v {
                    axes = [i]
                } else {
                    let list = try c.call.ints(v, "axis", loc)
                    let rank = c.x.shape.count
                    let normal = list.map { $0 < 0 ? $0 + rank : $0 }
                    guard !list.isEmpty, Set(normal).count == normal.count, normal.allSatisfy({ (0..<rank).contains($0) }) else {
                        throw LessonError("\(c.call.function): axis \(list) does not name distinct axes of a rank-\(rank) tensor", at: loc)
                    }
                    axes = normal.sorted(by: >)
                }
            }
            return try c.engine { () throws(TensorError) -> Variable in
                var y = c.x
                for axis in axes { y = mean ? try c.tape.mean(y, axis: axis) : try c.tape.sum(y, axis: axis) }
                return y
            }
        }
    }
}
