import Foundation

/// Activation functions: ReLU for both scalar types; sigmoid, tanh and softmax in Float.
extension Tensor {
    /// max(x, 0) element-wise; exact for `Int`.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Int)
    public func relu() -> Tensor {
        if let x = self as? Tensor<Float>,
           let y = Tensor<Float>(shape: shape, scalars: LargeArray.relu(x.scalars)) as? Tensor {
            return y
        }
        return Tensor(shape: shape, scalars: scalars.map { $0 > .zero ? $0 : .zero })
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
        guard rank > 0 else { throw .invalidArgument("softmax needs at least one axis, got a scalar") }
        let a = try Tensor.normalizedAxis(axis, rank: rank, "softmax")
        let (outer, length, inner) = (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
        var out = scalars
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var m = -Float.infinity
                for k in 0..<length { m = Swift.max(m, scalars[base + k * inner]) }
                var total: Float = 0
                for k in 0..<length {
                    let e = Foundation.exp(scalars[base + k * inner] - m)
                    out[base + k * inner] = e
                    total += e
                }
                for k in 0..<length { out[base + k * inner] /= total }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// log(softmax(x)) along `axis`, as x - max - log(sum(exp(x - max))).
    public func logSoftmax(axis: Int = -1) throws(TensorError) -> Tensor<Float> {
        guard rank > 0 else { throw .invalidArgument("logSoftmax needs at least one axis, got a scalar") }
        let a = try Tensor.normalizedAxis(axis, rank: rank, "logSoftmax")
        let (outer, length, inner) = (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
        var out = scalars
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var m = -Float.infinity
                for k in 0..<length { m = Swift.max(m, scalars[base + k * inner]) }
                var total: Float = 0
                for k in 0..<length { total += Foundation.exp(scalars[base + k * inner] - m) }
                let lse = m + Foundation.log(total)
                for k in 0..<length { out[base + k * inner] = scalars[base + k * inner] - lse }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}
