/// The syntax tree of the cell language.
indirect enum Expr: Sendable {
    case integer(Int, SourceLocation)
    case decimal(Float, SourceLocation)
    case string(String, SourceLocation)
    case bool(Bool, SourceLocation)
    case name(String, SourceLocation)
    case list([Expr], SourceLocation)
    /// `-x`
    case negate(Expr, SourceLocation)
    /// `a op b` with op one of `+ - * / ** @` or a comparison `== != < <= > >=`; the location
    /// is the operator's.
    case binary(String, Expr, Expr, SourceLocation)
    /// `f(a, b, label: c)`; the location is the callee's.
    case call(String, [Argument], SourceLocation)
    /// `x[i, a:b:c]`; the location is the opening bracket's.
    case subscripted(Expr, [Subscript], SourceLocation)

    var location: SourceLocation {
        switch self {
        case .integer(_, let l), .decimal(_, let l), .string(_, let l), .bool(_, let l), .name(_, let l),
             .list(_, let l), .negate(_, let l), .call(_, _, let l), .subscripted(_, _, let l):
            return l
        case .binary(_, let a, _, _):
            return a.location
        }
    }
}

/// One argument of a call: positional (`label == nil`) or labelled.
struct Argument: Sendable {
    var label: String?
    var value: Expr
    var location: SourceLocation
}

/// One axis of a subscript: an index or a Python slice `start:end:step`.
enum Subscript: Sendable {
    case index(Expr)
    case slice(start: Expr?, end: Expr?, step: Expr?, SourceLocation)
}

/// One statement: a binding, an expression whose value is printed, or `step EXPR`.
enum Statement: Sendable {
    case assign(String, Expr, SourceLocation)
    case expression(Expr)
    case step(Expr, SourceLocation)
}

extension Statement {
    /// Where the statement starts.
    var location: SourceLocation {
        switch self {
        case .assign(_, _, let l), .step(_, let l): l
        case .expression(let e): e.location
        }
    }
}
