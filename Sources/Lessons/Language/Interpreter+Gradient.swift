import Tensor

/// `grad(expression, wrt)`: the reverse-mode gradient, from the engine's `Tape`, of a scalar
/// expression with respect to a named tensor (or number).
///
/// Subexpressions that do not mention `wrt` are evaluated as usual and enter the tape as
/// constants; those that do are recorded through the tape's ops: `+ - * / @`, unary `-`,
/// `**` to a whole power, and the builtins whose entry in `Builtins.table` has a tape form
/// (`Builtins.differentiable`). The result is Float with the shape of `wrt`.
///
/// A name bound from an expression that reaches `wrt` (`loss = sum(x * x)`, then
/// `grad(loss, x)`) is followed back through the expression that made it (`BindingHistory`).
/// When that cannot give the right answer, because a name it used has been bound again
/// since, grad says so instead of treating the name as a constant.
extension Interpreter {
    func gradient(_ args: [Argument], at loc: SourceLocation) throws(LessonError) -> Value {
        let signature = "grad(expression, wrt)"
        guard args.count == 2, args.allSatisfy({ $0.label == nil }) else {
            throw LessonError("grad takes 2 positional arguments, got \(args.count)", at: loc, hint: "usage: \(signature), e.g. grad(sum(w * x), w)")
        }
        guard case let .name(wrt, wrtLoc) = args[1].value else {
            throw LessonError("grad: the second argument must be the name of a tensor", at: args[1].location, hint: "usage: \(signature)")
        }
        let value = try evaluate(args[1].value)
        guard let numeric = Numeric(value) else {
            throw LessonError("grad: '\(wrt)' must be a number or tensor, got \(value.typeName)", at: wrtLoc)
        }
        let tape = Tape()
        let x = tape.variable(numeric.asFloat)
        let y = try record(args[0].value, tape: tape, wrt: wrt, variable: x, scope: history.current)
        guard y.shape.isEmpty || y.shape.reduce(1, *) == 1 else {
            throw LessonError("grad needs a scalar expression, got shape \(formatShape(y.shape))", at: args[0].location,
                              hint: "reduce it first, e.g. grad(sum(...), \(wrt))")
        }
        let g = try engine(at: loc) { () throws(TensorError) in
            let scalar = y.shape.isEmpty ? y : try tape.reshape(y, [])
            return try tape.gradients(of: scalar, wrt: [x])[0]
        }
        return Value.wrap(g)
    }

    /// Whether `e` depends on any version of the name `n`: directly, or through the
    /// expressions that made the names it reads (at the versions in `scope`).
    func mentions(_ e: Expr, _ n: String, scope: [String: Int]) -> Bool {
        for m in BindingHistory.names(in: e) {
            if m == n { return true }
            if let version = scope[m], let made = history.made(m, version: version),
               mentions(made.expression, n, scope: made.uses) { return true }
        }
        return false
    }

    /// Throws when a name `e` reads is bound at another version now than in `scope`: its value
    /// today is not the one the expression being followed was computed with.
    func requireCurrent(_ e: Expr, scope: [String: Int], following: String?, wrt: String) throws(LessonError) {
        guard let following else { return }
        for m in BindingHistory.names(in: e).sorted() where scope[m] != nil && scope[m] != history.current[m] {
            if m == following {
                throw LessonError("grad cannot follow '\(m)' back to '\(wrt)': '\(m)' was made from its own earlier value, which is gone",
                                  at: e.location, hint: "give the new value a new name, e.g. \(m)2 = ...")
            }
            throw LessonError("grad cannot follow '\(following)' back to '\(wrt)': '\(m)' has been bound again since '\(following)' was computed",
                              at: e.location, hint: "compute \(following) again after the new \(m), or write its expression inside grad")
        }
    }

    /// Records `e` on the tape. `scope` holds the versions of the names `e` reads; `following`
    /// names the binding whose expression `e` is part of (nil for grad's own expression).
    func record(_ e: Expr, tape: Tape, wrt: String, variable: Variable, scope: [String: Int],
                following: String? = nil) throws(LessonError) -> Variable {
        if !mentions(e, wrt, scope: scope) {
            try requireCurrent(e, scope: scope, following: following, wrt: wrt)
            let v = try evaluate(e)
            guard let n = Numeric(v) else {
                throw LessonError("grad: expected a number or tensor, got \(v.typeName)", at: e.location)
            }
            return tape.constant(n.asFloat)
        }
        switch e {
        case let .name(n, loc):
            if n == wrt {
                guard scope[n] == history.current[n] else {
                    throw LessonError("grad cannot follow '\(following ?? n)' back to '\(wrt)': '\(wrt)' has been bound again since '\(following ?? n)' was computed",
                                      at: loc, hint: "compute \(following ?? n) again from the new \(wrt)")
                }
                return variable
            }
            guard let version = scope[n], let made = history.made(n, version: version) else {
                throw LessonError("grad cannot follow '\(n)' back to '\(wrt)'", at: loc, hint: "write its expression inside grad")
            }
            return try record(made.expression, tape: tape, wrt: wrt, variable: variable, scope: made.uses, following: n)
        case let .negate(x, loc):
            let v = try record(x, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following)
            return try engine(at: loc) { () throws(TensorError) in try tape.subtract(tape.constant(Tensor(scalar: 0)), v) }
        case let .binary("**", a, b, loc):
            // x ** n for a whole constant n as n products, so the tape's own multiply gives
            // the gradient (n x^(n-1)); other exponents are refused, not guessed.
            guard !mentions(b, wrt, scope: scope), case .int(let n) = try evaluate(b), (1...16).contains(n) else {
                throw LessonError("grad follows '**' only to a whole constant power from 1 to 16", at: loc,
                                  hint: "write the product out, or use exp and log outside grad")
            }
            let base = try record(a, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following)
            var product = base
            for _ in 1..<n { product = try engine(at: loc) { () throws(TensorError) in try tape.multiply(product, base) } }
            return product
        case let .binary(op, _, _, loc) where Operators.comparisons.contains(op):
            throw LessonError("grad cannot differentiate the comparison '\(op)' with respect to '\(wrt)': it has no gradient", at: loc,
                              hint: "use the comparison to choose, where(cond, a, b): the gradient flows through a and b")
        case let .binary(op, a, b, loc):
            let p = try record(a, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following)
            let q = try record(b, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following)
            return try engine(at: loc) { () throws(TensorError) -> Variable in
                switch op {
                case "+": return try tape.add(p, q)
                case "-": return try tape.subtract(p, q)
                case "*": return try tape.multiply(p, q)
                case "/": return try tape.divide(p, q)
                default: return try tape.matmul(p, q)
                }
            }
        case let .call(name, args, loc):
            return try recordCall(name, args, at: loc, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following)
        default:
            throw LessonError("grad cannot differentiate through this expression with respect to '\(wrt)'", at: e.location,
                              hint: "grad follows + - * / ** @ and the builtins \(Builtins.differentiable.joined(separator: ", "))")
        }
    }

    private func recordCall(_ name: String, _ args: [Argument], at loc: SourceLocation, tape: Tape, wrt: String,
                            variable: Variable, scope: [String: Int], following: String?) throws(LessonError) -> Variable {
        guard let form = Builtins.table[name]?.tape else {
            let what = Builtins.table[name] == nil ? "'\(name)' is not a builtin" : "\(name) has no gradient form"
            throw LessonError("grad cannot differentiate through \(name) with respect to '\(wrt)': \(what)", at: loc,
                              hint: "grad follows + - * / ** @ and the builtins \(Builtins.differentiable.joined(separator: ", "))")
        }
        // Bind the arguments as a normal call (so labels and types are checked), then record
        // the operands on the tape. Binding evaluates them with today's names, so inside a
        // followed binding the arguments that are only read must read names still current.
        func isOperand(_ i: Int, _ a: Argument) -> Bool {
            if let label = a.label { return form.labels.contains(label) }
            return form.operands?.contains(i) ?? true
        }
        let positions = args.enumerated().map { (i, a) in a.label == nil ? args[..<i].filter { $0.label == nil }.count : -1 }
        // An argument that is not an operand (where's cond, reshape's shape) is a constant to
        // the gradient even when it depends on wrt, as in numpy and TensorFlow: where(w > 0, ...)
        // is piecewise, and the comparison is flat on each piece.
        for (i, a) in args.enumerated() where !isOperand(positions[i], a) {
            try requireCurrent(a.value, scope: scope, following: following, wrt: wrt)
        }
        let (_, call) = try bind(name, args, at: loc)
        var operands: [Int: Variable] = [:]
        var labelled: [String: Variable] = [:]
        for (i, a) in args.enumerated() where isOperand(positions[i], a) {
            let v = try record(a.value, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following)
            if let label = a.label { labelled[label] = v } else { operands[positions[i]] = v }
        }
        return try form.record(TapeCall(tape: tape, call: call, operands: operands, labelled: labelled, location: loc))
    }
}
