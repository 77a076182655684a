import Tensor

/// `grad(expression, wrt)`: the reverse-mode gradient, from the engine's `Tape`, of a scalar
/// expression with respect to a named tensor (or number).
///
/// Subexpressions that do not mention `wrt` are evaluated as usual and enter the tape as
/// constants; those that do are recorded through the tape's ops: `+ - * / @`, unary `-`,
/// conv2d, conv2d_transpose, maxpool, avgpool, relu, sigmoid, tanh, softmax, sum, mean,
/// reshape, transpose, flatten and dropout. The result is Float with the shape of `wrt`.
///
/// A name bound from an expression that reaches `wrt` (`loss = sum(x * x)`, then
/// `grad(loss, x)`) is followed back through the expression that made it (`BindingHistory`).
/// When that cannot give the right answer, because a name it used has been bound again
/// since, grad says so instead of treating the name as a constant.
extension Interpreter {
    static let differentiable: Set<String> = ["conv2d", "conv2d_transpose", "maxpool", "avgpool", "relu", "sigmoid", "tanh",
                                              "softmax", "sum", "mean", "reshape", "transpose", "flatten", "dropout"]

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
                              hint: "grad follows + - * / @ and the builtins \(Self.differentiable.sorted().joined(separator: ", "))")
        }
    }

    private func recordCall(_ name: String, _ args: [Argument], at loc: SourceLocation, tape: Tape, wrt: String,
                            variable: Variable, scope: [String: Int], following: String?) throws(LessonError) -> Variable {
        guard Self.differentiable.contains(name) else {
            throw LessonError("grad cannot differentiate through \(name)", at: loc,
                              hint: "grad follows + - * / @ and the builtins \(Self.differentiable.sorted().joined(separator: ", "))")
        }
        // Bind the arguments as a normal call (so labels and types are checked), then record
        // the tensor operands on the tape. Binding evaluates them with today's names, so
        // inside a followed binding its labelled arguments must read names still current.
        for a in args where a.label != nil { try requireCurrent(a.value, scope: scope, following: following, wrt: wrt) }
        let (_, call) = try bind(name, args, at: loc)
        var operands: [Variable] = []
        for a in args where a.label == nil {
            operands.append(try record(a.value, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following))
        }
        var bias: Variable?
        if let b = args.first(where: { $0.label == "bias" }) {
            bias = try record(b.value, tape: tape, wrt: wrt, variable: variable, scope: scope, following: following)
        }
        let x = operands[0]
        switch name {
        case "conv2d", "conv2d_transpose", "maxpool", "avgpool":
            let kinds: [String: WindowCall.Kind] = ["conv2d": .conv2d, "conv2d_transpose": .conv2dTranspose, "maxpool": .maxPool, "avgpool": .avgPool]
            guard let kind = kinds[name] else { return x }
            let w = try WindowCall(call, kind: kind)
            return try engine(at: loc) { () throws(TensorError) -> Variable in
                switch kind {
                case .conv2d: return try tape.conv2d(x, operands[1], bias: bias, stride: w.stride, padding: w.padding, dilation: w.dilation)
                case .conv2dTranspose: return try tape.conv2dTranspose(x, operands[1], stride: w.stride, padding: w.padding, dilation: w.dilation)
                case .maxPool: return try tape.maxPool(x, size: w.size, stride: w.stride, padding: w.padding)
                case .avgPool: return try tape.avgPool(x, size: w.size, stride: w.stride, padding: w.padding)
                }
            }
        case "reshape":
            let (d, dLoc) = call.positional[1]
            let dims = try call.ints(d, "the new shape", dLoc)
            return try engine(at: loc) { () throws(TensorError) in try tape.reshape(x, dims) }
        case "softmax":
            let axis = try call.labelled("axis", default: -1, call.int)
            return try engine(at: loc) { () throws(TensorError) in try tape.softmax(x, axis: axis) }
        case "sum", "mean":
            let axis: Int? = try call.labelled("axis", default: nil) { (v, w, l) throws(LessonError) -> Int? in try call.int(v, w, l) }
            return try engine(at: loc) { () throws(TensorError) in name == "sum" ? try tape.sum(x, axis: axis) : try tape.mean(x, axis: axis) }
        case "dropout":
            guard let (r, rLoc) = call.labelled["rate"] else { throw LessonError("dropout needs a rate", at: loc) }
            let rate = try call.float(r, "rate", rLoc)
            let training = try call.labelled("training", default: true, call.bool)
            let seed = try call.labelled("seed", default: Int(Dropout.defaultSeed), call.int)
            guard seed >= 0 else { throw LessonError("dropout: seed must not be negative, got \(seed)", at: loc) }
            return try engine(at: loc) { () throws(TensorError) in try tape.dropout(x, rate: rate, training: training, seed: UInt64(seed)) }
        default:
            return try engine(at: loc) { () throws(TensorError) -> Variable in
                switch name {
                case "relu": return try tape.relu(x)
                case "sigmoid": return try tape.sigmoid(x)
                case "tanh": return try tape.tanh(x)
                case "transpose": return try tape.transpose(x)
                default: return try tape.flatten(x)
                }
            }
        }
    }
}
