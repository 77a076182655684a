import ArgumentParser
import Dispatch
import Foundation
import NN
import Synchronization
import Tensor
import Training

/// `cnnlearn train --data D --model M --epochs N ... --out runs/NAME`, or `--resume runs/NAME`:
/// trains a model on real images and leaves a run folder (see `TrainingRun`).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the tutorial's CNN (or your model file) on Fashion-MNIST or an image folder.",
        discussion: """
        Examples:
          cnnlearn train --data fashion-mnist --classes tshirt,shirt --train 1000 --validation 500 \\
                         --model tutorial --epochs 20 --batch 20 --seed 1 --out runs/tshirt-shirt
          cnnlearn train --data path/to/cats_and_dogs --train 1000 --validation 500 --epochs 30 --batch 20 --out runs/cats
          cnnlearn train --resume runs/tshirt-shirt
        Two classes train one sigmoid output with binary cross-entropy (the tutorial's); more train
        logits with categorical cross-entropy. Ctrl-C finishes the batch, saves and exits; --resume
        goes on with the same bits as a run that never stopped.
        """)

    @Option(help: "fashion-mnist, or an image folder (class folders, or Kaggle's cat.N.jpg, optionally in train/ validation/ test/).")
    var data: String?

    @Option(help: "Classes by name or index, comma-separated (tshirt,shirt or 0,6); default: all.")
    var classes: String?

    @Option(help: "Training images per class (default: all).")
    var train: Int?

    @Option(help: "Validation images per class, after the training ones (default: 0).")
    var validation: Int?

    @Option(help: "Test images per class (default: 0; Fashion-MNIST takes them from its test file).")
    var test: Int?

    @Option(help: "tutorial, or a model file (see the README's \"Model files\").")
    var model = "tutorial"

    @Option(help: "Image size HxWxC for a built-in model (default: 28x28x1 on Fashion-MNIST, 150x150x3 on folders).")
    var size: String?

    @Option(help: "Epochs.")
    var epochs = 20

    @Option(help: "Batch size.")
    var batch = 20

    @Option(name: .customLong("steps-per-epoch"), help: "Batches per epoch (Keras' steps_per_epoch; default: one pass over the training set).")
    var stepsPerEpoch: Int?

    @Option(help: "adam, sgd or rmsprop.")
    var optimizer = "adam"

    @Option(help: "Learning rate (default: Keras' for the optimizer: adam 0.001, sgd 0.01, rmsprop 0.001).")
    var lr: Float?

    @Option(help: "Seed of the weights, the data order and Dropout.")
    var seed: UInt64 = 0

    @Option(help: "Run folder (default: the next free runs/run-N).")
    var out: String?

    @Option(help: "Go on with the run in this folder from its last checkpoint.")
    var resume: String?

    @Option(help: "Augment the training images: tutorial (the notebook's generator) or keys, e.g. \"rotation=10,shift=0.1,zoom=0.1,flip\" (see cnnlearn augment).")
    var augment: String?

    @Flag(help: "Stop at a corrupt image instead of skipping it with a warning.")
    var strict = false

    @Flag(help: "One line per epoch, no progress bar (also when the output is not a terminal).")
    var quiet = false

    @Option(help: "Threads to compute on (default: every core, or CNNLEARN_THREADS).")
    var threads: Int?

    func validate() throws {
        if resume != nil, data != nil { throw ValidationError("--resume takes its settings from the run folder; leave out --data and the other settings") }
        if resume == nil, data == nil { throw ValidationError("give --data (fashion-mnist or an image folder), or --resume RUN_FOLDER") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        if let threads { Threads.set(threads) }
        let run: TrainingRun
        do {
            if let resume {
                run = try TrainingRun.resume(resume)
                if run.isFinished {
                    print("\(resume): all \(run.settings.epochs) epochs are done; nothing to resume")
                    return
                }
                print("resuming \(resume) at epoch \(run.position.epochsDone + 1), batch \(run.position.batchesDone + 1)")
            } else {
                let settings = TrainingSettings(
                    data: data ?? "", classes: classes.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } },
                    train: train, validation: validation ?? 0, test: test ?? 0, model: model, size: size, epochs: epochs, batch: batch,
                    stepsPerEpoch: stepsPerEpoch, optimizer: optimizer, learningRate: lr, seed: seed, strict: strict,
                    augment: augment)
                run = try TrainingRun(settings: settings, folder: out ?? Self.nextRunFolder())
                for w in run.splits.warnings { FileHandle.standardError.write(Data((w.warningDescription + "\n").utf8)) }
                try run.create()
            }
        } catch {
            throw LessonCommandError("\(error)")
        }
        let s = run.splits
        print("run: \(run.folder ?? "")")
        print("data: \(run.settings.data), classes \(s.classNames.joined(separator: ", ")); train \(s.train.count), validation \(s.validation?.count ?? 0), test \(s.test?.count ?? 0) images")
        if let a = run.settings.augment { print("augment: \(a) (training images only, drawn per image and pass from the seed)") }
        print("model: \(run.settings.model), input \(formatShape(run.model.inputShape)), \(groupedThousands(run.model.parameterCount)) parameters; loss \(run.loss.rawValue); \(run.settings.optimizer); engine \(run.record.engine), \(Threads.count) threads")

        let interrupted = Mutex(false)
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { interrupted.withLock { $0 = true } }
        source.resume()
        defer { source.cancel(); signal(SIGINT, SIG_DFL) }

        let progress = Progress(terminal: !quiet && isatty(STDOUT_FILENO) == 1, epochs: run.settings.epochs)
        let done: Bool
        do {
            done = try run.train { event in
                progress.show(event)
                return interrupted.withLock { $0 } ? .stop : .proceed
            }
        } catch {
            progress.finishLine()
            throw LessonCommandError("\(error)")
        }
        progress.finishLine()
        if !done {
            print("stopped at epoch \(run.position.epochsDone + 1), batch \(run.position.batchesDone); saved \(run.lastCheckpoint)")
            print("hint: go on with: cnnlearn train --resume \(run.folder ?? "")")
            throw ExitCode(130)
        }
        if let last = run.history.last {
            print("done: \(run.history.count) epochs; final " + HistoryText.line(last, of: run.settings.epochs))
        }
        print("wrote \(run.folder ?? "")/history.json, history.csv, loss.png, accuracy.png and checkpoints/")
    }

    /// runs/run-1, runs/run-2, ...: the first that does not exist.
    static func nextRunFolder() -> String {
        var n = 1
        while FileManager.default.fileExists(atPath: "runs/run-\(n)") { n += 1 }
        return "runs/run-\(n)"
    }
}

/// Renders training events: on a terminal a progress bar per epoch redrawn in place (batches,
/// images/s, running loss and accuracy, ETA), then the epoch's line; otherwise one line per
/// epoch, as Keras' verbose=2.
final class Progress {
    let terminal: Bool
    let epochs: Int
    private var open = false

    init(terminal: Bool, epochs: Int) { self.terminal = terminal; self.epochs = epochs }

    func show(_ event: TrainingEvent) {
        switch event {
        case let .batchDone(epoch, batch, batches, loss, accuracy, imagesPerSecond, seconds):
            guard terminal else { return }
            let width = 24
            let filled = batches > 0 ? width * batch / batches : width
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "")
            let eta = batch > 0 ? seconds / Double(batch) * Double(batches - batch) : 0
            let line = "epoch \(epoch)/\(epochs) [\(bar)] \(batch)/\(batches)  " + String(format: "%.0f img/s  loss %.4f  accuracy %.4f  ETA %.0fs", imagesPerSecond, loss, accuracy, eta)
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
            open = true
        case .epochDone(let record):
            if open { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)); open = false }
            print(HistoryText.line(record, of: epochs))
            fflush(nil)
        }
    }

    func finishLine() {
        if open { FileHandle.standardOutput.write(Data("\n".utf8)); open = false }
    }
}
