import NN
import Tensor

extension TrainedModel {
    /// The position of a layer by name, or an error listing the layers there are.
    public func layerIndex(_ name: String) throws(InspectError) -> Int {
        guard let i = model.index(ofLayer: name) else {
            throw InspectError("model \(model.name) has no layer \(name); its layers: \(model.layers.map(\.name).joined(separator: ", "))")
        }
        return i
    }

    /// The first Conv2D of each block (the first after the input or after a pooling layer):
    /// the notebook's default choice of layers for feature maps.
    public var firstConvOfEachBlock: [String] {
        var out: [String] = []
        var previousWasConv = false
        for l in model.layers {
            let isConv = l.layer is Conv2D
            if isConv, !previousWasConv { out.append(l.name) }
            if isConv { previousWasConv = true } else if !(l.layer is Input) && !(l.layer is Activation) { previousWasConv = false }
        }
        return out
    }

    /// The last Conv2D layer's name (Grad-CAM's default), or nil.
    public var lastConv: String? { model.layers.last { $0.layer is Conv2D }?.name }

    /// The same model whose last Dense layer is linear: class scores before the softmax (or
    /// sigmoid), as keras-vis swaps the activation for class outputs and saliency.
    public func withLinearHead() throws(InspectError) -> TrainedModel {
        guard let last = model.layers.last, let d = last.layer as? Dense, d.activation != .linear else { return self }
        var layers = model.layers.map(\.layer)
        layers[layers.count - 1] = Dense(d.units, activation: .linear, useBias: d.useBias, name: last.name)
        do {
            let m = try Sequential(name: model.name, input: model.inputShape, layers: layers)
            return try TrainedModel(model: m, weights: weights, source: source, classNames: classNames, kind: kind)
        } catch let e as InspectError { throw e } catch { throw InspectError("\(error)") }
    }

    /// A copy with freshly drawn weights (glorot_uniform, zero biases, from `seed`): the
    /// randomized model of Adebayo et al.'s sanity check.
    public func reinitialized(seed: UInt64) throws(InspectError) -> TrainedModel {
        try TrainedModel(model: model, weights: .glorotUniform(for: model, seed: seed), source: source + " (re-initialized, seed \(seed))",
                         classNames: classNames, kind: kind)
    }

    /// A forward pass on a fresh tape with the input as a variable, up to and including layer
    /// `last`: the input variable, every layer's output variable, and the tape.
    func tapeForward(_ x: Tensor<Float>, through last: Int) throws(InspectError) -> (tape: Tape, input: Variable, outputs: [Variable]) {
        let tape = Tape()
        let xv = tape.variable(x)
        var h = xv
        var outs: [Variable] = []
        for i in 0...last {
            let l = model.layers[i]
            do {
                h = try l.layer.forward(h, parameters: weights.tensors[i].map { tape.constant($0) }, tape: tape,
                                        context: ForwardContext(training: false), index: i)
            } catch { throw InspectError("layer \(l.name) (\(l.typeName)): \(error)") }
            outs.append(h)
        }
        return (tape, xv, outs)
    }

    /// d(mean of channel `unit` of layer `layer`'s output)/d(input) at x (1, input shape...),
    /// and that mean. For a flat output (Dense) the unit is one output.
    public func unitGradient(_ x: Tensor<Float>, layer: Int, unit: Int) throws(InspectError) -> (value: Float, gradient: Tensor<Float>) {
        let (tape, xv, outs) = try tapeForward(x, through: layer)
        let y = outs[layer]
        let channels = y.shape.last ?? 0
        guard unit >= 0, unit < channels else {
            throw InspectError("layer \(model.layers[layer].name) has \(channels) \(y.shape.count > 2 ? "filters" : "units") (0-\(channels - 1)), not \(unit)")
        }
        let positions = y.tensor.count / channels
        var seed = [Float](repeating: 0, count: y.tensor.count)
        var value: Float = 0
        for p in 0..<positions {
            seed[p * channels + unit] = 1 / Float(positions)
            value += y.tensor.scalars[p * channels + unit]
        }
        do {
            let g = try tape.gradients(of: y, seed: Tensor(shape: y.shape, scalars: seed), wrt: [xv])[0]
            return (value / Float(positions), g)
        } catch { throw InspectError("\(error)") }
    }
}
