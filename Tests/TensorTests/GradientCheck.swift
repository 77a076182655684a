import Testing
@testable import Tensor

/// Central finite differences against the tape's gradients.
///
/// The objective is L = sum(f(x) * R) with R a fixed random tensor, accumulated in Double.
/// Each input element is moved by ±h (h = 1e-2, so Float rounding in the forward pass stays
/// far below the difference) and (L(x+h) - L(x-h)) / 2h is compared with the tape's
/// dL/dx within `tolerance` + 1% relative.
func checkGradients(_ inputs: [Tensor<Float>], h: Float = 1e-2, tolerance: Double = 2e-3,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    _ f: (Tape, [Variable]) throws(TensorError) -> Variable) throws {
    let probe = Tape()
    let shape = try f(probe, inputs.map { probe.constant($0) }).shape
    let r = randomTensor(shape, seed: 99)
    func objective(_ xs: [Tensor<Float>]) throws -> Double {
        let t = Tape()
        let y = try f(t, xs.map { t.constant($0) })
        return zip(y.tensor.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    let tape = Tape()
    let vars = inputs.map { tape.variable($0) }
    let y = try f(tape, vars)
    let loss = try tape.sum(tape.multiply(y, tape.constant(r)))
    let grads = try tape.gradients(of: loss, wrt: vars)
    for (n, x) in inputs.enumerated() {
        #expect(grads[n].shape == x.shape, sourceLocation: sourceLocation)
        var worst = 0.0
        for i in 0..<x.count {
            var plus = inputs, minus = inputs
            plus[n].scalars[i] += h
            minus[n].scalars[i] -= h
            let numeric = (try objective(plus) - objective(minus)) / (Double(plus[n].scalars[i]) - Double(minus[n].scalars[i]))
            let analytic = Double(grads[n].scalars[i])
            worst = max(worst, abs(numeric - analytic) - 0.01 * abs(numeric))
        }
        #expect(worst < tolerance, "input \(n) of shape \(formatShape(x.shape)): worst excess error \(worst)", sourceLocation: sourceLocation)
    }
}

/// Random values kept at least `gap` away from zero, for ReLU's kink.
func awayFromZero(_ shape: [Int], seed: UInt64, gap: Float = 0.05) -> Tensor<Float> {
    let t = randomTensor(shape, seed: seed)
    return Tensor(shape: shape, scalars: t.scalars.map { $0 >= 0 ? $0 + gap : $0 - gap })
}

/// Distinct values 0.1 apart in a seeded order, so a ±h move never changes a max.
func distinctValues(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
    var g = SeededGenerator(seed: seed)
    let n = shape.reduce(1, *)
    let values = (0..<n).map { Float($0) * 0.1 - Float(n) * 0.05 }.shuffled(using: &g)
    return Tensor(shape: shape, scalars: values)
}
