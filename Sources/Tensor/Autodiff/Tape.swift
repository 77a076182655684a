/// A value recorded on a `Tape`: its Float tensor and where it sits on the tape.
public struct Variable {
    /// The value computed in the forward pass.
    public let tensor: Tensor<Float>
    /// The position of the node on its tape.
    let id: Int
    /// The tape that recorded it.
    let tape: ObjectIdentifier

    public var shape: [Int] { tensor.shape }
}

/// Reverse-mode automatic differentiation: records Float operations as they run, then
/// propagates gradients back from a scalar.
///
/// Nodes are appended in the order they are computed, so that order is a topological order
/// of the graph; `gradients(of:wrt:)` walks it backwards with a plain loop (no recursion, so
/// deep networks cannot overflow the stack). Gradients that reach a node from several uses are
/// added in reverse recording order, which makes the result reproducible. The primitive
/// operations and their gradient rules are listed in `Primitive`.
public final class Tape {
    struct Node {
        let primitive: Primitive
        let inputs: [Int]
        let requiresGradient: Bool
        let shape: [Int]
    }

    var nodes: [Node] = []

    public init() {}

    /// The number of recorded nodes.
    public var count: Int { nodes.count }

    /// A leaf whose gradient can be asked for (a parameter or an input).
    public func variable(_ t: Tensor<Float>) -> Variable {
        append(.leaf, inputs: [], value: t, requiresGradient: true)
    }

    /// A leaf that is treated as constant (data, targets): no gradient flows into it.
    public func constant(_ t: Tensor<Float>) -> Variable {
        append(.leaf, inputs: [], value: t, requiresGradient: false)
    }

    func append(_ p: Primitive, inputs: [Variable], value: Tensor<Float>) -> Variable {
        append(p, inputs: inputs.map(\.id), value: value,
               requiresGradient: inputs.contains { nodes[$0.id].requiresGradient })
    }

    func append(_ p: Primitive, inputs: [Int], value: Tensor<Float>, requiresGradient: Bool) -> Variable {
        // Nodes that no gradient can reach keep no saved tensors.
        nodes.append(Node(primitive: requiresGradient ? p : .leaf, inputs: inputs,
                          requiresGradient: requiresGradient, shape: value.shape))
        return Variable(tensor: value, id: nodes.count - 1, tape: ObjectIdentifier(self))
    }

    /// Checks that `v` was recorded on this tape.
    func check(_ vs: Variable...) throws(TensorError) {
        for v in vs where v.tape != ObjectIdentifier(self) || v.id >= nodes.count {
            throw .invalidArgument("a variable from another tape was used")
        }
    }

    /// dy/dx for each x in `wrt`, each with the shape of x. `y` must hold one element.
    /// A variable that y does not depend on gets a zero gradient.
    public func gradients(of y: Variable, wrt: [Variable]) throws(TensorError) -> [Tensor<Float>] {
        try check(y)
        guard y.tensor.count == 1 else {
            throw .shapeMismatch("gradients need a scalar to differentiate, got a \(formatShape(y.shape)) tensor")
        }
        return try gradients(of: y, seed: Tensor(repeating: 1, shape: y.shape), wrt: wrt)
    }

    /// The vector-Jacobian product: for each x in `wrt`, the gradient of sum(seed * y) in x,
    /// where `seed` (the gradient arriving at y from above) has y's shape. With a seed of ones
    /// on a scalar y this is `gradients(of:wrt:)`.
    public func gradients(of y: Variable, seed: Tensor<Float>, wrt: [Variable]) throws(TensorError) -> [Tensor<Float>] {
        try check(y)
        for x in wrt { try check(x) }
        guard seed.shape == y.shape else {
            throw .shapeMismatch("the seed gradient must have the shape of y, \(formatShape(y.shape)), got \(formatShape(seed.shape))")
        }
        let wanted = Set(wrt.map(\.id))
        var grads = [Tensor<Float>?](repeating: nil, count: y.id + 1)
        var kept = [Int: Tensor<Float>]()
        grads[y.id] = seed
        var i = y.id
        while i >= 0 {
            defer { i -= 1 }
            guard let g = grads[i] else { continue }
            if wanted.contains(i) { kept[i] = g }
            grads[i] = nil
            let node = nodes[i]
            guard node.requiresGradient, !node.inputs.isEmpty else { continue }
            let needs = node.inputs.map { nodes[$0].requiresGradient }
            let inputGrads = try node.primitive.gradients(g, needs: needs)
            for (j, input) in node.inputs.enumerated() where needs[j] {
                if let acc = grads[input] {
                    grads[input] = try acc.adding(inputGrads[j])
                } else {
                    grads[input] = inputGrads[j]
                }
            }
        }
        return wrt.map { kept[$0.id] ?? Tensor(repeating: 0, shape: $0.shape) }
    }
}
