import Foundation
import Imaging
import NN
import Tensor

/// A training run and its folder: the data read, the model built, the trainer, and every file
/// the run leaves in `runs/NAME`.
///
///     run.json            settings, program version, engine, data hash and classes
///     model.txt           the model in the model-file format (`cnnlearn summary FILE` reads it)
///     history.json/.csv   per epoch: loss, accuracy, val_loss, val_accuracy, seconds
///     loss.svg/.png       training against validation loss, titled with the final values
///     accuracy.svg/.png   the same for accuracy
///     weights.npz         the latest weights for Keras (README: "Taking a trained model to Keras")
///     checkpoints/        last.cnnt (everything a resume needs), epoch-NNN.cnnw (weights after
///                         each epoch, as Keras' ModelCheckpoint), best.cnnw (lowest val_loss)
///
/// Every file is written atomically. Nothing is created before the data and the model have
/// been read and checked, so a run that cannot start leaves no folder behind; a run that is
/// killed leaves whole files, and `resume` goes on from `checkpoints/last.cnnt`. (Unchecked
/// Sendable: a run is used by one caller at a time, as a lesson value or by the CLI.)
public final class TrainingRun: @unchecked Sendable {
    /// The run folder; nil for a run kept in memory (a lesson's), which writes no files.
    public let folder: String?
    public let settings: TrainingSettings
    public let splits: DataSplits
    public let model: Sequential
    public let loss: Loss
    public let record: RunRecord
    public private(set) var history: [EpochRecord] = []
    public private(set) var position = FitPosition()
    private var trainer: AnyTrainer

    /// The training images as training sees them: augmented on the fly when the settings say so.
    let trainingSet: any Dataset

    public var plan: FitPlan {
        FitPlan(epochs: settings.epochs, batchSize: settings.batch, stepsPerEpoch: settings.stepsPerEpoch)
    }
    public var weights: ModelWeights { trainer.weights }
    public var isFinished: Bool { position.epochsDone >= settings.epochs }

    /// Reads the data, builds the model and checks that they fit, without touching `folder`.
    public convenience init(settings: TrainingSettings, folder: String?, modelSearchFolder: String? = nil) throws(TrainingError) {
        try settings.validate()
        let source = DataSource(settings.data)
        // The model first when it is a file: it fixes the input size.
        var fileModel: Sequential?
        if settings.model != "tutorial" {
            let path = Self.resolve(settings.model, in: modelSearchFolder)
            do { fileModel = try ModelFile.read(path: path) } catch { throw .model(error.rendered) }
        }
        let format: ImageFormat
        if let m = fileModel {
            guard m.inputShape.count == 3 else {
                throw .model("\(settings.model): the model's input \(formatShape(m.inputShape)) is not an image HxWxC")
            }
            if let size = settings.size, (try? parseShape(size)) != m.inputShape {
                throw .settings("--size \(size) differs from the model file's input \(formatShape(m.inputShape)); leave --size out")
            }
            format = ImageFormat(height: m.inputShape[0], width: m.inputShape[1], channels: m.inputShape[2])
        } else if let size = settings.size {
            let s: [Int]
            do { s = try parseShape(size) } catch { throw .settings("--size: \(error)") }
            guard s.count == 3, s[2] == 1 || s[2] == 3 else { throw .settings("--size must be HxWx1 or HxWx3, got \(size)") }
            // Every image is kept at this size: a hostile size would ask for terabytes.
            guard s[0] <= Self.maximumSide, s[1] <= Self.maximumSide else {
                throw .settings("--size \(size) is larger than \(Self.maximumSide)x\(Self.maximumSide); the images are kept at that size in memory")
            }
            format = ImageFormat(height: s[0], width: s[1], channels: s[2])
        } else {
            format = source.defaultFormat
        }
        let splits: DataSplits
        do {
            splits = try source.load(classes: settings.classes, counts: SplitCounts(train: settings.train, validation: settings.validation,
                                                                                  test: settings.test),
                                     format: format, strict: settings.strict)
        } catch { throw .data(error) }
        let classes = splits.classNames.count
        guard classes >= 2 else { throw .settings("training a classifier needs at least 2 classes, got \(classes) (\(splits.classNames.joined(separator: ", ")))") }
        let model: Sequential
        do {
            model = try fileModel ?? ModelZoo.tutorial(input: [format.height, format.width, format.channels], classes: classes)
        } catch { throw .model("\(error)") }
        try self.init(settings: settings, splits: splits, model: model, folder: folder)
    }

    /// A run on data already read and a model already built (a lesson's `train`); checks that
    /// the model's input and head fit the data.
    public init(settings: TrainingSettings, splits: DataSplits, model: Sequential, folder: String?) throws(TrainingError) {
        try settings.validate()
        self.settings = settings
        self.folder = folder
        self.splits = splits
        self.model = model
        let t = splits.train
        guard model.inputShape == [t.height, t.width, t.channels] else {
            throw .model("\(settings.model) takes \(formatShape(model.inputShape)) images, the data's are \(formatShape([t.height, t.width, t.channels]))")
        }
        let classes = splits.classNames.count
        guard classes >= 2 else { throw .settings("training a classifier needs at least 2 classes, got \(classes)") }
        loss = Loss.forClasses(classes)
        try Self.checkHead(model, classes: classes, name: settings.model)
        if let text = settings.augment {
            do { trainingSet = try AugmentedImages(splits.train, spec: try AugmentSpec(parsing: text), seed: settings.seed) } catch {
                throw .settings("--augment: \(error.message)")
            }
        } else {
            trainingSet = splits.train
        }
        record = RunRecord(settings: settings, program: programVersion, engine: "oneDNN \(OneDNN.version), \(OneDNN.effectiveISA)",
                           dataHash: String(splits.dataHash, radix: 16), files: splits.files.count, classNames: splits.classNames,
                           input: model.inputShape, loss: loss.rawValue, fingerprint: settings.fingerprint(dataHash: splits.dataHash))
        let weights = ModelWeights.glorotUniform(for: model, seed: settings.seed)
        do {
            trainer = try AnyTrainer(model: model, weights: weights, optimizer: settings.optimizer, learningRate: settings.learningRate,
                                     loss: loss, seed: settings.seed)
        } catch { throw .model("\(error)") }
    }

    /// The largest image side `--size` takes (the tutorial uses 150, VGG16 224).
    public static let maximumSide = 1024

    /// A model file's path: as given when it exists, else in `folder` (a lesson's own folder).
    static func resolve(_ path: String, in folder: String?) -> String {
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        guard let folder else { return path }
        return folder + "/" + path
    }

    /// The model's output must be what the loss expects: one sigmoid unit for two classes,
    /// K logits (a linear last layer) for K.
    static func checkHead(_ model: Sequential, classes: Int, name: String) throws(TrainingError) {
        let last = model.layers.last
        if classes == 2 {
            guard model.outputShape == [1], let dense = last?.layer as? Dense, dense.activation == .sigmoid else {
                throw .model("\(name): two classes need one sigmoid output (end with `Dense 1 sigmoid`), the model ends in \(formatShape(model.outputShape)) from \(last?.name ?? "nothing")")
            }
        } else {
            guard model.outputShape == [classes] else {
                throw .model("\(name): \(classes) classes need \(classes) outputs (end with `Dense \(classes)`), the model gives \(formatShape(model.outputShape))")
            }
            if let dense = last?.layer as? Dense, dense.activation != .linear {
                throw .model("\(name): the last layer is Dense \(classes) \(dense.activation); end with a linear `Dense \(classes)`: the categorical loss applies softmax itself, stably")
            }
        }
    }

    // MARK: - The folder

    var checkpointFolder: String { (folder ?? ".") + "/checkpoints" }
    public var lastCheckpoint: String { checkpointFolder + "/last.cnnt" }

    /// Makes the run folder for a new run and writes run.json and model.txt; an existing
    /// folder with a run in it is refused.
    public func create() throws(TrainingError) {
        guard let folder else { throw .settings("a run kept in memory has no folder to create") }
        let fm = FileManager.default
        if fm.fileExists(atPath: folder + "/run.json") {
            throw .run(path: folder, message: "a run is already there; resume it with `cnnlearn train --resume \(folder)` or choose another --out")
        }
        do { try fm.createDirectory(atPath: checkpointFolder, withIntermediateDirectories: true) } catch {
            throw .run(path: folder, message: "cannot create the run folder (\(error.localizedDescription))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try write(Array(try encoder.encode(record)) + [10], "run.json")
            try write(Array(try ModelFile.text(of: model).utf8), "model.txt")
        } catch let e as TrainingError { throw e } catch { throw .run(path: folder, message: "\(error)") }
    }

    func write(_ bytes: [UInt8], _ name: String) throws(TrainingError) {
        guard let folder else { return }
        do { try AtomicFile.write(bytes, to: folder + "/" + name) } catch {
            throw .run(path: folder + "/" + name, message: "cannot write (\(error.reason))")
        }
    }

    /// Opens an existing run folder to go on: reads run.json, reads the data and model again
    /// (the data must hash the same), and restores `checkpoints/last.cnnt`.
    public static func resume(_ folder: String, modelSearchFolder: String? = nil) throws(TrainingError) -> TrainingRun {
        let path = folder + "/run.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .run(path: folder, message: FileManager.default.fileExists(atPath: folder) ? "no run.json: not a run folder" : "no such run folder")
        }
        let record: RunRecord
        do { record = try JSONDecoder().decode(RunRecord.self, from: data) } catch {
            throw .run(path: path, message: "not a valid run record (\(error))")
        }
        let run = try TrainingRun(settings: record.settings, folder: folder, modelSearchFolder: modelSearchFolder)
        guard run.record.fingerprint == record.fingerprint else {
            throw .run(path: folder, message: "the data or settings changed since the run started (data hash \(run.record.dataHash), recorded \(record.dataHash)); start a new run instead")
        }
        try run.restore(from: run.lastCheckpoint)
        return run
    }

    /// Restores weights, optimizer state, position and history from a training checkpoint.
    func restore(from path: String) throws(TrainingError) {
        let checkpoint: TrainingCheckpoint
        do { checkpoint = try TrainingCheckpoint.load(from: path, for: model) } catch { throw .run(path: path, message: "\(error)") }
        guard checkpoint.header.fingerprint == record.fingerprint else {
            throw .run(path: path, message: "the checkpoint belongs to another run (fingerprint \(checkpoint.header.fingerprint), this run \(record.fingerprint))")
        }
        do { try trainer.restore(checkpoint) } catch { throw .run(path: path, message: "\(error)") }
        history = checkpoint.header.history
        position = checkpoint.header.position
    }

    /// Saves everything a resume needs to `checkpoints/last.cnnt`.
    public func saveCheckpoint() throws(TrainingError) {
        guard folder != nil else { return }
        do { try trainer.checkpoint(fingerprint: record.fingerprint, position: position, history: history).save(to: lastCheckpoint, for: model) } catch {
            throw .run(path: lastCheckpoint, message: "\(error)")
        }
    }

    /// After an epoch: the checkpoints, the best weights, the history files and the curves.
    func epochFinished() throws(TrainingError) {
        guard folder != nil, let last = history.last else { return }
        try saveCheckpoint()
        let epochName = String(format: "epoch-%03d.cnnw", last.epoch)
        do {
            let bytes = try Checkpoint.encode(weights, for: model)
            try write(bytes, "checkpoints/" + epochName)
            let best = history.min { ($0.valLoss ?? $0.loss) < ($1.valLoss ?? $1.loss) }
            if best?.epoch == last.epoch { try write(bytes, "checkpoints/best.cnnw") }
            // The way out to Keras: the latest weights with Keras' layer names and layouts.
            try write(try KerasExport.encode(weights, for: model), "weights.npz")
        } catch let e as TrainingError { throw e } catch { throw .run(path: checkpointFolder, message: "\(error)") }
        try writeHistory()
    }

    /// history.json, history.csv and the two curves.
    public func writeHistory() throws(TrainingError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let folder else { return }
        do { try write(Array(try encoder.encode(history)) + [10], "history.json") } catch let e as TrainingError { throw e } catch {
            throw .run(path: folder + "/history.json", message: "\(error)")
        }
        try write(Array(HistoryText.csv(history).utf8), "history.csv")
        do { try Curves.write(history, to: folder) } catch { throw .run(path: folder, message: "\(error)") }
    }

    // MARK: - Training

    /// Trains until the plan is done or `onEvent` says stop; after each epoch writes the
    /// checkpoints, history and curves, and on a stop saves where the run stands. Returns true
    /// when every epoch is done.
    @discardableResult
    public func train(onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws(TrainingError) -> Bool {
        // One epoch per call of the trainer, so that the files are written between epochs
        // (the trainer, the position and the history are not touched while it runs).
        while position.epochsDone < settings.epochs {
            var (p, h) = (position, history)
            var epochPlan = plan
            epochPlan.epochs = p.epochsDone + 1
            var stopAfterEpoch = false
            let finished: Bool
            do {
                finished = try trainer.fit(trainingSet, validation: splits.validation, plan: epochPlan, position: &p, history: &h) { event in
                    let control = onEvent(event)
                    if case .epochDone = event, case .stop = control { stopAfterEpoch = true }
                    return control
                }
            } catch { throw .model("training failed: \(error)") }
            (position, history) = (p, h)
            guard finished else {
                try saveCheckpoint()
                return false
            }
            try epochFinished()
            if stopAfterEpoch { return isFinished }
        }
        return true
    }

    /// Loss, accuracy and every prediction on a split of the run's data (`test` or `validation`).
    public func evaluate(split: String) throws(TrainingError) -> (loss: Float, accuracy: Float, rows: [(prediction: [Float], target: [Float])]) {
        let data: LabeledImages?
        switch split {
        case "test": data = splits.test
        case "validation": data = splits.validation
        case "train": data = splits.train
        default: throw .settings("unknown split '\(split)'; choose test, validation or train")
        }
        guard let data, data.count > 0 else {
            throw .settings("the run has no \(split) split (it was trained with --\(split) 0); give --\(split) N to `cnnlearn train`")
        }
        do { return try model.evaluateWithPredictions(data, weights: weights, loss: loss, batchSize: settings.batch) } catch {
            throw .model("\(error)")
        }
    }
}

/// The Trainer for the optimizer a run names (the Trainer is generic over its optimizer).
enum AnyTrainer {
    case adam(Trainer<Adam>), sgd(Trainer<SGD>), rmsprop(Trainer<RMSprop>)

    init(model: Sequential, weights: ModelWeights, optimizer: String, learningRate: Float?, loss: Loss, seed: UInt64) throws(NNError) {
        switch optimizer {
        case "sgd": self = .sgd(try Trainer(model: model, weights: weights, optimizer: SGD(learningRate: learningRate ?? 0.01), loss: loss, seed: seed))
        case "rmsprop": self = .rmsprop(try Trainer(model: model, weights: weights, optimizer: RMSprop(learningRate: learningRate ?? 0.001), loss: loss, seed: seed))
        default: self = .adam(try Trainer(model: model, weights: weights, optimizer: Adam(learningRate: learningRate ?? 0.001), loss: loss, seed: seed))
        }
    }

    var weights: ModelWeights {
        switch self {
        case .adam(let t): return t.weights
        case .sgd(let t): return t.weights
        case .rmsprop(let t): return t.weights
        }
    }

    mutating func fit<D: Dataset>(_ train: D, validation: (any Dataset)?, plan: FitPlan, position: inout FitPosition,
                                  history: inout [EpochRecord], onEvent: (TrainingEvent) -> TrainingControl) throws(NNError) -> Bool {
        switch self {
        case .adam(var t):
            defer { self = .adam(t) }
            return try t.fit(train, validation: validation, plan: plan, position: &position, history: &history, onEvent: onEvent)
        case .sgd(var t):
            defer { self = .sgd(t) }
            return try t.fit(train, validation: validation, plan: plan, position: &position, history: &history, onEvent: onEvent)
        case .rmsprop(var t):
            defer { self = .rmsprop(t) }
            return try t.fit(train, validation: validation, plan: plan, position: &position, history: &history, onEvent: onEvent)
        }
    }

    func checkpoint(fingerprint: String, position: FitPosition, history: [EpochRecord]) -> TrainingCheckpoint {
        switch self {
        case .adam(let t): return TrainingCheckpoint(fingerprint: fingerprint, trainer: t, position: position, history: history)
        case .sgd(let t): return TrainingCheckpoint(fingerprint: fingerprint, trainer: t, position: position, history: history)
        case .rmsprop(let t): return TrainingCheckpoint(fingerprint: fingerprint, trainer: t, position: position, history: history)
        }
    }

    mutating func restore(_ c: TrainingCheckpoint) throws(NNError) {
        switch self {
        case .adam(var t): try c.restore(into: &t); self = .adam(t)
        case .sgd(var t): try c.restore(into: &t); self = .sgd(t)
        case .rmsprop(var t): try c.restore(into: &t); self = .rmsprop(t)
        }
    }
}

/// The history as text: CSV for the run folder, and the one-line epoch summary.
public enum HistoryText {
    public static func csv(_ history: [EpochRecord]) -> String {
        var s = "epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
        for r in history {
            s += "\(r.epoch),\(r.loss),\(r.accuracy),\(r.valLoss.map { "\($0)" } ?? ""),\(r.valAccuracy.map { "\($0)" } ?? ""),"
            s += String(format: "%.3f", r.seconds) + "\n"
        }
        return s
    }

    /// `epoch 3/20: loss 0.4123, accuracy 0.8150, val_loss 0.4021, val_accuracy 0.8200 (12.3 s)`
    public static func line(_ r: EpochRecord, of epochs: Int) -> String {
        var s = "epoch \(r.epoch)/\(epochs): loss " + String(format: "%.4f", r.loss) + ", accuracy " + String(format: "%.4f", r.accuracy)
        if let v = r.valLoss, let a = r.valAccuracy {
            s += ", val_loss " + String(format: "%.4f", v) + ", val_accuracy " + String(format: "%.4f", a)
        }
        return s + String(format: " (%.1f s)", r.seconds)
    }
}
