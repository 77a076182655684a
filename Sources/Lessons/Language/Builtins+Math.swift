import Foundation
import Tensor

/// The element-wise maths a learner reaches for (`abs`, `sqrt`, `exp`, `log`, `round`, `clip`)
/// and the smallest value (`min`, `argmin`), next to `max` and `argmax`.
///
/// Int stays exact where the result is an integer (`abs`, `clip` with Int bounds, `min`);
/// `sqrt`, `exp` and `log` give Float. A value with no answer (the square root of a negative
/// number, the logarithm of zero or less) is an error naming its position, not a NaN that
/// prints as a number.
enum MathBuiltins {
    static func abs(_ a: CallArguments) throws(LessonError) -> Value {
        let (n, loc) = try a.numeric(0, "x")
        switch n {
        case .int(let t):
            var out: [Int] = []
            out.reserveCapacity(t.scalars.count)
            for (i, v) in t.scalars.enumerated() {
                guard v != Int.min else { throw LessonError("integer overflow: abs(\(v))\(position(i, t.shape))", at: loc) }
                out.append(Swift.abs(v))
            }
            return Value.wrap(Tensor<Int>(shape: t.shape, scalars: out))
        case .float(let t):
            return Value.wrap(Tensor<Float>(shape: t.shape, scalars: t.scalars.map { Swift.abs($0) }))
        }
    }

    /// `sqrt`, `exp` or `log` of every element, as Float; `domain` says which inputs have an
    /// answer and what to say about one that has not.
    static func float(_ a: CallArguments, _ f: (Float) -> Float, domain: ((Float) -> String?)? = nil) throws(LessonError) -> Value {
        let (n, loc) = try a.numeric(0, "x")
        let t = n.asFloat
        var out: [Float] = []
        out.reserveCapacity(t.scalars.count)
        for (i, v) in t.scalars.enumerated() {
            if let domain, let problem = domain(v) {
                throw LessonError("\(a.function): \(problem)\(position(i, t.shape))", at: loc,
                                  hint: a.function == "log" ? "log is defined for values above 0" : "sqrt is defined for values from 0 up")
            }
            out.append(f(v))
        }
        return Value.wrap(Tensor<Float>(shape: t.shape, scalars: out))
    }

    /// `round(x)`: the nearest Int, halves to the even neighbour (as numpy and Python's round).
    static func round(_ a: CallArguments) throws(LessonError) -> Value {
        try Rounding.round(a, .toNearestOrEven)
    }

    /// `clip(x, low, high)`: every value limited to [low, high]; Int when all three are Int.
    static func clip(_ a: CallArguments) throws(LessonError) -> Value {
        let (n, _) = try a.numeric(0, "x")
        let (lowValue, lowLoc) = a.positional[1]
        let (highValue, highLoc) = a.positional[2]
        if case .int(let t) = n, case .int(let low) = lowValue, case .int(let high) = highValue {
            guard low <= high else { throw LessonError("clip: low (\(low)) is above high (\(high))", at: lowLoc) }
            return Value.wrap(Tensor<Int>(shape: t.shape, scalars: t.scalars.map { Swift.min(Swift.max($0, low), high) }))
        }
        let low = try a.float(lowValue, "low", lowLoc)
        let high = try a.float(highValue, "high", highLoc)
        guard low <= high else { throw LessonError("clip: low (\(low)) is above high (\(high))", at: lowLoc) }
        let t = n.asFloat
        return Value.wrap(Tensor<Float>(shape: t.shape, scalars: t.scalars.map { Swift.min(Swift.max($0, low), high) }))
    }

    /// `min(x, axis:)` and `argmin(x, axis:)` through the engine's `max`/`argmax` on an
    /// order-reversed copy: `-v` for Float (exact), `~v` (that is -v-1) for Int, which never
    /// overflows; the first position wins on ties, as for argmax.
    static func minimum(_ a: CallArguments, index: Bool) throws(LessonError) -> Value {
        let (x, _) = try a.numeric(0, "x")
        if let axes = try Reductions.severalAxes(a, rank: x.shape.count) {
            guard !index else {
                throw LessonError("argmin takes one axis (an index along several axes is not one number)", at: a.location)
            }
            return try Reductions.overAxes(axes, x, a) { (v, axisArgs) throws(LessonError) in try minimum(axisArgs(v), index: false) }
        }
        let axis: Int? = try a.labelled("axis", default: nil) { (v, w, l) throws(LessonError) -> Int? in try a.int(v, w, l) }
        return try engine(at: a.location) { () throws(TensorError) -> Value in
            switch x {
            case .int(let t):
                let reversed = Tensor<Int>(shape: t.shape, scalars: t.scalars.map { ~$0 })
                if index { return Value.wrap(try reversed.argmax(axis: axis)) }
                let m = try reversed.max(axis: axis)
                return Value.wrap(Tensor<Int>(shape: m.shape, scalars: m.scalars.map { ~$0 }))
            case .float(let t):
                let reversed = Tensor<Float>(shape: t.shape, scalars: t.scalars.map { -$0 })
                if index { return Value.wrap(try reversed.argmax(axis: axis)) }
                let m = try reversed.max(axis: axis)
                return Value.wrap(Tensor<Float>(shape: m.shape, scalars: m.scalars.map { -$0 }))
            }
        }
    }

    /// ` at [1, 1]` for flat index 5 of a 3x4 tensor; empty for a single number.
    static func position(_ flat: Int, _ shape: [Int]) -> String {
        guard !shape.isEmpty else { return "" }
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            index[axis] = rest % Swift.max(shape[axis], 1)
            rest /= Swift.max(shape[axis], 1)
        }
        return " at [" + index.map(String.init).joined(separator: ", ") + "]"
    }
}
