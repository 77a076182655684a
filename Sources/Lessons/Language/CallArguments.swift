import Tensor

/// The evaluated arguments of one builtin call, with typed accessors that throw a
/// `LessonError` at the argument's own location when a type is wrong.
struct CallArguments {
    let function: String
    let signature: String
    let location: SourceLocation
    var positional: [(Value, SourceLocation)] = []
    var labelled: [String: (Value, SourceLocation)] = [:]

    init(function: String, signature: String, location: SourceLocation) {
        self.function = function
        self.signature = signature
        self.location = location
    }

    func wrongType(_ what: String, _ want: String, _ v: Value, _ loc: SourceLocation) -> LessonError {
        LessonError("\(function): \(what) must be \(want), got \(v.typeName)", at: loc,
                    hint: v.truth != nil && want != "true or false" ? Value.boolIsNotNumber : "usage: \(signature)")
    }

    /// The i-th positional argument (the count was checked against the builtin's range).
    func value(_ i: Int) -> (Value, SourceLocation)? { i < positional.count ? positional[i] : nil }

    /// A tensor or number argument.
    func numeric(_ i: Int, _ name: String) throws(LessonError) -> (Numeric, SourceLocation) {
        guard let (v, loc) = value(i) else { throw LessonError("\(function) needs argument \(name)", at: location, hint: "usage: \(signature)") }
        guard let n = Numeric(v) else { throw wrongType(name, "a number or tensor", v, loc) }
        return (n, loc)
    }

    /// A tensor argument of at least rank 1.
    func tensor(_ i: Int, _ name: String) throws(LessonError) -> (Numeric, SourceLocation) {
        let (n, loc) = try numeric(i, name)
        if n.shape.isEmpty, let (v, _) = value(i) { throw wrongType(name, "a tensor", v, loc) }
        return (n, loc)
    }

    func int(_ v: Value, _ what: String, _ loc: SourceLocation) throws(LessonError) -> Int {
        if case .int(let i) = v { return i }
        throw wrongType(what, "an Int", v, loc)
    }

    func float(_ v: Value, _ what: String, _ loc: SourceLocation) throws(LessonError) -> Float {
        if case .int(let i) = v { return Float(i) }
        if case .float(let f) = v { return f }
        throw wrongType(what, "a number", v, loc)
    }

    func bool(_ v: Value, _ what: String, _ loc: SourceLocation) throws(LessonError) -> Bool {
        if case .bool(let b) = v { return b }
        throw wrongType(what, "true or false", v, loc)
    }

    func string(_ v: Value, _ what: String, _ loc: SourceLocation) throws(LessonError) -> String {
        if case .string(let s) = v { return s }
        throw wrongType(what, "a string", v, loc)
    }

    /// A list of Ints: `[2, 3]`, a shape, or a 1-D Int tensor.
    func ints(_ v: Value, _ what: String, _ loc: SourceLocation) throws(LessonError) -> [Int] {
        switch v {
        case .shape(let s): return s
        case .intTensor(let t) where t.rank == 1: return t.scalars
        case .list(let items) where items.isEmpty: return []
        default: throw wrongType(what, "a list of Ints", v, loc)
        }
    }

    /// The largest tensor (in elements) a builtin may make: a mistake gives an error, not an
    /// exhausted machine.
    static let maxElements = 16_000_000
    /// The largest stride, dilation, window side or padding width accepted.
    static let maxWindowArgument = 1024

    /// An Int or `[vertical, horizontal]`, for stride, dilation and pool size.
    func pair(_ v: Value, _ what: String, _ loc: SourceLocation) throws(LessonError) -> (Int, Int) {
        var r: (Int, Int)?
        if case .int(let i) = v { r = (i, i) }
        if let xs = try? ints(v, what, loc), xs.count == 2 { r = (xs[0], xs[1]) }
        guard let r else { throw wrongType(what, "an Int or [vertical, horizontal]", v, loc) }
        guard r.0 <= Self.maxWindowArgument, r.1 <= Self.maxWindowArgument else {
            throw LessonError("\(function): \(what) must be at most \(Self.maxWindowArgument), got [\(r.0), \(r.1)]", at: loc)
        }
        return r
    }

    /// "valid", "same", an Int for every side, or [top, bottom, left, right].
    func padding(_ v: Value, _ loc: SourceLocation, allowSame: Bool = true) throws(LessonError) -> Padding {
        switch v {
        case .string("valid"): return .valid
        case .string("same") where allowSame: return .same
        case .int(let p):
            guard p >= 0, p <= Self.maxWindowArgument else {
                throw LessonError("\(function): padding must be between 0 and \(Self.maxWindowArgument), got \(p)", at: loc)
            }
            return .uniform(p)
        default:
            if let xs = try? ints(v, "padding", loc), xs.count == 4 {
                guard xs.allSatisfy({ $0 >= 0 && $0 <= Self.maxWindowArgument }) else {
                    throw LessonError("\(function): padding must be between 0 and \(Self.maxWindowArgument), got \(xs)", at: loc)
                }
                return .explicit(top: xs[0], bottom: xs[1], left: xs[2], right: xs[3])
            }
            let forms = allowSame ? "\"valid\", \"same\", an Int or [top, bottom, left, right]" : "\"valid\" or [top, bottom, left, right]"
            throw wrongType("padding", forms, v, loc)
        }
    }

    func labelled<T>(_ label: String, default d: T, _ get: (Value, String, SourceLocation) throws(LessonError) -> T) throws(LessonError) -> T {
        guard let (v, loc) = labelled[label] else { return d }
        return try get(v, label, loc)
    }
}
