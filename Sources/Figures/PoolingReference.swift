import Tensor

/// Max pooling of a plane for figure defaults: window k x k, stride k, 'valid' (Keras' floor rule).
///
/// Output positions come from the engine's `WindowGeometry`; lessons pass the engine's own
/// `maxPool` result as the figure's `output` argument, and a figure test holds the two equal.
enum PoolingReference {
    static func maxPool(_ x: NumericTensor, size k: Int) throws(TensorError) -> NumericTensor {
        switch x {
        case .int(let t): return .int(try pool(t, k))
        case .float(let t): return .float(try pool(t, k))
        }
    }

    static func pool<S: TensorScalar>(_ t: Tensor<S>, _ k: Int) throws(TensorError) -> Tensor<S> {
        guard t.rank == 2 else { throw .shapeMismatch("max pool of a plane needs (H,W), got \(formatShape(t.shape))") }
        let g = try WindowGeometry(inputHeight: t.shape[0], inputWidth: t.shape[1], kernelHeight: k, kernelWidth: k, stride: (k, k), padding: .valid)
        var out = [S]()
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                var best = t[[g.inputRow(oy, 0), g.inputColumn(ox, 0)]]
                for ky in 0..<k {
                    for kx in 0..<k { best = Swift.max(best, t[[g.inputRow(oy, ky), g.inputColumn(ox, kx)]]) }
                }
                out.append(best)
            }
        }
        return Tensor(shape: [g.outputHeight, g.outputWidth], scalars: out)
    }
}
