import Tensor

/// Activations and dropout.
enum Elementwise {
    static func relu(_ a: CallArguments) throws(LessonError) -> Value {
        switch try a.numeric(0, "x").0 {
        case .int(let t): return Value.wrap(t.relu())
        case .float(let t): return Value.wrap(t.relu())
        }
    }

    /// A Float-only activation; Int input is converted first.
    static func floatOnly(_ a: CallArguments, _ f: (Tensor<Float>) -> Tensor<Float>) throws(LessonError) -> Value {
        Value.wrap(f(try a.numeric(0, "x").0.asFloat))
    }

    static func softmax(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, _) = try a.tensor(0, "x")
        let axis = try a.labelled("axis", default: -1, a.int)
        let t = x.asFloat
        return Value.wrap(try engine(at: a.location) { () throws(TensorError) in try t.softmax(axis: axis) })
    }

    static func dropout(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, _) = try a.numeric(0, "x")
        guard let (r, rLoc) = a.labelled["rate"] else {
            throw LessonError("dropout needs a rate", at: a.location, hint: "usage: \(a.signature)")
        }
        let rate = try a.float(r, "rate", rLoc)
        let training = try a.labelled("training", default: true, a.bool)
        let t = x.asFloat
        if let (s, sLoc) = a.labelled["seed"] {
            let seed = try a.int(s, "seed", sLoc)
            guard seed >= 0 else { throw LessonError("dropout: seed must not be negative, got \(seed)", at: sLoc) }
            return Value.wrap(try engine(at: a.location) { () throws(TensorError) in
                try t.dropout(rate: rate, training: training, seed: UInt64(seed))
            })
        }
        return Value.wrap(try engine(at: a.location) { () throws(TensorError) in try t.dropout(rate: rate, training: training) })
    }
}

/// Reductions over all elements or one axis.
enum Reductions {
    enum Kind { case sum, mean, max, argmax }

    static func reduce(_ a: CallArguments, _ kind: Kind) throws(LessonError) -> Value {
        let (x, _) = try a.numeric(0, "x")
        if let axes = try severalAxes(a, rank: x.shape.count) {
            guard kind != .argmax else {
                throw LessonError("argmax takes one axis (an index along several axes is not one number)", at: a.location)
            }
            return try overAxes(axes, x, a) { (v, axisArgs) throws(LessonError) in try reduce(axisArgs(v), kind) }
        }
        let axis: Int? = try a.labelled("axis", default: nil) { (v, w, l) throws(LessonError) -> Int? in try a.int(v, w, l) }
        return try engine(at: a.location) { () throws(TensorError) -> Value in
            switch (x, kind) {
            case (.int(let t), .sum): return Value.wrap(try t.sum(axis: axis))
            case (.float(let t), .sum): return Value.wrap(try t.sum(axis: axis))
            case (.int(let t), .mean): return Value.wrap(try t.mean(axis: axis))
            case (.float(let t), .mean): return Value.wrap(try t.mean(axis: axis))
            case (.int(let t), .max): return Value.wrap(try t.max(axis: axis))
            case (.float(let t), .max): return Value.wrap(try t.max(axis: axis))
            case (.int(let t), .argmax): return Value.wrap(try t.argmax(axis: axis))
            case (.float(let t), .argmax): return Value.wrap(try t.argmax(axis: axis))
            }
        }
    }
}

extension Reductions {
    /// The axes of `axis: [0, 1]`, each made non-negative and checked, largest first (so that
    /// reducing one does not move the others); nil when `axis` is absent or a single Int.
    static func severalAxes(_ a: CallArguments, rank: Int) throws(LessonError) -> [Int]? {
        guard let (v, loc) = a.labelled["axis"] else { return nil }
        if case .int = v { return nil }
        let given = try a.ints(v, "axis", loc)
        var axes: [Int] = []
        for g in given {
            let axis = g < 0 ? g + rank : g
            guard (0..<rank).contains(axis) else {
                throw LessonError("\(a.function): axis \(g) is out of range for a tensor of rank \(rank)", at: loc)
            }
            guard !axes.contains(axis) else { throw LessonError("\(a.function): axis \(g) is given twice", at: loc) }
            axes.append(axis)
        }
        guard !axes.isEmpty else { throw LessonError("\(a.function): give at least one axis", at: loc) }
        return axes.sorted(by: >)
    }

    /// Applies a one-axis reduction once per axis: `sum(x, axis: [0, 1])` is the sum over
    /// axis 1, then over axis 0. (For `mean` this is the mean over both, as every group along
    /// an axis has the same size.)
    static func overAxes(_ axes: [Int], _ x: Numeric, _ a: CallArguments,
                         _ one: (Value, (Value) -> CallArguments) throws(LessonError) -> Value) throws(LessonError) -> Value {
        var value: Value
        switch x {
        case .int(let t): value = Value.wrap(t)
        case .float(let t): value = Value.wrap(t)
        }
        for axis in axes {
            value = try one(value) { v in
                var call = CallArguments(function: a.function, signature: a.signature, location: a.location)
                call.positional = [(v, a.positional[0].1)]
                call.labelled["axis"] = (.int(axis), a.labelled["axis"]?.1 ?? a.location)
                return call
            }
        }
        return value
    }
}
