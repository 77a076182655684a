import Dispatch
import Foundation
import CKernels
import Tensor

/// A rule that turns gradients into weight updates, keeping its own per-weight state.
///
/// `step` updates every tensor of `weights` in place from the same-shaped `gradients`
/// (per layer, Keras order). The arithmetic follows Keras 3's update rules term for term, in
/// float32, so results are reproducible bit for bit.
public protocol Optimizer: Sendable {
    /// Applies one update. Throws `NNError.invalidModel` when gradient shapes differ from the weights'.
    mutating func step(_ weights: inout ModelWeights, gradients: [[Tensor<Float>]]) throws(NNError)
    /// Keras' name of the optimizer (`adam`, `sgd`, `rmsprop`), as checkpoints record it.
    var name: String { get }
    /// Everything the next update depends on besides the weights and gradients, so that a
    /// checkpoint can restore it and a resumed run computes the same bits.
    var state: OptimizerState { get set }
}

/// An optimizer's state between updates: its update count and its slot arrays (for each kind
/// of slot, one array per weight tensor, in the weights' order; empty before the first update).
public struct OptimizerState: Sendable, Equatable {
    public var iterations: Int
    public var slots: [[[Float]]]
    public init(iterations: Int, slots: [[[Float]]]) { self.iterations = iterations; self.slots = slots }
}

/// Walks weights and gradients together, giving each tensor's flat index, elements and gradient.
func forEachPair(_ weights: inout ModelWeights, _ gradients: [[Tensor<Float>]],
                 _ body: (Int, inout [Float], [Float]) -> Void) throws(NNError) {
    guard gradients.count == weights.tensors.count,
          zip(gradients, weights.tensors).allSatisfy({ $0.map(\.shape) == $1.map(\.shape) }) else {
        throw .invalidModel("gradients \(gradients.map { $0.map { formatShape($0.shape) } }) do not match weights \(weights.tensors.map { $0.map { formatShape($0.shape) } })")
    }
    var k = 0
    for i in weights.tensors.indices {
        for j in weights.tensors[i].indices {
            body(k, &weights.tensors[i][j].scalars, gradients[i][j].scalars)
            k += 1
        }
    }
}

/// Keras 3 `SGD(learning_rate=0.01, momentum=0.0, nesterov=False)`.
///
/// Without momentum `w -= lr*g`; with it `m = momentum*m - lr*g`, then `w += m`
/// (nesterov: `w += momentum*m - lr*g`).
public struct SGD: Optimizer {
    public var learningRate: Float, momentum: Float, nesterov: Bool
    var velocity: [[Float]] = []

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate; self.momentum = momentum; self.nesterov = nesterov
    }

    public var name: String { "sgd" }
    public var state: OptimizerState {
        get { OptimizerState(iterations: 0, slots: [velocity]) }
        set { velocity = newValue.slots.first ?? [] }
    }

    public mutating func step(_ weights: inout ModelWeights, gradients: [[Tensor<Float>]]) throws(NNError) {
        let (lr, mu, nest) = (learningRate, momentum, nesterov)
        var vel = velocity
        velocity = []
        defer { velocity = vel }
        try forEachPair(&weights, gradients) { k, w, g in
            if mu == 0 {
                for i in w.indices { w[i] -= lr * g[i] }
                return
            }
            if k == vel.count { vel.append([Float](repeating: 0, count: w.count)) }
            vel[k].withUnsafeMutableBufferPointer { v in
                for i in w.indices {
                    let m = mu * v[i] - lr * g[i]
                    v[i] = m
                    w[i] += nest ? mu * m - lr * g[i] : m
                }
            }
        }
    }
}

/// Keras 3 `RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)`.
///
/// `v = rho*v + (1-rho)*g²`; `inc = lr*g / sqrt(v + eps)` (centered: `sqrt(v - a² + eps)` with
/// `a = rho*a + (1-rho)*g`); `w -= inc`, or with momentum `m = momentum*m + inc; w -= m`.
public struct RMSprop: Optimizer {
    public var learningRate: Float, rho: Float, momentum: Float, epsilon: Float, centered: Bool
    var velocity: [[Float]] = [], average: [[Float]] = [], moment: [[Float]] = []

    public init(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
                centered: Bool = false) {
        self.learningRate = learningRate; self.rho = rho; self.momentum = momentum
        self.epsilon = epsilon; self.centered = centered
    }

    public var name: String { "rmsprop" }
    public var state: OptimizerState {
        get { OptimizerState(iterations: 0, slots: [velocity, average, moment]) }
        set {
            let s = newValue.slots + Array(repeating: [], count: Swift.max(0, 3 - newValue.slots.count))
            (velocity, average, moment) = (s[0], s[1], s[2])
        }
    }

    public mutating func step(_ weights: inout ModelWeights, gradients: [[Tensor<Float>]]) throws(NNError) {
        let (lr, rho, mu, eps, cen) = (learningRate, rho, momentum, epsilon, centered)
        var (vel, avg, mom) = (velocity, average, moment)
        (velocity, average, moment) = ([], [], [])
        defer { (velocity, average, moment) = (vel, avg, mom) }
        try forEachPair(&weights, gradients) { k, w, g in
            if k == vel.count {
                for s in [0, 1, 2] {
                    let z = [Float](repeating: 0, count: w.count)
                    if s == 0 { vel.append(z) } else if s == 1 { avg.append(z) } else { mom.append(z) }
                }
            }
            for i in w.indices {
                let v = rho * vel[k][i] + (1 - rho) * g[i] * g[i]
                vel[k][i] = v
                var denominator = v + eps
                if cen {
                    let a = rho * avg[k][i] + (1 - rho) * g[i]
                    avg[k][i] = a
                    denominator = v - a * a + eps
                }
                let inc = lr * g[i] / denominator.squareRoot()
                if mu > 0 {
                    let m = mu * mom[k][i] + inc
                    mom[k][i] = m
                    w[i] -= m
                } else {
                    w[i] -= inc
                }
            }
        }
    }
}

/// Keras 3 `Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)`.
///
/// With t = steps taken + 1: `alpha = lr*sqrt(1-beta2^t)/(1-beta1^t)`, `m += (g-m)*(1-beta1)`,
/// `v += (g²-v)*(1-beta2)`, `w -= alpha*m/(sqrt(v)+eps)`.
public struct Adam: Optimizer {
    public var learningRate: Float, beta1: Float, beta2: Float, epsilon: Float
    /// Updates applied so far.
    public private(set) var iterations = 0
    var m: [[Float]] = [], v: [[Float]] = []

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
    }

    public var name: String { "adam" }
    public var state: OptimizerState {
        get { OptimizerState(iterations: iterations, slots: [m, v]) }
        set {
            iterations = newValue.iterations
            let s = newValue.slots + Array(repeating: [], count: Swift.max(0, 2 - newValue.slots.count))
            (m, v) = (s[0], s[1])
        }
    }

    public mutating func step(_ weights: inout ModelWeights, gradients: [[Tensor<Float>]]) throws(NNError) {
        let t = Float(iterations + 1)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let alpha = learningRate * (1 - powf(b2, t)).squareRoot() / (1 - powf(b1, t))
        var (mm, vv) = (m, v)
        (m, v) = ([], [])
        defer { (m, v) = (mm, vv) }
        try forEachPair(&weights, gradients) { k, w, g in
            if k == mm.count {
                mm.append([Float](repeating: 0, count: w.count))
                vv.append([Float](repeating: 0, count: w.count))
            }
            let n = w.count
            mm[k].withUnsafeMutableBufferPointer { pm in
                vv[k].withUnsafeMutableBufferPointer { pv in
                    w.withUnsafeMutableBufferPointer { pw in
                        g.withUnsafeBufferPointer { pg in
                            let (m, v, w, g) = (Pointer(pm.baseAddress), Pointer(pv.baseAddress),
                                                Pointer(pw.baseAddress), Pointer(UnsafeMutablePointer(mutating: pg.baseAddress)))
                            // Element-wise, so splitting across cores cannot change any result.
                            inChunks(n) { range in
                                Adam.update(range, m, v, w, g, b1, b2, alpha, eps)
                            }
                        }
                    }
                }
            }
        }
        iterations += 1
    }

    /// The update of elements `range`: the C kernel (module CKernels), eight at a time with
    /// the same operations in the same order as `updateReference` (IEEE sqrt and division are
    /// exact, no fused multiply-add), so the results are the same bits.
    static func update(_ range: Range<Int>, _ m: Pointer, _ v: Pointer, _ w: Pointer, _ g: Pointer,
                       _ b1: Float, _ b2: Float, _ alpha: Float, _ eps: Float) {
        guard let mp = m.base, let vp = v.base, let wp = w.base, let gp = g.base, !range.isEmpty else { return }
        let i = range.lowerBound
        cnn_adam_update(mp + i, vp + i, wp + i, gp + i, range.count, 1 - b1, 1 - b2, alpha, eps)
    }

    /// The plain loop of Keras' rule, element by element: the reference for `update`.
    static func updateReference(_ range: Range<Int>, _ m: Pointer, _ v: Pointer, _ w: Pointer, _ g: Pointer,
                                _ b1: Float, _ b2: Float, _ alpha: Float, _ eps: Float) {
        for i in range {
            m[i] += (g[i] - m[i]) * (1 - b1)
            v[i] += (g[i] * g[i] - v[i]) * (1 - b2)
            w[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
        }
    }
}

/// A raw element pointer that may cross into a concurrent loop whose iterations touch
/// disjoint elements.
struct Pointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>?
    init(_ p: UnsafeMutablePointer<Float>?) { base = p }
    subscript(i: Int) -> Float {
        get { base.unsafelyUnwrapped[i] }
        nonmutating set { base.unsafelyUnwrapped[i] = newValue }
    }
}

/// Runs `body` over `0..<n` split into contiguous ranges, one per core for large n.
func inChunks(_ n: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    guard n >= 1 << 16, cores > 1 else { body(0..<n); return }
    DispatchQueue.concurrentPerform(iterations: cores) { c in body((n * c / cores)..<(n * (c + 1) / cores)) }
}
