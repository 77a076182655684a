import Foundation

/// Activation functions: ReLU for both scalar types; sigmoid, tanh and softmax in Float.
extension Tensor {
    /// max(x, 0) element-wise; exact for `Int`.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Int)
    public func relu() -> Tensor {
        Scalar.rectify(self)
    }
}

extension Tensor where Scalar == Float {
    /// 1 / (1 + exp(-x)) element-wise, computed without overflow for large |x|.
    public func sigmoid() -> Tensor<Float> {
        Tensor(shape: shape, scalars: LargeArray.map(scalars) { x in
            x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        })
    }

    /// The hyperbolic tangent element-wise.
    public func tanh() -> Tensor<Float> {
        Tensor(shape: shape, scalars: LargeArray.map(scalars) { Foundation.tanh($0) })
    }

    /// exp(x - max) / sum(exp(x - max)) along `axis` (default the last): each slice sums to 1
    /// (within a few ulps). Subtracting the maximum keeps exp from overflowing.
    public func softmax(axis: Int = -1) throws(TensorError) -> Tensor<Float> {
        try alongSlices(axis, "softmax") { x, out, base, step, length in
            var m = -Float.infinity
            for k in 0..<length { m = Swift.max(m, x[base + k * step]) }
            var total: Float = 0
            for k in 0..<length {
                let e = Foundation.exp(x[base + k * step] - m)
                out[base + k * step] = e
                total += e
            }
            for k in 0..<length { out[base + k * step] /= total }
        }
    }

    /// log(softmax(x)) along `axis`, as x - max - log(sum(exp(x - max))).
    public func logSoftmax(axis: Int = -1) throws(TensorError) -> Tensor<Float> {
        try alongSlices(axis, "logSoftmax") { x, out, base, step, length in
            var m = -Float.infinity
            for k in 0..<length { m = Swift.max(m, x[base + k * step]) }
            var total: Float = 0
            for k in 0..<length { total += Foundation.exp(x[base + k * step] - m) }
            let lse = m + Foundation.log(total)
            for k in 0..<length { out[base + k * step] = x[base + k * step] - lse }
        }
    }

    /// Runs `body` on every 1-D slice along `axis`: the slice's elements are
    /// `x[base + k * step]` for k in 0..<length; `body` writes its results into `out`
    /// (which starts as a copy of the scalars).
    private func alongSlices(_ axis: Int, _ name: String,
                             _ body: (_ x: [Float], _ out: inout [Float], _ base: Int, _ step: Int, _ length: Int) -> Void) throws(TensorError) -> Tensor<Float> {
        guard rank > 0 else { throw .invalidArgument("\(name) needs at least one axis, got a scalar") }
        let a = try Tensor.normalizedAxis(axis, rank: rank, name)
        let (outer, length, inner) = (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
        let x = scalars
        var out = scalars
        for o in 0..<outer {
            for i in 0..<inner { body(x, &out, o * length * inner + i, inner, length) }
        }
        return Tensor(shape: shape, scalars: out)
    }
}
