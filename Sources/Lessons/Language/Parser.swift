/// Parses tokens into statements, one per line (brackets may span lines).
///
/// Precedence, loosest first: a comparison (`== != < <= > >=`, which does not chain), then
/// `+ -`, then `* / @`, then unary `-`, then `**`, then calls and subscripts.
struct Parser {
    private var tokens: [Token]
    private var p = 0
    private let file: String
    /// How deep the expression being parsed is nested (brackets, unary minus, operator chains).
    private var depth = 0
    /// Deeper expressions are an error, so evaluation never runs out of stack.
    static let maxDepth = 200

    init(tokens: [Token], file: String) {
        self.tokens = tokens
        self.file = file
    }

    /// Lexes and parses a cell's code.
    static func parse(_ source: String, file: String, firstLine: Int) throws(LessonError) -> [Statement] {
        let tokens = try Lexer(source: source, file: file, firstLine: firstLine).tokenize()
        var parser = Parser(tokens: tokens, file: file)
        return try parser.program()
    }

    private var current: Token { tokens[p] }
    private func loc(_ t: Token) -> SourceLocation { SourceLocation(file: file, line: t.line, column: t.column) }
    private mutating func advance() -> Token { let t = tokens[p]; if p < tokens.count - 1 { p += 1 }; return t }
    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol(s) }

    private mutating func expect(_ s: String, _ what: String) throws(LessonError) -> Token {
        guard isSymbol(s) else { throw LessonError("expected \(what), found \(current.spelling)", at: loc(current)) }
        return advance()
    }

    mutating func program() throws(LessonError) -> [Statement] {
        var out: [Statement] = []
        while current.kind != .end {
            if current.kind == .newline { _ = advance(); continue }
            out.append(try statement())
            switch current.kind {
            case .newline: _ = advance()
            case .end: break
            default:
                throw LessonError("unexpected \(current.spelling) after the end of a statement", at: loc(current),
                                  hint: "write one statement per line")
            }
        }
        return out
    }

    private mutating func statement() throws(LessonError) -> Statement {
        if current.kind == .keyword("step") {
            let t = advance()
            if current.kind == .newline || current.kind == .end {
                throw LessonError("'step' needs an operation to step through", at: loc(t), hint: "step conv2d(x, k)")
            }
            return .step(try expression(), loc(t))
        }
        if case .identifier(let name) = current.kind, tokens[p + 1].kind == .symbol("=") {
            let t = advance()
            _ = advance()
            if current.kind == .newline || current.kind == .end {
                throw LessonError("'\(name) =' needs a value on the right", at: loc(current))
            }
            return .assign(name, try expression(), loc(t))
        }
        return .expression(try expression())
    }

    private mutating func enter() throws(LessonError) {
        depth += 1
        if depth > Self.maxDepth {
            throw LessonError("expression is nested too deeply (more than \(Self.maxDepth) levels)", at: loc(current),
                              hint: "split it over several statements with names")
        }
    }

    mutating func expression() throws(LessonError) -> Expr {
        try enter()
        defer { depth -= 1 }
        let lhs = try additive()
        guard case .symbol(let s) = current.kind, Operators.comparisons.contains(s) else { return lhs }
        let op = advance()
        let rhs = try additive()
        if case .symbol(let t) = current.kind, Operators.comparisons.contains(t) {
            throw LessonError("comparisons do not chain: '\(s)' then '\(t)'", at: loc(current),
                              hint: "compare two values at a time: write a < b and b < c as two comparisons")
        }
        return .binary(s, lhs, rhs, loc(op))
    }

    private mutating func additive() throws(LessonError) -> Expr {
        let base = depth
        defer { depth = base }
        var lhs = try term()
        while isSymbol("+") || isSymbol("-") {
            try enter()
            let op = advance()
            let rhs = try term()
            if case .symbol(let s) = op.kind { lhs = .binary(s, lhs, rhs, loc(op)) }
        }
        return lhs
    }

    private mutating func term() throws(LessonError) -> Expr {
        let base = depth
        defer { depth = base }
        var lhs = try unary()
        while isSymbol("*") || isSymbol("/") || isSymbol("@") {
            try enter()
            let op = advance()
            let rhs = try unary()
            if case .symbol(let s) = op.kind { lhs = .binary(s, lhs, rhs, loc(op)) }
        }
        return lhs
    }

    private mutating func unary() throws(LessonError) -> Expr {
        if isSymbol("-") {
            let t = advance()
            try enter()
            defer { depth -= 1 }
            return .negate(try unary(), loc(t))
        }
        if isSymbol("+") {
            _ = advance()
            try enter()
            defer { depth -= 1 }
            return try unary()
        }
        return try power()
    }

    /// `a ** b`, binding tighter than a unary minus on its left and grouping to the right, as
    /// in Python: `-x ** 2` is `-(x ** 2)`, `2 ** -1` is 0.5, `2 ** 3 ** 2` is 2 ** 9.
    private mutating func power() throws(LessonError) -> Expr {
        let base = try postfix()
        guard isSymbol("**") else { return base }
        let op = advance()
        try enter()
        defer { depth -= 1 }
        return .binary("**", base, try unary(), loc(op))
    }

    private mutating func postfix() throws(LessonError) -> Expr {
        let base = depth
        defer { depth = base }
        var e = try primary()
        while true {
            if isSymbol("(") || isSymbol("[") { try enter() }
            if isSymbol("(") {
                let open = current
                guard case .name(let callee, let l) = e else {
                    throw LessonError("only a builtin's name can be called", at: loc(open))
                }
                _ = advance()
                e = .call(callee, try arguments(), l)
            } else if isSymbol("[") {
                let open = advance()
                var subs: [Subscript] = []
                repeat {
                    if isSymbol(",") { _ = advance() }
                    subs.append(try subscriptAxis())
                } while isSymbol(",")
                _ = try expect("]", "']' to close the subscript")
                e = .subscripted(e, subs, loc(open))
            } else {
                return e
            }
        }
    }

    private mutating func arguments() throws(LessonError) -> [Argument] {
        var args: [Argument] = []
        var sawLabel = false
        while !isSymbol(")") {
            let start = current
            if let label = labelName(current), tokens[p + 1].kind == .symbol(":") {
                _ = advance(); _ = advance()
                args.append(Argument(label: label, value: try expression(), location: loc(start)))
                sawLabel = true
            } else {
                if sawLabel {
                    throw LessonError("positional argument after a labelled one", at: loc(start),
                                      hint: "put positional arguments first: f(x, k, stride: 2)")
                }
                args.append(Argument(label: nil, value: try expression(), location: loc(start)))
            }
            if isSymbol(",") { _ = advance(); continue }
            if !isSymbol(")") { throw LessonError("expected ',' or ')' in the argument list, found \(current.spelling)", at: loc(current)) }
        }
        _ = advance()
        return args
    }

    /// A word usable as an argument label (keywords too: `figure(..., step: 1)`).
    private func labelName(_ t: Token) -> String? {
        switch t.kind {
        case .identifier(let s), .keyword(let s): return s
        default: return nil
        }
    }

    private mutating func subscriptAxis() throws(LessonError) -> Subscript {
        let start = current
        var first: Expr?
        if !isSymbol(":") {
            if isSymbol("]") || isSymbol(",") { throw LessonError("expected an index or a slice, found \(current.spelling)", at: loc(current)) }
            let f = try expression()
            if !isSymbol(":") { return .index(f) }
            first = f
        }
        _ = advance()  // ':'
        var end: Expr?
        var step: Expr?
        if !isSymbol(":") && !isSymbol(",") && !isSymbol("]") { end = try expression() }
        if isSymbol(":") {
            _ = advance()
            if !isSymbol(",") && !isSymbol("]") { step = try expression() }
        }
        return .slice(start: first, end: end, step: step, loc(start))
    }

    private mutating func primary() throws(LessonError) -> Expr {
        let t = current
        switch t.kind {
        case .integer(let v): _ = advance(); return .integer(v, loc(t))
        case .decimal(let v): _ = advance(); return .decimal(v, loc(t))
        case .string(let s): _ = advance(); return .string(s, loc(t))
        case .keyword("true"): _ = advance(); return .bool(true, loc(t))
        case .keyword("false"): _ = advance(); return .bool(false, loc(t))
        case .identifier(let n): _ = advance(); return .name(n, loc(t))
        case .symbol("("):
            _ = advance()
            let e = try expression()
            _ = try expect(")", "')'")
            return e
        case .symbol("["):
            _ = advance()
            var items: [Expr] = []
            while !isSymbol("]") {
                items.append(try expression())
                if isSymbol(",") { _ = advance(); continue }
                if !isSymbol("]") { throw LessonError("expected ',' or ']' in the list, found \(current.spelling)", at: loc(current)) }
            }
            _ = advance()
            return .list(items, loc(t))
        default:
            throw LessonError("expected a value, found \(t.spelling)", at: loc(t))
        }
    }
}
