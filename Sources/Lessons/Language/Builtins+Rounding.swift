import Tensor

/// `floor(x)` and `ceil(x)`: Float values rounded down or up to exact Ints (what the output-size
/// formula needs); Int values unchanged. A value beyond Int's range, or not finite, is an error.
enum Rounding {
    static func round(_ a: CallArguments, _ rule: FloatingPointRoundingRule) throws(LessonError) -> Value {
        let (n, loc) = try a.numeric(0, "x")
        switch n {
        case .int(let t):
            return Value.wrap(t)
        case .float(let t):
            var out: [Int] = []
            out.reserveCapacity(t.scalars.count)
            for v in t.scalars {
                let r = Double(v).rounded(rule)
                // Int(exactly:) is nil for NaN, infinities and values outside Int's range.
                guard let i = Int(exactly: r) else {
                    throw LessonError("\(a.function): \(v) has no Int value", at: loc, hint: "floor and ceil give exact Ints; the value must be finite and within Int's range")
                }
                out.append(i)
            }
            return Value.wrap(Tensor<Int>(shape: t.shape, scalars: out))
        }
    }
}
