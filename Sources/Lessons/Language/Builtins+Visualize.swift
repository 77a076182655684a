import Foundation
import Inspect
import NN
import Tensor

/// Looking inside a trained model from cells (issue 13): `load_model`, `features`,
/// `filter_pattern`, `class_output`, `unit_activation`, `saliency`, `gradcam`,
/// `gradcam_weights`, `reinitialize`, `rank_correlation`. Each returns tensors (or a trained
/// model), which `figure(...)` then draws; nothing here looks a model up by name.
///
/// Images are the model's input without the batch axis, (H, W, C): an Int tensor of bytes
/// (from `load("x.png")`, divided by 255 here as training does) or Floats already in [0, 1].
enum VisualizeBuiltins {
    typealias Run = @Sendable (CallArguments, Interpreter) throws(LessonError) -> Value

    /// name, signature, positional range, labels and the implementation of every builtin here,
    /// each run on the engine's portable plain loops (as lessons train): the numbers a cell
    /// prints are the same bits on every x86-64 machine.
    static let entries: [(String, String, ClosedRange<Int>, [String], Run)] = definitions.map { d in
        let run = d.4
        return (d.0, d.1, d.2, d.3, { a, it throws(LessonError) in try Engine.portably { () throws(LessonError) in try run(a, it) } })
    }

    static let definitions: [(String, String, ClosedRange<Int>, [String], Run)] = [
        ("load_model", "load_model(\"run folder\" or \"weights.h5\", model: \"tutorial\", input: \"28x28x1\")", 1...1, ["model", "input"], loadModel),
        ("features", "features(m, image, layer: \"conv_1\")", 2...2, ["layer"], features),
        ("filter_pattern", "filter_pattern(m, layer: \"conv_1\", filter: 0, steps: 200, seed: 1, lp: 0.1, tv: 0.1, jitter: 1, blur: false, raw: false, trace: false)", 1...1, ascentLabels + ["layer", "filter"], filterPattern),
        ("class_output", "class_output(m, class: 0, steps: 200, seed: 1, lp: 0.1, tv: 0.1, jitter: 1, blur: false, raw: false, trace: false)", 1...1, ascentLabels + ["class"], classOutput),
        ("unit_activation", "unit_activation(m, image, layer: \"conv_1\", unit: 0)", 2...2, ["layer", "unit"], unitActivation),
        ("saliency", "saliency(m, image, class: 0, smooth: 0, seed: 1)", 2...2, ["class", "smooth", "seed"], saliency),
        ("gradcam", "gradcam(m, image, class: 0, layer: \"conv_4\")", 2...2, ["class", "layer"], { a, it throws(LessonError) in try gradcam(a, it, weightsOnly: false) }),
        ("gradcam_weights", "gradcam_weights(m, image, class: 0, layer: \"conv_4\")", 2...2, ["class", "layer"], { a, it throws(LessonError) in try gradcam(a, it, weightsOnly: true) }),
        ("reinitialize", "reinitialize(m, seed: 1)", 1...1, ["seed"], reinitialize),
        ("rank_correlation", "rank_correlation(a, b)", 2...2, [], rankCorrelationBuiltin),
    ]

    /// One line each for `:help` (merged into `Builtins.summaries`).
    static let summaries: [String: String] = [
        "load_model": "a trained model: a run folder or a Keras .h5, .weights.h5 or .keras file",
        "features": "one layer's feature maps (H, W, C) for an image",
        "filter_pattern": "the input that most excites one filter, by regularized gradient ascent",
        "class_output": "the input that most raises one class score (before the softmax)",
        "unit_activation": "the mean activation of one filter (or unit) of a layer for an image",
        "saliency": "|d class score / d pixel| for an image (smooth: n for SmoothGrad)",
        "gradcam": "Grad-CAM: where the last conv layer's evidence for a class lies, at image size",
        "gradcam_weights": "Grad-CAM's channel weights: the mean gradient of the score per map",
        "reinitialize": "the same model with fresh glorot_uniform weights (the sanity check)",
        "rank_correlation": "Spearman's rank correlation of two tensors' values",
    ]

    static let ascentLabels = ["steps", "seed", "lp", "tv", "jitter", "blur", "raw", "trace"]

    /// The pattern as shown (keras-vis' deprocessed image); with `raw: true` the input the
    /// model saw (u * inputScale), which `unit_activation` can score; with `trace: true` the
    /// total loss before each step (a 1-D tensor of `steps` values).
    static func shown(_ p: FilterPattern, _ a: CallArguments, _ s: ActivationMaximization) throws(LessonError) -> Value {
        let raw = try a.labelled("raw", default: false) { (v, w, l) throws(LessonError) in try a.bool(v, w, l) }
        let trace = try a.labelled("trace", default: false) { (v, w, l) throws(LessonError) in try a.bool(v, w, l) }
        if trace { return .floatTensor(Tensor(shape: [p.losses.count], scalars: p.losses)) }
        return .floatTensor(raw ? Tensor(shape: p.raw.shape, scalars: p.raw.scalars.map { $0 * s.inputScale }) : p.image)
    }

    static func describe(_ n: TrainedModel) -> String {
        "trained model \"\(n.model.name)\" from \(n.source) (\(n.kind)): \(n.model.layers.count) layers, input \(formatShape(n.model.inputShape)), output \(formatShape(n.model.outputShape)), \(n.weights.parameterCount) weights"
    }

    static func fail(_ e: InspectError, _ loc: SourceLocation) -> LessonError { LessonError(e.message, at: loc, hint: e.hint) }

    static func network(_ a: CallArguments) throws(LessonError) -> TrainedModel {
        let (v, loc) = a.positional[0]
        guard case .network(let n) = v else { throw a.wrongType("the model", "a trained model from load_model(...)", v, loc) }
        return n
    }

    static func loadModel(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (v, loc) = a.positional[0]
        let name = try a.string(v, "the run folder or weight file", loc)
        let path = name.hasPrefix("/") ? name : (it.baseDirectory as NSString).appendingPathComponent(name)
        let model = try a.labelled("model", default: nil as String?) { (v, w, l) throws(LessonError) in try a.string(v, w, l) }
        let input = try a.labelled("input", default: nil as [Int]?) { (v, w, l) throws(LessonError) in
            do { return try parseShape(try a.string(v, w, l)) } catch { throw LessonError("load_model: \(error)", at: l) }
        }
        do {
            let modelPath = model.map { m in m.hasSuffix(".txt") && !m.hasPrefix("/") ? (it.baseDirectory as NSString).appendingPathComponent(m) : m }
            let t = try TrainedModel.open(path, model: modelPath, input: input)
            // Named as the cell wrote it, so the printed value does not depend on the folder.
            return .network(try TrainedModel(model: t.model, weights: t.weights, source: name, classNames: t.classNames, kind: t.kind))
        } catch { throw fail(error, loc) }
    }

    /// The image argument at position i as a batch of one (1, H, W, C) for `n`.
    static func image(_ a: CallArguments, _ i: Int, for n: TrainedModel) throws(LessonError) -> Tensor<Float> {
        let (x, loc) = try a.tensor(i, "image")
        let t: Tensor<Float>
        switch x {
        case .int(let bytes): t = Tensor(shape: bytes.shape, scalars: bytes.scalars.map { Float($0) / 255 })
        case .float(let f): t = f
        }
        guard t.shape == n.model.inputShape else {
            throw LessonError("\(a.function): the image is \(formatShape(t.shape)) but the model takes \(formatShape(n.model.inputShape))", at: loc,
                              hint: "load an image of the model's size, e.g. load(\"fashion-mnist-train-1-tshirt.png\") for a 28x28x1 model")
        }
        return Tensor(shape: [1] + t.shape, scalars: t.scalars)
    }

    static func string(_ a: CallArguments, _ label: String) throws(LessonError) -> String? {
        try a.labelled(label, default: nil as String?) { (v, w, l) throws(LessonError) in try a.string(v, w, l) }
    }

    static func int(_ a: CallArguments, _ label: String, _ d: Int) throws(LessonError) -> Int {
        try a.labelled(label, default: d) { (v, w, l) throws(LessonError) in try a.int(v, w, l) }
    }

    static func features(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let n = try network(a)
        let x = try image(a, 1, for: n)
        guard let layer = try string(a, "layer") else { throw LessonError("features needs layer: \"NAME\"", at: a.location, hint: "usage: \(a.signature)") }
        do { return .floatTensor(try n.featureMaps(x, layers: [layer])[0].maps) } catch { throw fail(error, a.location) }
    }

    static func settings(_ a: CallArguments, _ n: TrainedModel) throws(LessonError) -> ActivationMaximization {
        var s = ActivationMaximization.light(side: n.model.inputShape.first ?? 1)
        s.steps = try int(a, "steps", 200)
        guard s.steps >= 1, s.steps <= 10_000 else { throw LessonError("\(a.function): steps must be 1-10000, got \(s.steps)", at: a.location) }
        let seed = try int(a, "seed", 1)
        guard seed >= 0 else { throw LessonError("\(a.function): seed must not be negative", at: a.location) }
        s.seed = UInt64(seed)
        s.lpWeight = try a.labelled("lp", default: s.lpWeight) { (v, w, l) throws(LessonError) in try a.float(v, w, l) }
        s.tvWeight = try a.labelled("tv", default: s.tvWeight) { (v, w, l) throws(LessonError) in try a.float(v, w, l) }
        s.jitter = try int(a, "jitter", s.jitter)
        guard s.jitter >= 0, s.jitter < (n.model.inputShape.first ?? 1) else { throw LessonError("\(a.function): jitter must be 0 to the image side - 1", at: a.location) }
        s.blur = try a.labelled("blur", default: false) { (v, w, l) throws(LessonError) in try a.bool(v, w, l) }
        return s
    }

    static func filterPattern(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let n = try network(a)
        guard let layer = try string(a, "layer") else { throw LessonError("filter_pattern needs layer: \"NAME\"", at: a.location, hint: "usage: \(a.signature)") }
        let s = try settings(a, n)
        let filter = try int(a, "filter", 0)
        let p: FilterPattern
        do { p = try n.filterPattern(layer: layer, unit: filter, settings: s) } catch { throw fail(error, a.location) }
        return try shown(p, a, s)
    }

    static func classOutput(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let n = try network(a)
        let s = try settings(a, n)
        let c = try int(a, "class", 0)
        let p: FilterPattern
        do {
            let linear = try n.withLinearHead()
            p = try linear.filterPattern(layer: linear.model.layers.last!.name, unit: c, settings: s)
        } catch { throw fail(error, a.location) }
        return try shown(p, a, s)
    }

    static func unitActivation(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let n = try network(a)
        let x = try image(a, 1, for: n)
        guard let layer = try string(a, "layer") else { throw LessonError("unit_activation needs layer: \"NAME\"", at: a.location, hint: "usage: \(a.signature)") }
        let unit = try int(a, "unit", 0)
        do { return .float(try n.unitGradient(x, layer: try n.layerIndex(layer), unit: unit).value) } catch { throw fail(error, a.location) }
    }

    static func saliency(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let n = try network(a)
        let x = try image(a, 1, for: n)
        let c = try int(a, "class", 0), smooth = try int(a, "smooth", 0), seed = try int(a, "seed", 1)
        guard smooth >= 0, smooth <= 1000, seed >= 0 else { throw LessonError("saliency: smooth must be 0-1000 and seed not negative", at: a.location) }
        do {
            return .floatTensor(smooth == 0 ? try n.saliency(x, classIndex: c) : try n.smoothGrad(x, classIndex: c, samples: smooth, seed: UInt64(seed)))
        } catch { throw fail(error, a.location) }
    }

    static func gradcam(_ a: CallArguments, _ it: Interpreter, weightsOnly: Bool) throws(LessonError) -> Value {
        let n = try network(a)
        let x = try image(a, 1, for: n)
        let c = try int(a, "class", 0), layer = try string(a, "layer")
        do {
            let cam = try n.gradCAM(x, classIndex: c, layer: layer)
            return .floatTensor(weightsOnly ? Tensor(shape: [cam.channelWeights.count], scalars: cam.channelWeights) : cam.map)
        } catch { throw fail(error, a.location) }
    }

    static func reinitialize(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let n = try network(a)
        let seed = try int(a, "seed", 1)
        guard seed >= 0 else { throw LessonError("reinitialize: seed must not be negative", at: a.location) }
        do { return .network(try n.reinitialized(seed: UInt64(seed))) } catch { throw fail(error, a.location) }
    }

    static func rankCorrelationBuiltin(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (x, xl) = try a.tensor(0, "a"), (y, _) = try a.tensor(1, "b")
        guard x.shape == y.shape else { throw LessonError("rank_correlation: a is \(formatShape(x.shape)) but b is \(formatShape(y.shape))", at: xl) }
        guard let r = rankCorrelation(x.asFloat.scalars, y.asFloat.scalars) else {
            throw LessonError("rank_correlation: a constant tensor has no ranks to correlate", at: xl)
        }
        return .float(Float(r))
    }
}
