import Foundation

/// The closed list of primitive operations the tape records, each with its gradient rule.
///
/// Every tape operation (`Tape+Ops.swift`) is one of these or a composition of them with
/// `reshape`. Each case carries what its backward pass needs (saved inputs or outputs).
/// With upstream gradient g = dL/dy:
///
/// | primitive          | forward y                        | gradient rule                                       |
/// |--------------------|----------------------------------|-----------------------------------------------------|
/// | add(a, b)          | a + b (broadcast)                | da = unbroadcast(g), db = unbroadcast(g)            |
/// | subtract(a, b)     | a - b                            | da = unbroadcast(g), db = -unbroadcast(g)           |
/// | multiply(a, b)     | a * b                            | da = unbroadcast(g*b), db = unbroadcast(g*a)        |
/// | divide(a, b)       | a / b                            | da = unbroadcast(g/b), db = -unbroadcast(g*a/b^2)   |
/// | matmul(A, B)       | A B (2-D)                        | dA = g B^T, dB = A^T g                              |
/// | conv2d(x, K, b)    | conv(x, K) + b                   | dx = conv^T(g, K), dK = corr(x, g), db = sum g      |
/// |  ... fused ReLU    | max(conv(x, K) + b, 0)           | the same with g * (y > 0) for g                     |
/// | conv2dTranspose    | conv^T(y, K)                     | dy = conv2d(g, K), dK = corr(g, y)                  |
/// | maxPool            | window max                       | g routed to the winning cell                        |
/// | avgPool            | window mean over real cells      | g shared equally by the window's real cells         |
/// | relu(x)            | max(x, 0)                        | g * (y > 0)  (y > 0 exactly where x > 0)            |
/// | sigmoid(x)         | 1/(1+e^-x)                       | g * y * (1 - y)                                     |
/// | tanh(x)            | tanh x                           | g * (1 - y^2)                                       |
/// | softmax(x, axis)   | e^x / sum e^x                    | y * (g - sum(g*y, axis))                            |
/// | sum(x, axis)       | sum over axis                    | g broadcast back over axis                          |
/// | mean(x, axis)      | mean over axis                   | g broadcast back, / count                           |
/// | reshape(x)         | same elements                    | g reshaped back                                     |
/// | permute(x, axes)   | axes permuted                    | g permuted by the inverse                           |
/// | dropout(x, mask)   | x * mask                         | g * mask                                            |
/// | binaryCrossEntropy | mean -(t log p + (1-t) log(1-p)) | g (-(t/p) + (1-t)/(1-p)) / count, 0 where clipped   |
/// | categoricalCE      | mean_n -sum t logSoftmax(z)      | g (softmax(z) sum_k t - t) / N                      |
enum Primitive {
    case leaf
    case add(aShape: [Int], bShape: [Int])
    case subtract(aShape: [Int], bShape: [Int])
    case multiply(Tensor<Float>, Tensor<Float>)
    case divide(Tensor<Float>, Tensor<Float>)
    case matmul(Tensor<Float>, Tensor<Float>)
    case conv2d(x: Tensor<Float>, kernel: Tensor<Float>, hasBias: Bool, WindowGeometry, reluOutput: Tensor<Float>?)
    case conv2dTranspose(y: Tensor<Float>, kernel: Tensor<Float>, WindowGeometry)
    case maxPool(PoolWinners, inputShape: [Int])
    case avgPool(WindowGeometry, inputShape: [Int])
    case relu(output: Tensor<Float>)
    case sigmoid(output: Tensor<Float>)
    case tanh(output: Tensor<Float>)
    case softmax(output: Tensor<Float>, axis: Int)
    case sum(axis: Int?, inputShape: [Int])
    case mean(axis: Int?, inputShape: [Int])
    case reshape(inputShape: [Int])
    case permute(axes: [Int])
    case dropout(mask: Tensor<Float>)
    case binaryCrossEntropy(predictions: Tensor<Float>, targets: Tensor<Float>)
    case categoricalCrossEntropyFromLogits(logits: Tensor<Float>, targets: Tensor<Float>)

    /// dL/d(input i) for each input, given g = dL/dy; `needs[i]` false lets a rule skip input i
    /// (its entry is then any tensor, never used).
    func gradients(_ g: Tensor<Float>, needs: [Bool]) throws(TensorError) -> [Tensor<Float>] {
        let none = Tensor<Float>(shape: [0], scalars: [])
        func want(_ i: Int) -> Bool { i < needs.count && needs[i] }
        switch self {
        case .leaf:
            return []
        case let .add(a, b):
            return [want(0) ? try unbroadcast(g, to: a) : none, want(1) ? try unbroadcast(g, to: b) : none]
        case let .subtract(a, b):
            return [want(0) ? try unbroadcast(g, to: a) : none, want(1) ? try unbroadcast(g, to: b).negated() : none]
        case let .multiply(a, b):
            return [want(0) ? try unbroadcast(g.multiplying(b), to: a.shape) : none,
                    want(1) ? try unbroadcast(g.multiplying(a), to: b.shape) : none]
        case let .divide(a, b):
            return [want(0) ? try unbroadcast(g.dividing(b), to: a.shape) : none,
                    want(1) ? try unbroadcast(g.multiplying(a).dividing(b.multiplying(b)).negated(), to: b.shape) : none]
        case let .matmul(a, b):
            return [want(0) ? GEMM.product(g, b, transposeB: true) : none,
                    want(1) ? GEMM.product(a, g, transposeA: true) : none]
        case let .conv2d(x, k, hasBias, geometry, reluOutput):
            // A fused ReLU masks g first (inside the kernel gradient where it can).
            let wantBias = hasBias && want(2)
            let d = Conv2DKernels.backward(x, g, k, geometry, input: want(0), kernel: want(1), bias: wantBias, reluOutput: reluOutput)
            var out = [d.input ?? none, d.kernel ?? none]
            if hasBias { out.append(d.bias ?? none) }
            return out
        case let .conv2dTranspose(y, k, geometry):
            return [want(0) ? Conv2DKernels.forward(g, k, bias: nil, geometry) : none,
                    want(1) ? Conv2DKernels.kernelGradient(g, y, geometry).kernel : none]
        case let .maxPool(.indices(indices), inputShape):
            return [Tensor<Float>.maxPoolGradient(g, indices: indices, inputShape: inputShape)]
        case let .maxPool(.workspace(workspace, geometry), inputShape):
            return [Conv2DKernels.poolingBackward(g, geometry, inputShape: inputShape, max: true, workspace: workspace)]
        case let .avgPool(geometry, inputShape):
            if Conv2DKernels.poolingUsesOneDNN(inputShape, geometry) {
                return [Conv2DKernels.poolingBackward(g, geometry, inputShape: inputShape, max: false, workspace: nil)]
            }
            return [Tensor<Float>.avgPoolGradient(g, geometry, inputShape: inputShape)]
        case .relu(let y):
            // Saving the output, not the input, lets the input (a conv output) be freed.
            return [Tensor(shape: g.shape, scalars: LargeArray.reluGradient(g.scalars, y.scalars))]
        case .sigmoid(let y):
            return [Tensor(shape: g.shape, scalars: LargeArray.zipMap(g.scalars, y.scalars, SigmoidGradient.self))]
        case .tanh(let y):
            return [Tensor(shape: g.shape, scalars: LargeArray.zipMap(g.scalars, y.scalars, TanhGradient.self))]
        case let .softmax(y, axis):
            let gy = try g.multiplying(y)
            let s = try expandReduced(gy.sum(axis: axis), to: y.shape, axis: axis)
            return [try y.multiplying(g.subtracting(s))]
        case let .sum(axis, shape):
            return [try expandReduced(g, to: shape, axis: axis)]
        case let .mean(axis, shape):
            let n = axis.map { shape[$0 < 0 ? $0 + shape.count : $0] } ?? shape.reduce(1, *)
            // Divide the (smaller) reduced gradient, then spread it.
            return [try expandReduced(Tensor(shape: g.shape, scalars: g.scalars.map { $0 / Float(n) }), to: shape, axis: axis)]
        case .reshape(let shape):
            return [try g.reshaped(shape)]
        case .permute(let axes):
            var inverse = axes
            for (i, a) in axes.enumerated() { inverse[a] = i }
            return [try g.permuted(inverse)]
        case .dropout(let mask):
            return [Tensor(shape: g.shape, scalars: LargeArray.zipMap(g.scalars, mask.scalars, FloatProduct.self))]
        case let .binaryCrossEntropy(p, t):
            let eps = Tensor<Float>.crossEntropyEpsilon
            let scale = g.scalars[0] / Float(p.count)
            let d = (0..<p.count).map { i -> Float in
                let pi = p.scalars[i], ti = t.scalars[i]
                guard pi >= eps, pi <= 1 - eps else { return 0 }
                return scale * (-(ti / pi) + (1 - ti) / (1 - pi))
            }
            return [Tensor(shape: p.shape, scalars: d)]
        case let .categoricalCrossEntropyFromLogits(z, t):
            let s = try z.softmax(axis: -1)
            let (n, k) = (z.shape[0], z.shape[1])
            let scale = g.scalars[0] / Float(n)
            var d = [Float](repeating: 0, count: n * k)
            for r in 0..<n {
                var total: Float = 0
                for j in 0..<k { total += t.scalars[r * k + j] }
                for j in 0..<k { d[r * k + j] = scale * (s.scalars[r * k + j] * total - t.scalars[r * k + j]) }
            }
            return [Tensor(shape: z.shape, scalars: d)]
        }
    }
}

/// Which input cell won each window of a max pooling, as its backward pass needs it: flat
/// input indices (the plain loop) or oneDNN's workspace with the pooling's geometry.
enum PoolWinners {
    case indices([Int32])
    case workspace(OneDNN.PoolingWorkspace, WindowGeometry)
}

/// Sums a broadcast gradient back to the operand's own shape.
func unbroadcast(_ g: Tensor<Float>, to shape: [Int]) throws(TensorError) -> Tensor<Float> {
    if g.shape == shape { return g }
    var r = g
    while r.rank > shape.count { r = try r.sum(axis: 0) }
    for axis in 0..<shape.count where shape[axis] == 1 && r.shape[axis] != 1 {
        var s = r.shape
        s[axis] = 1
        r = try r.sum(axis: axis).reshaped(s)
    }
    return try r.reshaped(shape)
}

/// Repeats a reduced tensor (the input with `axis` removed, or a scalar) along that axis
/// back to `shape`.
func expandReduced(_ g: Tensor<Float>, to shape: [Int], axis: Int?) throws(TensorError) -> Tensor<Float> {
    guard let axis else {
        let v = g.scalars[0]
        return Tensor(shape: shape, scalars: LargeArray.make(shape.reduce(1, *)) { (p: UnsafeMutablePointer<Float>) in
            let box = UncheckedSendableBox(value: p)
            Parallel.forRanges(shape.reduce(1, *), minimumChunk: 1 << 16) { r in (box.value + r.lowerBound).initialize(repeating: v, count: r.count) }
        })
    }
    let a = axis < 0 ? axis + shape.count : axis
    let (outer, length, inner) = (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
    var out = [Float](repeating: 0, count: outer * length * inner)
    for o in 0..<outer { for k in 0..<length { for i in 0..<inner {
        out[(o * length + k) * inner + i] = g.scalars[o * inner + i]
    } } }
    return Tensor(shape: shape, scalars: out)
}
