import Foundation
import Tensor

/// One builtin function of the cell language, described once: how it is called, its value
/// implementation, and (optionally) how `grad` records it on the tape and which sliding window
/// `step` walks through. `grad` (Interpreter+Gradient.swift) and `step` read these fields, so a
/// new differentiable builtin is one entry in `Builtins.table`.
struct Builtin: Sendable {
    /// How it is called, shown in hints: `conv2d(x, k, bias:, stride:, padding:, dilation:)`.
    let signature: String
    /// How many positional arguments it takes.
    let positional: ClosedRange<Int>
    /// The labels it accepts; nil = any (for `figure`, whose figures check their own).
    let labels: [String]?
    let run: @Sendable (CallArguments, Interpreter) throws(LessonError) -> Value
    /// How `grad` records a call on the tape; nil = grad says it cannot differentiate through it.
    var tape: TapeForm? = nil
    /// The sliding window `step` walks through; nil = not steppable.
    var step: WindowCall.Kind? = nil
}

/// How a builtin is recorded on `grad`'s tape.
struct TapeForm: Sendable {
    /// The positional arguments gradients flow through (recorded on the tape, so they may
    /// depend on grad's `wrt`); nil = all. The others are only read as values from the call.
    var operands: Set<Int>?
    /// Labelled arguments gradients flow through too (conv2d's `bias`).
    var labels: Set<String>
    /// Records the call: the operands are already on the tape.
    let record: @Sendable (TapeCall) throws(LessonError) -> Variable

    init(operands: Set<Int>? = nil, labels: Set<String> = [], _ record: @escaping @Sendable (TapeCall) throws(LessonError) -> Variable) {
        self.operands = operands
        self.labels = labels
        self.record = record
    }

    /// One engine op of the first operand, e.g. `TapeForm.unary { t, x in try t.relu(x) }`.
    static func unary(_ op: @escaping @Sendable (Tape, Variable) throws(TensorError) -> Variable) -> TapeForm {
        TapeForm(operands: [0]) { c throws(LessonError) in try c.engine { () throws(TensorError) in try op(c.tape, c.x) } }
    }

    /// A sliding-window call on the tape, its geometry read from the bound call.
    static func window(_ kind: WindowCall.Kind) -> TapeForm {
        TapeForm(operands: kind == .conv2d || kind == .conv2dTranspose ? [0, 1] : [0], labels: kind == .conv2d ? ["bias"] : []) { c throws(LessonError) in
            let w = try WindowCall(c.call, kind: kind)
            let (t, x) = (c.tape, c.x)
            return try c.engine { () throws(TensorError) -> Variable in
                switch kind {
                case .conv2d: return try t.conv2d(x, c.operand(1), bias: c.labelled["bias"], stride: w.stride, padding: w.padding, dilation: w.dilation)
                case .conv2dTranspose: return try t.conv2dTranspose(x, c.operand(1), stride: w.stride, padding: w.padding, dilation: w.dilation)
                case .maxPool: return try t.maxPool(x, size: w.size, stride: w.stride, padding: w.padding)
                case .avgPool: return try t.avgPool(x, size: w.size, stride: w.stride, padding: w.padding)
                }
            }
        }
    }
}

/// A builtin call as `grad` records it: the tape, the bound call (labels and types checked,
/// every argument evaluated) and the operands already recorded on the tape.
struct TapeCall {
    let tape: Tape
    let call: CallArguments
    /// The recorded positional operands, by position.
    let operands: [Int: Variable]
    /// The recorded labelled operands, by label.
    let labelled: [String: Variable]
    let location: SourceLocation

    /// The first operand (every tape form has one).
    var x: Variable { operands[0] ?? tape.constant(Tensor(scalar: 0)) }
    func operand(_ i: Int) -> Variable { operands[i] ?? tape.constant(Tensor(scalar: 0)) }

    /// Runs engine calls, their errors at the call's location.
    func engine<T>(_ body: () throws(TensorError) -> T) throws(LessonError) -> T {
        try Lessons.engine(at: location, body)
    }
}

/// The builtin functions, by name.
enum Builtins {
    /// The builtins grad can differentiate through, sorted (for hints).
    static let differentiable: [String] = table.filter { $0.value.tape != nil }.keys.sorted()
    /// The builtins step can walk through, sorted.
    static let steppable: [String] = table.filter { $0.value.step != nil }.keys.sorted()

    static let table: [String: Builtin] = {
        var t: [String: Builtin] = [:]
        func add(_ name: String, _ sig: String, _ pos: ClosedRange<Int>, _ labels: [String]? = [],
                 tape: TapeForm? = nil, step: WindowCall.Kind? = nil,
                 _ run: @escaping @Sendable (CallArguments, Interpreter) throws(LessonError) -> Value) {
            t[name] = Builtin(signature: sig, positional: pos, labels: labels, run: run, tape: tape, step: step)
        }
        // Looking inside a trained model (Builtins+Visualize.swift).
        for (name, sig, pos, labels, run) in VisualizeBuiltins.entries { add(name, sig, pos, labels, run) }
        // Sliding windows: grad records them, step walks through them.
        add("conv2d", "conv2d(x, k, bias: b, stride: s, padding: p, dilation: d)", 2...2, ["bias", "stride", "padding", "dilation"],
            tape: .window(.conv2d), step: .conv2d) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .conv2d).evaluate()
        }
        add("conv2d_transpose", "conv2d_transpose(x, k, stride: s, padding: p, dilation: d)", 2...2, ["stride", "padding", "dilation"],
            tape: .window(.conv2dTranspose), step: .conv2dTranspose) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .conv2dTranspose).evaluate()
        }
        add("maxpool", "maxpool(x, size: k, stride: s, padding: p)", 1...1, ["size", "stride", "padding"],
            tape: .window(.maxPool), step: .maxPool) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .maxPool).evaluate()
        }
        add("avgpool", "avgpool(x, size: k, stride: s, padding: p)", 1...1, ["size", "stride", "padding"],
            tape: .window(.avgPool), step: .avgPool) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .avgPool).evaluate()
        }
        // Activations.
        add("relu", "relu(x)", 1...1, tape: .unary { t, x throws(TensorError) in try t.relu(x) }) { a, _ throws(LessonError) in try Elementwise.relu(a) }
        add("sigmoid", "sigmoid(x)", 1...1, tape: .unary { t, x throws(TensorError) in try t.sigmoid(x) }) { a, _ throws(LessonError) in
            try Elementwise.floatOnly(a) { $0.sigmoid() }
        }
        add("tanh", "tanh(x)", 1...1, tape: .unary { t, x throws(TensorError) in try t.tanh(x) }) { a, _ throws(LessonError) in
            try Elementwise.floatOnly(a) { $0.tanh() }
        }
        add("softmax", "softmax(x, axis: -1)", 1...1, ["axis"], tape: TapeForm(operands: [0]) { c throws(LessonError) in
            let axis = try c.call.labelled("axis", default: -1, c.call.int)
            return try c.engine { () throws(TensorError) in try c.tape.softmax(c.x, axis: axis) }
        }) { a, _ throws(LessonError) in try Elementwise.softmax(a) }
        add("dropout", "dropout(x, rate: r, training: true, seed: n)", 1...1, ["rate", "training", "seed"], tape: TapeForm(operands: [0]) { c throws(LessonError) in
            guard let (r, rLoc) = c.call.labelled["rate"] else { throw LessonError("dropout needs a rate", at: c.location) }
            let rate = try c.call.float(r, "rate", rLoc)
            let training = try c.call.labelled("training", default: true, c.call.bool)
            let seed = try c.call.labelled("seed", default: Int(Dropout.defaultSeed), c.call.int)
            guard seed >= 0 else { throw LessonError("dropout: seed must not be negative, got \(seed)", at: c.location) }
            return try c.engine { () throws(TensorError) in try c.tape.dropout(c.x, rate: rate, training: training, seed: UInt64(seed)) }
        }) { a, _ throws(LessonError) in
            try Elementwise.dropout(a)
        }
        // Choosing by a comparison (Builtins+Where.swift); gradients flow through a and b.
        add("where", "where(cond, a, b)", 3...3, tape: Selection.tape) { a, _ throws(LessonError) in try Selection.choose(a) }
        // Shapes and layout.
        add("flatten", "flatten(x)", 1...1, tape: .unary { t, x throws(TensorError) in try t.flatten(x) }) { a, _ throws(LessonError) in try Layout.flatten(a) }
        add("reshape", "reshape(x, [dims])", 2...2, tape: TapeForm(operands: [0]) { c throws(LessonError) in
            let (d, dLoc) = c.call.positional[1]
            let dims = try c.call.ints(d, "the new shape", dLoc)
            return try c.engine { () throws(TensorError) in try c.tape.reshape(c.x, dims) }
        }) { a, _ throws(LessonError) in try Layout.reshape(a) }
        add("transpose", "transpose(x)", 1...1, tape: .unary { t, x throws(TensorError) in try t.transpose(x) }) { a, _ throws(LessonError) in try Layout.transpose(a) }
        add("pad", "pad(x, p, value: v)", 2...2, ["value"]) { a, _ throws(LessonError) in try Layout.pad(a) }
        add("shape", "shape(x)", 1...1) { a, _ throws(LessonError) in try Layout.shape(a) }
        add("zeros", "zeros([dims])", 1...1) { a, _ throws(LessonError) in try Layout.filled(a, 0) }
        add("ones", "ones([dims])", 1...1) { a, _ throws(LessonError) in try Layout.filled(a, 1) }
        add("random", "random([dims], seed: n)", 1...1, ["seed"]) { a, _ throws(LessonError) in try Layout.random(a) }
        add("float", "float(x)", 1...1) { a, _ throws(LessonError) in Value.wrap(try a.numeric(0, "x").0.asFloat) }
        add("floor", "floor(x)", 1...1) { a, _ throws(LessonError) in try Rounding.round(a, .down) }
        add("ceil", "ceil(x)", 1...1) { a, _ throws(LessonError) in try Rounding.round(a, .up) }
        // Reductions.
        add("sum", "sum(x, axis: a)", 1...1, ["axis"], tape: Reductions.tape(mean: false)) { a, _ throws(LessonError) in try Reductions.reduce(a, .sum) }
        add("mean", "mean(x, axis: a)", 1...1, ["axis"], tape: Reductions.tape(mean: true)) { a, _ throws(LessonError) in try Reductions.reduce(a, .mean) }
        add("max", "max(x, axis: a)", 1...1, ["axis"]) { a, _ throws(LessonError) in try Reductions.reduce(a, .max) }
        add("argmax", "argmax(x, axis: a)", 1...1, ["axis"]) { a, _ throws(LessonError) in try Reductions.reduce(a, .argmax) }
        // Element-wise maths and the smallest value (Builtins+Math.swift).
        add("abs", "abs(x)", 1...1) { a, _ throws(LessonError) in try MathBuiltins.abs(a) }
        add("sqrt", "sqrt(x)", 1...1) { a, _ throws(LessonError) in
            try MathBuiltins.float(a, { $0.squareRoot() }, domain: { $0 < 0 ? "\($0) is negative" : nil })
        }
        add("exp", "exp(x)", 1...1) { a, _ throws(LessonError) in try MathBuiltins.float(a, { Foundation.exp($0) }) }
        add("log", "log(x)", 1...1) { a, _ throws(LessonError) in
            try MathBuiltins.float(a, { Foundation.log($0) }, domain: { $0 <= 0 ? "\($0) is not above 0" : nil })
        }
        add("round", "round(x)", 1...1) { a, _ throws(LessonError) in try MathBuiltins.round(a) }
        add("clip", "clip(x, low, high)", 3...3) { a, _ throws(LessonError) in try MathBuiltins.clip(a) }
        add("min", "min(x, axis: a)", 1...1, ["axis"]) { a, _ throws(LessonError) in try MathBuiltins.minimum(a, index: false) }
        add("argmin", "argmin(x, axis: a)", 1...1, ["axis"]) { a, _ throws(LessonError) in try MathBuiltins.minimum(a, index: true) }
        add("concat", "concat(a, b, ..., axis: n)", 1...64, ["axis"]) { a, _ throws(LessonError) in try CombineBuiltins.concat(a) }
        add("stack", "stack(a, b, ..., axis: n)", 1...64, ["axis"]) { a, _ throws(LessonError) in try CombineBuiltins.stack(a) }
        add("grid", "grid(m1, m2, ..., gap: 1) or grid(volume)", 1...64, ["gap"]) { a, _ throws(LessonError) in try CombineBuiltins.grid(a) }
        add("normalize", "normalize(x)", 1...1) { a, _ throws(LessonError) in try PictureBuiltins.normalize(a) }
        add("upscale", "upscale(x, n)", 2...2) { a, _ throws(LessonError) in try PictureBuiltins.upscale(a) }
        // Evaluated by Interpreter.help, which takes the name unevaluated; the entry gives
        // it a signature and a place in the table.
        add("help", "help(NAME)", 1...1) { a, _ throws(LessonError) in
            throw LessonError("help must be called directly, as help(NAME)", at: a.location)
        }
        // Training on real images (module Training; cells train on the portable plain loops).
        add("dataset", TrainingBuiltins.datasetSignature, 1...1, TrainingBuiltins.datasetLabels) { a, it throws(LessonError) in try TrainingBuiltins.dataset(a, it) }
        add("train", TrainingBuiltins.trainSignature, 2...2, TrainingBuiltins.trainLabels) { a, it throws(LessonError) in try TrainingBuiltins.train(a, it) }
        add("history", "history(r)", 1...1) { a, it throws(LessonError) in try TrainingBuiltins.history(a, it) }
        add("metrics", "metrics(r)", 1...1) { a, _ throws(LessonError) in try TrainingBuiltins.metrics(a) }
        add("evaluate", "evaluate(r, split: \"test\")", 1...1, ["split"]) { a, it throws(LessonError) in try TrainingBuiltins.evaluate(a, it) }
        add("predict", "predict(r, image)", 2...2) { a, it throws(LessonError) in try TrainingBuiltins.predict(a, it) }
        add("plot", "plot(r, metric: \"loss\" or \"accuracy\")", 1...1, ["metric"]) { a, it throws(LessonError) in try TrainingBuiltins.plot(a, it) }
        add("load_run", "load_run(\"data/results/NAME\")", 1...1) { a, it throws(LessonError) in try TrainingBuiltins.loadRun(a, it) }
        // Data augmentation (Keras ImageDataGenerator's transforms).
        add("augment", AugmentBuiltin.signature, 1...1, AugmentBuiltin.labels) { a, _ throws(LessonError) in try AugmentBuiltin.run(a) }
        // Files, checks, printing.
        add("load", "load(\"file.npy\" or \"image.png\" or \"photo.jpg\")", 1...1) { a, it throws(LessonError) in try Files.load(a, it) }
        add("save", "save(x, \"file.npy\" or \"image.png\", scale: n)", 2...2, ["scale"]) { a, it throws(LessonError) in try Files.save(a, it) }
        add("assert_equal", "assert_equal(a, b)", 2...2) { a, _ throws(LessonError) in try Assertions.equal(a) }
        add("assert_close", "assert_close(a, b, tol)", 3...3) { a, _ throws(LessonError) in try Assertions.close(a) }
        add("print", "print(a, b, ...)", 0...64) { a, it throws(LessonError) in
            it.emit(ValueFormatter.sideBySide(a.positional.map { it.formatter.format($0.0) }))
            return .nothing
        }
        add("decimals", "decimals(n)", 1...1) { a, it throws(LessonError) in
            let (v, loc) = a.positional[0]
            let n = try a.int(v, "n", loc)
            guard (0...8).contains(n) else { throw LessonError("decimals must be between 0 and 8, got \(n)", at: loc) }
            it.formatter.decimals = n
            return .nothing
        }
        add("figure", "figure(\"id\", args..., label: value)", 1...64, nil) { a, it throws(LessonError) in
            try FigureBuiltin.run(a, it)
        }
        // Models (layer shapes and counts from module NN; no weights are made).
        add("model", "model(\"tutorial\" or \"vgg16\" or \"my-net.txt\")", 1...1) { a, it throws(LessonError) in try ModelBuiltins.model(a, it) }
        add("summary", "summary(m)", 1...1) { a, _ throws(LessonError) in try ModelBuiltins.summary(a) }
        add("params", "params(m) or params(m, \"layer\")", 1...2) { a, _ throws(LessonError) in try ModelBuiltins.params(a) }
        add("macs", "macs(m) or macs(m, \"layer\")", 1...2) { a, _ throws(LessonError) in try ModelBuiltins.macs(a) }
        add("receptive_field", "receptive_field(m) or receptive_field(m, \"layer\")", 1...2) { a, _ throws(LessonError) in
            try ModelBuiltins.receptiveField(a)
        }
        // grad is evaluated by Interpreter.gradient, which records its expression on a tape;
        // this entry gives it a signature for hints and "did you mean" suggestions.
        add("grad", "grad(expression, wrt)", 2...2) { a, it throws(LessonError) in
            throw LessonError("grad must be called directly, as grad(expression, wrt)", at: a.location)
        }
        return t
    }()
}
