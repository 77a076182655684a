import Tensor

extension Sequential {
    /// The forward pass on a tape: x (N, input shape...) -> (N, output shape...), layer by layer.
    ///
    /// `parameters[i]` are layer i's weights as tape variables (kernel, bias). Throws when the
    /// batch does not have the model's input shape.
    public func forward(_ x: Variable, parameters: [[Variable]], tape: Tape, context: ForwardContext) throws(NNError) -> Variable {
        guard x.tensor.rank == inputShape.count + 1, Array(x.tensor.shape.dropFirst()) == inputShape else {
            throw .invalidModel("model \(name) takes batches Nx\(formatShape(inputShape)), got \(formatShape(x.tensor.shape))")
        }
        guard parameters.count == layers.count else {
            throw .invalidModel("model \(name) has \(layers.count) layers but \(parameters.count) parameter lists were given")
        }
        var h = x
        for (i, l) in layers.enumerated() {
            do {
                h = try l.layer.forward(h, parameters: parameters[i], tape: tape, context: context, index: i)
            } catch {
                throw .invalidModel("layer \(l.name) (\(l.typeName)): \(error)")
            }
        }
        return h
    }

    /// Inference on a batch x (N, input shape...) -> (N, output shape...), Dropout off.
    public func predict(_ x: Tensor<Float>, weights: ModelWeights) throws(NNError) -> Tensor<Float> {
        try weights.check(against: self)
        let tape = Tape()
        let params = weights.tensors.map { $0.map { tape.constant($0) } }
        return try forward(tape.constant(x), parameters: params, tape: tape, context: ForwardContext(training: false)).tensor
    }
}

extension Sequential {
    /// Every layer's output for a batch x (N, input shape...), Dropout off: element i is
    /// layer i's (N, output shape...), e.g. the feature maps of each Conv2D.
    public func activations(of x: Tensor<Float>, weights: ModelWeights) throws(NNError) -> [Tensor<Float>] {
        try weights.check(against: self)
        guard x.rank == inputShape.count + 1, Array(x.shape.dropFirst()) == inputShape else {
            throw .invalidModel("model \(name) takes batches Nx\(formatShape(inputShape)), got \(formatShape(x.shape))")
        }
        let tape = Tape()
        var h = tape.constant(x)
        var out: [Tensor<Float>] = []
        for (i, l) in layers.enumerated() {
            do {
                h = try l.layer.forward(h, parameters: weights.tensors[i].map { tape.constant($0) }, tape: tape,
                                  context: ForwardContext(training: false), index: i)
            } catch {
                throw .invalidModel("layer \(l.name) (\(l.typeName)): \(error)")
            }
            out.append(h.tensor)
        }
        return out
    }
}

extension ModelWeights {
    /// Keras' default initialisation: glorot_uniform kernels, U(-l, l) with
    /// l = sqrt(6 / (fan_in + fan_out)), and zero biases.
    ///
    /// Conv kernels (KH,KW,CIN,COUT) have fan_in = KH*KW*CIN, fan_out = KH*KW*COUT; dense
    /// kernels (IN,OUT) fan_in = IN, fan_out = OUT. Layer i draws from the engine's generator
    /// seeded with `seed + i * 0x9E3779B97F4A7C15` (wrapping), as (2u - 1) * l for u in [0, 1).
    public static func glorotUniform(for model: Sequential, seed: UInt64) -> ModelWeights {
        ModelWeights(tensors: model.layers.enumerated().map { i, l in
            l.parameterShapes.enumerated().map { j, shape in
                if j == 1 || shape.count < 2 { return Tensor(repeating: 0, shape: shape) }
                let receptive = shape.dropLast(2).reduce(1, *)
                let fanIn = receptive * shape[shape.count - 2], fanOut = receptive * shape[shape.count - 1]
                let limit = (6 / Float(fanIn + fanOut)).squareRoot()
                let u = Tensor<Float>.random(shape: shape, seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
                return Tensor(shape: shape, scalars: u.scalars.map { (2 * $0 - 1) * limit })
            }
        })
    }
}
