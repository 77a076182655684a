import Tensor

/// An Int or Float tensor from a lesson, so a figure can run the engine on either.
enum NumericTensor {
    case int(Tensor<Int>), float(Tensor<Float>)

    var shape: [Int] {
        switch self { case .int(let t): t.shape; case .float(let t): t.shape }
    }

    var matrix: NumberMatrix? {
        switch self { case .int(let t): NumberMatrix(t); case .float(let t): NumberMatrix(t) }
    }

    var asFloat: Tensor<Float> {
        switch self { case .int(let t): t.asFloat; case .float(let t): t }
    }

    /// Plane convolution (H,W) x (KH,KW) -> (OH,OW) by the engine; exact when both are Int.
    func conv2d(_ k: NumericTensor, stride: Int, padding: Padding) throws(TensorError) -> NumericTensor {
        if case .int(let a) = self, case .int(let b) = k {
            return .int(try a.conv2d(b, stride: (stride, stride), padding: padding))
        }
        return .float(try asFloat.conv2d(k.asFloat, stride: (stride, stride), padding: padding))
    }
}

extension FigureArguments {
    /// A tensor argument of either scalar type; nil when absent.
    func tensor(_ position: Int?, _ label: String) throws(FigureError) -> NumericTensor? {
        let v = request.labelled[label] ?? (position.flatMap { $0 < request.positional.count ? request.positional[$0] : nil })
        guard let v else { return nil }
        switch v {
        case .intTensor(let t): return .int(t)
        case .floatTensor(let t): return .float(t)
        default: throw FigureError("figure \"\(request.id)\": argument \(label) must be a tensor")
        }
    }

    /// A plane (H,W) tensor argument, or `fallback` when absent.
    func plane(_ position: Int?, _ label: String, default fallback: NumericTensor) throws(FigureError) -> NumericTensor {
        let t = try tensor(position, label) ?? fallback
        guard t.matrix != nil else {
            throw FigureError("figure \"\(request.id)\": argument \(label) must be a 2-D tensor (H,W), got \(formatShape(t.shape))")
        }
        return t
    }
}

/// Runs an engine call inside a figure, turning a shape error into a `FigureError` naming the figure.
func engine<T>(_ id: String, _ body: () throws(TensorError) -> T) throws(FigureError) -> T {
    do { return try body() } catch {
        throw FigureError("figure \"\(id)\": \(error.description)")
    }
}
