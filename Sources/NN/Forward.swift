import Tensor

/// What a forward pass needs besides the input: whether it trains (Dropout is active) and the
/// seed of this step's dropout masks.
public struct ForwardContext: Sendable {
    public var training: Bool
    public var seed: UInt64
    public init(training: Bool, seed: UInt64 = 0) {
        self.training = training; self.seed = seed
    }
}

extension ActivationFunction {
    /// Applies the function on the tape (softmax along the last axis).
    public func apply(_ x: Variable, tape: Tape) throws(TensorError) -> Variable {
        switch self {
        case .linear: return x
        case .relu: return try tape.relu(x)
        case .sigmoid: return try tape.sigmoid(x)
        case .tanh: return try tape.tanh(x)
        case .softmax: return try tape.softmax(x, axis: -1)
        }
    }
}

extension Conv2D {
    public func forward(_ x: Variable, parameters p: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        // ReLU is fused into the convolution: one pass over the output instead of two.
        let fused = activation == .relu
        let y = try tape.conv2d(x, p[0], bias: useBias ? p[1] : nil, stride: strides, padding: padding, dilation: dilation,
                                relu: fused)
        return fused ? y : try activation.apply(y, tape: tape)
    }
}

extension MaxPooling2D {
    public func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        try tape.maxPool(x, size: poolSize, stride: strides, padding: padding)
    }
}

extension AveragePooling2D {
    public func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        try tape.avgPool(x, size: poolSize, stride: strides, padding: padding)
    }
}

extension GlobalAveragePooling2D {
    public func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        try tape.mean(try tape.mean(x, axis: 1), axis: 1)
    }
}

extension Dense {
    public func forward(_ x: Variable, parameters p: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        var y = try tape.matmul(x, p[0])
        if useBias { y = try tape.add(y, p[1]) }
        return try activation.apply(y, tape: tape)
    }
}

extension Dropout {
    /// Each Dropout layer draws its mask from the step's seed mixed with its position.
    public func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        guard context.training, rate > 0 else { return x }
        let seed = context.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
        return try tape.dropout(x, rate: rate, seed: seed)
    }
}

extension Flatten {
    public func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        try tape.flatten(x)
    }
}

extension Activation {
    public func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable {
        try function.apply(x, tape: tape)
    }
}

extension Input {
    public func forward(_ x: Variable, parameters: [Variable], tape: Tape, context: ForwardContext, index: Int) throws(TensorError) -> Variable { x }
}
