import Foundation
import Imaging
import NN
import Tensor
import Training

/// A run as a cell value: its history, and the run itself when it was trained in this lesson
/// (`load_run` gives the history of a recorded run only).
public struct RunValue: Sendable {
    public let name: String
    public let history: [EpochRecord]
    public let epochs: Int
    public let run: TrainingRun?
}

/// The training builtins: `dataset`, `train`, `history`, `evaluate`, `predict`, `plot`, `load_run`.
///
/// Cells train on the engine's plain loops (`Engine.portable`): oneDNN picks its kernels, and
/// so its order of summation, by the CPU's vector width, while the plain loops give the same
/// bits on every x86-64 machine, so the numbers a training cell prints can be doc-tested
/// anywhere. `cnnlearn train` uses oneDNN; its recorded runs are read with `load_run`.
enum TrainingBuiltins {
    static let datasetSignature = "dataset(\"fashion-mnist\" or \"folder\", classes: \"tshirt,shirt\", train: n, validation: n, test: n, size: \"28x28x1\")"
    static let datasetLabels = ["classes", "train", "validation", "test", "size"]
    static let trainSignature = "train(m, data, epochs: n, batch: n, seed: n, optimizer: \"adam\", lr: x, steps: n)"
    static let trainLabels = ["epochs", "batch", "seed", "optimizer", "lr", "steps"]

    static func dataset(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (v, loc) = a.positional[0]
        let name = try a.string(v, "the data", loc)
        let source = DataSource(name)
        let path: String
        if case .folder(let p) = source { path = try it.fileAccess.resolve(p, base: it.baseDirectory, at: loc) } else { path = name }
        let classes = try a.labelled("classes", default: nil as String?) { (v, w, l) throws(LessonError) in try a.string(v, w, l) }
        func count(_ label: String, _ d: Int?) throws(LessonError) -> Int? {
            try a.labelled(label, default: d) { (v, w, l) throws(LessonError) in try a.int(v, w, l) }
        }
        let counts = SplitCounts(train: try count("train", nil), validation: try count("validation", 0), test: try count("test", 0))
        var format: ImageFormat?
        if let size = try a.labelled("size", default: nil as String?, { (v, w, l) throws(LessonError) in try a.string(v, w, l) }) {
            guard let s = try? parseShape(size), s.count == 3, s[2] == 1 || s[2] == 3 else {
                throw LessonError("size must be HxWx1 or HxWx3, got \"\(size)\"", at: a.location)
            }
            guard s[0] <= TrainingRun.maximumSide, s[1] <= TrainingRun.maximumSide else {
                throw LessonError("size \"\(size)\" is larger than \(TrainingRun.maximumSide)x\(TrainingRun.maximumSide); the images are kept at that size in memory", at: a.location)
            }
            format = ImageFormat(height: s[0], width: s[1], channels: s[2])
        }
        do {
            let splits = try (path == name ? source : .folder(path)).load(classes: classes.map(ClassSelection.parseList), counts: counts, format: format)
            for w in splits.warnings { it.emit(w.warningDescription) }
            return .dataset(splits)
        } catch {
            throw LessonError(error.message, at: loc, hint: error.hint ?? "path: \(error.path)")
        }
    }

    static func describe(_ d: DataSplits) -> String {
        let t = d.train
        return "dataset: classes \(d.classNames.joined(separator: ", ")); train \(t.count), validation \(d.validation?.count ?? 0), test \(d.test?.count ?? 0) images of \(formatShape([t.height, t.width, t.channels]))"
    }

    static func describe(_ r: RunValue, decimals: Int) -> String {
        guard let last = r.history.last else { return "run \(r.name): no epochs yet" }
        return "run \(r.name): \(r.history.count) of \(r.epochs) epochs; last " + epochLine(last, of: r.epochs, decimals: decimals)
    }

    /// An epoch's line without its seconds (the only number that changes from run to run).
    static func epochLine(_ e: EpochRecord, of epochs: Int, decimals: Int) -> String {
        func f(_ v: Float) -> String { String(format: "%.\(decimals)f", v) }
        var s = "epoch \(e.epoch)/\(epochs): loss \(f(e.loss)), accuracy \(f(e.accuracy))"
        if let v = e.valLoss, let a = e.valAccuracy { s += ", val_loss \(f(v)), val_accuracy \(f(a))" }
        return s
    }

    static func train(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let model = try ModelBuiltins.sequential(a)
        guard let (dv, dloc) = a.value(1), case .dataset(let data) = dv else {
            let (v, loc) = a.value(1) ?? (.nothing, a.location)
            throw a.wrongType("data", "a dataset (from dataset(...))", v, loc)
        }
        func int(_ label: String, _ d: Int) throws(LessonError) -> Int {
            try a.labelled(label, default: d) { (v, w, l) throws(LessonError) in try a.int(v, w, l) }
        }
        let epochs = try int("epochs", 1), batch = try int("batch", 32), seed = try int("seed", 0)
        let steps = try a.labelled("steps", default: nil as Int?) { (v, w, l) throws(LessonError) in try a.int(v, w, l) }
        let optimizer = try a.labelled("optimizer", default: "adam") { (v, w, l) throws(LessonError) in try a.string(v, w, l) }
        let lr = try a.labelled("lr", default: nil as Float?) { (v, w, l) throws(LessonError) in try a.float(v, w, l) }
        guard seed >= 0 else { throw LessonError("seed must not be negative, got \(seed)", at: a.location) }
        let t = data.train
        let shape = [t.height, t.width, t.channels]
        var m = model
        // The built-in tutorial model takes the data's size and classes, as `cnnlearn train` does.
        if model.name == "tutorial", model.inputShape != shape || (data.classNames.count > 2) {
            do { m = try ModelZoo.tutorial(input: shape, classes: data.classNames.count) } catch {
                throw LessonError("\(error)", at: a.location)
            }
        }
        let settings = TrainingSettings(data: "lesson", model: m.name, epochs: epochs, batch: batch, stepsPerEpoch: steps,
                                        optimizer: optimizer, learningRate: lr, seed: UInt64(seed))
        let decimals = it.formatter.decimals
        do {
            let run = try TrainingRun(settings: settings, splits: data, model: m, folder: nil)
            try Engine.portably { () throws(TrainingError) in
                try run.train { event in
                    if case .epochDone(let e) = event {
                        it.emit(epochLine(e, of: epochs, decimals: decimals))
                        it.onEpoch?(e, epochs)
                    }
                    return it.interruptRequested() ? .stop : .proceed
                }
            }
            if run.history.count < epochs, it.interruptRequested() {
                throw LessonError("interrupted: training stopped after \(run.history.count) of \(epochs) epochs", at: a.location)
            }
            return .run(RunValue(name: m.name, history: run.history, epochs: epochs, run: run))
        } catch {
            throw LessonError("\(error)", at: dloc)
        }
    }

    static func runValue(_ a: CallArguments, _ i: Int = 0) throws(LessonError) -> RunValue {
        guard let (v, loc) = a.value(i), case .run(let r) = v else {
            let (v, loc) = a.value(i) ?? (.nothing, a.location)
            throw a.wrongType("r", "a run (from train(...) or load_run(...))", v, loc)
        }
        _ = loc
        return r
    }

    /// `history(r)`: the epochs as a table.
    static func history(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let r = try runValue(a)
        let d = it.formatter.decimals
        var rows = [["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]]
        for e in r.history {
            func f(_ v: Float?) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "-" }
            rows.append(["\(e.epoch)", f(e.loss), f(e.accuracy), f(e.valLoss), f(e.valAccuracy)])
        }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return .string(rows.map { row in row.enumerated().map { String(repeating: " ", count: widths[$0] - $1.count) + $1 }.joined(separator: "  ") }
            .joined(separator: "\n"))
    }

    /// `metrics(r)`: the history as a Float tensor (epochs, 4): loss, accuracy, val_loss,
    /// val_accuracy per row (NaN where there was no validation), for cells to compute with.
    static func metrics(_ a: CallArguments) throws(LessonError) -> Value {
        .floatTensor(Curves.tensor(try runValue(a).history))
    }

    /// `evaluate(r, split: "test")`: loss and accuracy of the run's final weights on a split.
    static func evaluate(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let r = try runValue(a)
        let split = try a.labelled("split", default: "test") { (v, w, l) throws(LessonError) in try a.string(v, w, l) }
        guard let run = r.run else {
            throw LessonError("run \(r.name) was loaded from its files (history only); evaluate a run trained in this lesson, or use `cnnlearn evaluate RUN`", at: a.location)
        }
        let d = it.formatter.decimals
        do {
            let e = try Engine.portably { () throws(TrainingError) in try run.evaluate(split: split) }
            return .string("\(split): loss " + String(format: "%.\(d)f", e.loss) + ", accuracy " + String(format: "%.\(d)f", e.accuracy))
        } catch {
            throw LessonError("\(error)", at: a.location)
        }
    }

    /// `load_run("data/results/NAME")`: a recorded run's history (history.json and run.json).
    static func loadRun(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (v, loc) = a.positional[0]
        let name = try a.string(v, "the run folder", loc)
        let folder = try it.fileAccess.resolve(name, base: it.baseDirectory, at: loc)
        guard let data = FileManager.default.contents(atPath: folder + "/history.json") else {
            throw LessonError("no run at \(name): \(folder)/history.json is missing", at: loc, hint: "paths are relative to the lesson's folder")
        }
        let history: [EpochRecord]
        do { history = try JSONDecoder().decode([EpochRecord].self, from: data) } catch {
            throw LessonError("\(folder)/history.json is not a run history (\(error))", at: loc)
        }
        var epochs = history.count
        if let r = FileManager.default.contents(atPath: folder + "/run.json"), let record = try? JSONDecoder().decode(RunRecord.self, from: r) {
            epochs = record.settings.epochs
        }
        return .run(RunValue(name: (name as NSString).lastPathComponent, history: history, epochs: epochs, run: nil))
    }

    /// `plot(r, metric: "loss")`: training (t) and validation (v) per epoch as a text chart
    /// (`*` where both fall in one cell), with the value scale on the left; `figure(...)` draws it.
    static func plot(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let r = try runValue(a)
        let metric = try a.labelled("metric", default: "loss") { (v, w, l) throws(LessonError) in try a.string(v, w, l) }
        guard metric == "loss" || metric == "accuracy" else {
            throw LessonError("metric must be \"loss\" or \"accuracy\", got \"\(metric)\"", at: a.location)
        }
        let train = r.history.map { metric == "loss" ? $0.loss : $0.accuracy }
        let val = r.history.map { metric == "loss" ? $0.valLoss : $0.valAccuracy }
        let all = train + val.compactMap { $0 }
        guard let lo = all.min(), let hi = all.max() else { return .string("(no epochs)") }
        let rows = 10
        func row(_ v: Float) -> Int { hi > lo ? Int(((hi - v) / (hi - lo) * Float(rows - 1)).rounded()) : rows / 2 }
        var grid = Array(repeating: Array(repeating: Character(" "), count: train.count * 2), count: rows)
        for (i, t) in train.enumerated() { grid[row(t)][i * 2] = "t" }
        for (i, v) in val.enumerated() {
            guard let v else { continue }
            grid[row(v)][i * 2] = grid[row(v)][i * 2] == "t" ? "*" : "v"
        }
        let d = it.formatter.decimals
        let labels = (0..<rows).map { k -> String in
            k == 0 ? String(format: "%.\(d)f", hi) : k == rows - 1 ? String(format: "%.\(d)f", lo) : ""
        }
        let w = labels.map(\.count).max() ?? 0
        var lines = ["\(metric): t training, v validation, * both; epochs 1 to \(train.count) left to right"]
        for k in 0..<rows {
            let text = String(grid[k]).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            lines.append(String(repeating: " ", count: w - labels[k].count) + labels[k] + " |" + text)
        }
        lines.append(String(repeating: " ", count: w) + " +" + String(repeating: "-", count: train.count * 2))
        return .string(lines.joined(separator: "\n"))
    }

    /// `predict(r, image)`: class probabilities for an image (HxWxC, 0-255 Ints as `load` gives),
    /// prepared as training prepared its images (resized by nearest neighbour, converted to the
    /// model's channels, times 1/255).
    static func predict(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let r = try runValue(a)
        guard let run = r.run else {
            throw LessonError("run \(r.name) was loaded from its files (history only); predict with a run trained in this lesson", at: a.location)
        }
        guard let (v, loc) = a.value(1), case .intTensor(let t) = v, t.rank == 3 || t.rank == 2 else {
            let (v, loc) = a.value(1) ?? (.nothing, a.location)
            throw a.wrongType("image", "an image (HxWxC Ints 0...255, from load(\"photo.jpg\"))", v, loc)
        }
        let shape = run.model.inputShape
        do {
            let image = try RasterImage(t.rank == 2 ? t.reshaped(t.shape + [1]) : t)
                .converted(toChannels: shape[2]).resized(width: shape[1], height: shape[0])
            let x = Tensor<Float>(shape: [1] + shape, scalars: image.pixels.map { Float($0) * LabeledImages.rescale })
            let out = try Engine.portably { () throws(NNError) in try run.model.predict(x, weights: run.weights) }
            let probabilities: [Float]
            if run.loss == .binaryCrossEntropy {
                probabilities = [1 - out.scalars[0], out.scalars[0]]
            } else {
                probabilities = try out.reshaped([out.count]).softmax().scalars
            }
            return .floatTensor(Tensor(shape: [probabilities.count], scalars: probabilities))
        } catch {
            throw LessonError("\(error)", at: loc)
        }
    }
}
