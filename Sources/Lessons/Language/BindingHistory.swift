/// Every binding a lesson made, by name and version, with the expression that made it and the
/// versions of the names that expression used: what `grad` follows when its expression reaches
/// the tensor through a name (`loss = sum(x * x)` then `grad(loss, x)`).
///
/// Versions matter because a name can be bound again: after `w = 3`, `loss = sum(w * x)`,
/// `w = 5`, the `loss` that exists was made with the first `w`, and following its expression
/// with today's `w` would give a wrong gradient. `grad` uses the versions to refuse, with a
/// clear error, rather than answer wrongly.
struct BindingHistory {
    struct Made { var expression: Expr; var uses: [String: Int] }

    /// The version each name is bound at now.
    private(set) var current: [String: Int] = [:]
    private var made: [String: [Int: Made]] = [:]
    private var next = 1

    /// Records that `name` was bound to the value of `expression`.
    mutating func bind(_ name: String, to expression: Expr) {
        var uses: [String: Int] = [:]
        for n in Self.names(in: expression) { uses[n] = current[n] ?? 0 }
        made[name, default: [:]][next] = Made(expression: expression, uses: uses)
        current[name] = next
        next += 1
    }

    /// How version `version` of `name` was made (nil for a name no assignment made).
    func made(_ name: String, version: Int) -> Made? { made[name]?[version] }

    /// The names an expression reads (not the builtins it calls).
    static func names(in e: Expr) -> Set<String> {
        switch e {
        case .integer, .decimal, .string, .bool: return []
        case .name(let n, _): return [n]
        case .list(let items, _): return items.reduce(into: []) { $0.formUnion(names(in: $1)) }
        case .negate(let x, _): return names(in: x)
        case let .binary(_, a, b, _): return names(in: a).union(names(in: b))
        case let .call(_, args, _): return args.reduce(into: []) { $0.formUnion(names(in: $1.value)) }
        case let .subscripted(b, subs, _):
            var out = names(in: b)
            for s in subs {
                switch s {
                case .index(let i): out.formUnion(names(in: i))
                case let .slice(a, b, c, _): for x in [a, b, c] { if let x { out.formUnion(names(in: x)) } }
                }
            }
            return out
        }
    }
}
