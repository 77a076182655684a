import Foundation
import Tensor

/// One builtin function of the cell language.
struct Builtin: Sendable {
    /// How it is called, shown in hints: `conv2d(x, k, bias:, stride:, padding:, dilation:)`.
    let signature: String
    /// How many positional arguments it takes.
    let positional: ClosedRange<Int>
    /// The labels it accepts; nil = any (for `figure`, whose figures check their own).
    let labels: [String]?
    let run: @Sendable (CallArguments, Interpreter) throws(LessonError) -> Value
}

/// The builtin functions, by name.
enum Builtins {
    static let table: [String: Builtin] = {
        var t: [String: Builtin] = [:]
        func add(_ name: String, _ sig: String, _ pos: ClosedRange<Int>, _ labels: [String]? = [],
                 _ run: @escaping @Sendable (CallArguments, Interpreter) throws(LessonError) -> Value) {
            t[name] = Builtin(signature: sig, positional: pos, labels: labels, run: run)
        }
        // Looking inside a trained model (Builtins+Visualize.swift).
        for (name, sig, pos, labels, run) in VisualizeBuiltins.entries { add(name, sig, pos, labels, run) }
        // Sliding windows.
        add("conv2d", "conv2d(x, k, bias: b, stride: s, padding: p, dilation: d)", 2...2, ["bias", "stride", "padding", "dilation"]) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .conv2d).evaluate()
        }
        add("conv2d_transpose", "conv2d_transpose(x, k, stride: s, padding: p, dilation: d)", 2...2, ["stride", "padding", "dilation"]) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .conv2dTranspose).evaluate()
        }
        add("maxpool", "maxpool(x, size: k, stride: s, padding: p)", 1...1, ["size", "stride", "padding"]) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .maxPool).evaluate()
        }
        add("avgpool", "avgpool(x, size: k, stride: s, padding: p)", 1...1, ["size", "stride", "padding"]) { a, _ throws(LessonError) in
            try WindowCall(a, kind: .avgPool).evaluate()
        }
        // Activations.
        add("relu", "relu(x)", 1...1) { a, _ throws(LessonError) in try Elementwise.relu(a) }
        add("sigmoid", "sigmoid(x)", 1...1) { a, _ throws(LessonError) in try Elementwise.floatOnly(a) { $0.sigmoid() } }
        add("tanh", "tanh(x)", 1...1) { a, _ throws(LessonError) in try Elementwise.floatOnly(a) { $0.tanh() } }
        add("softmax", "softmax(x, axis: -1)", 1...1, ["axis"]) { a, _ throws(LessonError) in try Elementwise.softmax(a) }
        add("dropout", "dropout(x, rate: r, training: true, seed: n)", 1...1, ["rate", "training", "seed"]) { a, _ throws(LessonError) in
            try Elementwise.dropout(a)
        }
        // Shapes and layout.
        add("flatten", "flatten(x)", 1...1) { a, _ throws(LessonError) in try Layout.flatten(a) }
        add("reshape", "reshape(x, [dims])", 2...2) { a, _ throws(LessonError) in try Layout.reshape(a) }
        add("transpose", "transpose(x)", 1...1) { a, _ throws(LessonError) in try Layout.transpose(a) }
        add("pad", "pad(x, p, value: v)", 2...2, ["value"]) { a, _ throws(LessonError) in try Layout.pad(a) }
        add("shape", "shape(x)", 1...1) { a, _ throws(LessonError) in try Layout.shape(a) }
        add("zeros", "zeros([dims])", 1...1) { a, _ throws(LessonError) in try Layout.filled(a, 0) }
        add("ones", "ones([dims])", 1...1) { a, _ throws(LessonError) in try Layout.filled(a, 1) }
        add("random", "random([dims], seed: n)", 1...1, ["seed"]) { a, _ throws(LessonError) in try Layout.random(a) }
        add("float", "float(x)", 1...1) { a, _ throws(LessonError) in Value.wrap(try a.numeric(0, "x").0.asFloat) }
        add("floor", "floor(x)", 1...1) { a, _ throws(LessonError) in try Rounding.round(a, .down) }
        add("ceil", "ceil(x)", 1...1) { a, _ throws(LessonError) in try Rounding.round(a, .up) }
        // Reductions.
        add("sum", "sum(x, axis: a)", 1...1, ["axis"]) { a, _ throws(LessonError) in try Reductions.reduce(a, .sum) }
        add("mean", "mean(x, axis: a)", 1...1, ["axis"]) { a, _ throws(LessonError) in try Reductions.reduce(a, .mean) }
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
        add("load_run", "load_run(\"docs/results/NAME\")", 1...1) { a, it throws(LessonError) in try TrainingBuiltins.loadRun(a, it) }
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
