import Foundation
import Tensor

/// Runs an engine call, turning its `TensorError` into a `LessonError` at `loc`.
func engine<T>(at loc: SourceLocation, _ body: () throws(TensorError) -> T) throws(LessonError) -> T {
    do {
        return try body()
    } catch {
        var hint: String?
        if case .overflow = error { hint = "Int arithmetic is exact and never wraps; use Floats (write 1.0) for large values" }
        if case .overBudget = error { hint = MemoryBudget.hint }
        throw LessonError(error.description, at: loc, hint: hint)
    }
}

/// The operators of the cell language: list literals, `-x`, `+ - * / @` and subscripts.
enum Operators {
    /// A list literal: numbers or same-shaped tensors stack into a tensor (Float if any is Float);
    /// anything else stays a list.
    static func list(_ values: [Value], at loc: SourceLocation) throws(LessonError) -> Value {
        guard !values.isEmpty else { return .list([]) }
        // Bools (or same-shaped Bool tensors) stack into a Bool tensor.
        let truths = values.compactMap(\.truth)
        if truths.count == values.count {
            let shape = truths[0].shape
            guard truths.allSatisfy({ $0.shape == shape }) else { return .list(values) }
            return .boolTensor(Tensor(shape: [truths.count] + shape, scalars: truths.flatMap(\.scalars)))
        }
        var numerics: [Numeric] = []
        for v in values {
            if v.truth != nil { return .list(values) }
            if case .shape = v { return .list(values) }
            guard let n = Numeric(v) else { return .list(values) }
            numerics.append(n)
        }
        let shape = numerics[0].shape
        for (i, n) in numerics.enumerated() where n.shape != shape {
            throw LessonError("ragged list: item 0 has shape \(formatShape(shape)) but item \(i) has shape \(formatShape(n.shape))", at: loc,
                              hint: "every row of a tensor needs the same length")
        }
        let outShape = [numerics.count] + shape
        let anyFloat = numerics.contains { if case .float = $0 { return true } else { return false } }
        if anyFloat {
            return .floatTensor(Tensor(shape: outShape, scalars: numerics.flatMap { $0.asFloat.scalars }))
        }
        var ints: [Int] = []
        for case .int(let t) in numerics { ints += t.scalars }
        return .intTensor(Tensor(shape: outShape, scalars: ints))
    }

    static func negate(_ v: Value, at loc: SourceLocation) throws(LessonError) -> Value {
        switch Numeric(v) {
        case .int(let t)?: return Value.wrap(try engine(at: loc) { () throws(TensorError) in try t.negated() })
        case .float(let t)?: return Value.wrap(try engine(at: loc) { () throws(TensorError) in try t.negated() })
        case nil: throw LessonError("cannot negate a \(v.typeName)", at: loc, hint: v.truth != nil ? Value.boolIsNotNumber : nil)
        }
    }

    /// `a op b`: element-wise with numpy broadcasting, `@` the matrix product. Int stays Int
    /// except `/`, which gives Float; a Float on either side makes the result Float.
    static func binary(_ op: String, _ a: Value, _ b: Value, at loc: SourceLocation) throws(LessonError) -> Value {
        if op == "+", case .string(let x) = a, case .string(let y) = b { return .string(x + y) }
        if comparisons.contains(op) { return try compare(op, a, b, at: loc) }
        guard let x = Numeric(a), let y = Numeric(b) else {
            let bad = Numeric(a) == nil ? a : b
            throw LessonError("'\(op)' needs numbers or tensors, got \(bad.typeName)", at: loc,
                              hint: bad.truth != nil ? Value.boolIsNotNumber : nil)
        }
        if op == "**" { return try power(x, y, at: loc) }
        if op == "@" {
            guard !x.shape.isEmpty, !y.shape.isEmpty else {
                throw LessonError("'@' needs tensors of rank 1 or 2, got \(formatShape(x.shape)) and \(formatShape(y.shape))", at: loc, hint: "use '*' to multiply by a number")
            }
        }
        if case .int(let p) = x, case .int(let q) = y {
            return try engine(at: loc) { () throws(TensorError) -> Value in
                switch op {
                case "+": return Value.wrap(try p.adding(q))
                case "-": return Value.wrap(try p.subtracting(q))
                case "*": return Value.wrap(try p.multiplying(q))
                case "/": return Value.wrap(try p.dividing(q))
                default: return Value.wrap(try p.matmul(q))
                }
            }
        }
        let p = x.asFloat, q = y.asFloat
        return try engine(at: loc) { () throws(TensorError) -> Value in
            switch op {
            case "+": return Value.wrap(try p.adding(q))
            case "-": return Value.wrap(try p.subtracting(q))
            case "*": return Value.wrap(try p.multiplying(q))
            case "/": return Value.wrap(try p.dividing(q))
            default: return Value.wrap(try p.matmul(q))
            }
        }
    }

    /// The comparison operators; each gives a Bool (tensor).
    static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    /// `a op b` for a comparison: element-wise with numpy broadcasting, a Bool tensor (or a
    /// Bool for two numbers). Int and Float compare by value (`1 == 1.0` is true). `==` and
    /// `!=` also compare two strings or two Bools; `<` and the others need numbers.
    static func compare(_ op: String, _ a: Value, _ b: Value, at loc: SourceLocation) throws(LessonError) -> Value {
        if case .string(let x) = a, case .string(let y) = b, op == "==" || op == "!=" { return .bool((x == y) == (op == "==")) }
        if let p = a.truth, let q = b.truth, op == "==" || op == "!=" {
            return Value.wrapBool(try engine(at: loc) { () throws(TensorError) in
                try Tensor.broadcasting(p, q) { x, y in (x == y) == (op == "==") ? 1 : 0 }
            })
        }
        guard let x = Numeric(a), let y = Numeric(b) else {
            let bad = Numeric(a) == nil ? a : b
            let what = op == "==" || op == "!=" ? "two numbers or tensors, two strings or two Bools" : "numbers or tensors"
            throw LessonError("'\(op)' compares \(what), got \(a.typeName) and \(b.typeName)", at: loc,
                              hint: bad.truth != nil && op != "==" && op != "!=" ? Value.boolIsNotNumber : nil)
        }
        func test<T: Comparable>(_ l: T, _ r: T) -> Int {
            let t: Bool
            switch op {
            case "==": t = l == r
            case "!=": t = l != r
            case "<": t = l < r
            case "<=": t = l <= r
            case ">": t = l > r
            default: t = l >= r
            }
            return t ? 1 : 0
        }
        if case .int(let p) = x, case .int(let q) = y {
            return Value.wrapBool(try engine(at: loc) { () throws(TensorError) in try Tensor.broadcasting(p, q) { l, r in test(l, r) } })
        }
        // Int against Float compares the values as Doubles, so a large Int is not rounded to a
        // Float first: the broadcast runs over element indices, which read the Doubles.
        let p = x.doubles, q = y.doubles
        let ip = Tensor<Int>(shape: x.shape, scalars: Array(0..<p.count)), iq = Tensor<Int>(shape: y.shape, scalars: Array(0..<q.count))
        return Value.wrapBool(try engine(at: loc) { () throws(TensorError) in
            try Tensor.broadcasting(ip, iq) { i, j in test(p[i], q[j]) }
        })
    }

    /// `x ** n`: every element to the power of a number. An Int to a non-negative Int power
    /// stays an exact Int (overflow is an error); anything else is Float, and a result that is
    /// not a number (a negative base to a fractional power) is an error.
    static func power(_ x: Numeric, _ y: Numeric, at loc: SourceLocation) throws(LessonError) -> Value {
        guard y.shape.isEmpty else {
            throw LessonError("'**' needs a number as the exponent, got a tensor of shape \(formatShape(y.shape))", at: loc)
        }
        if case .int(let t) = x, case .int(let e) = y, let n = e.scalars.first, n >= 0 {
            var out: [Int] = []
            out.reserveCapacity(t.scalars.count)
            for v in t.scalars {
                var r = 1
                for _ in 0..<n {
                    let (m, overflow) = r.multipliedReportingOverflow(by: v)
                    if overflow { throw LessonError("integer overflow: \(v) ** \(n) does not fit in an Int", at: loc, hint: "use float(x) ** n") }
                    r = m
                }
                out.append(r)
            }
            return Value.wrap(Tensor<Int>(shape: t.shape, scalars: out))
        }
        let t = x.asFloat
        let n = y.asFloat.scalars.first ?? 1
        var out: [Float] = []
        out.reserveCapacity(t.scalars.count)
        for v in t.scalars {
            let r = Float(Foundation.pow(Double(v), Double(n)))
            guard !r.isNaN else { throw LessonError("\(v) ** \(n) is not a number (a negative base needs a whole exponent)", at: loc) }
            out.append(r)
        }
        return Value.wrap(Tensor<Float>(shape: t.shape, scalars: out))
    }

    /// `x[...]` with Python semantics on tensors, shapes and lists.
    static func subscripted(_ v: Value, _ specs: [(SliceSpec, SourceLocation)], at loc: SourceLocation) throws(LessonError) -> Value {
        switch v {
        case .intTensor(let t):
            return Value.wrap(try engine(at: loc) { () throws(TensorError) in try t.slice(specs.map(\.0)) })
        case .floatTensor(let t):
            return Value.wrap(try engine(at: loc) { () throws(TensorError) in try t.slice(specs.map(\.0)) })
        case .boolTensor(let t):
            return Value.wrapBool(try engine(at: loc) { () throws(TensorError) in try t.slice(specs.map(\.0)) })
        case .shape(let s):
            let t = Tensor<Int>(shape: [s.count], scalars: s)
            let r = try engine(at: loc) { () throws(TensorError) in try t.slice(specs.map(\.0)) }
            return r.shape.isEmpty ? .int(r.scalars[0]) : .shape(r.scalars)
        case .list(let items):
            guard specs.count == 1 else { throw LessonError("a list takes one index, got \(specs.count)", at: loc) }
            switch specs[0].0 {
            case .index(let i):
                let j = i < 0 ? i + items.count : i
                guard j >= 0, j < items.count else {
                    throw LessonError("index \(i) is out of range for a list of \(items.count) items", at: specs[0].1)
                }
                return items[j]
            case .range:
                let idx = Tensor<Int>(shape: [items.count], scalars: Array(0..<items.count))
                let r = try engine(at: loc) { () throws(TensorError) in try idx.slice([specs[0].0]) }
                return .list(r.scalars.map { items[$0] })
            }
        default:
            throw LessonError("cannot index a \(v.typeName)", at: loc)
        }
    }
}
