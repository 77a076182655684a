import ArgumentParser
import Foundation
import Inspect
import NN
import Training

/// `cnnlearn evaluate RUN [--split test]`: loss, accuracy and the confusion matrix of a run's
/// weights on a split of its data, read and prepared exactly as training read it.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Loss, accuracy and confusion matrix of a trained run on its test (or validation) split.")

    @Argument(help: "The run folder (from cnnlearn train).")
    var folder: String

    @Option(help: "test, validation or train.")
    var split = "test"

    @Option(help: "For a Keras weight file (.h5, .weights.h5, .keras): the data to test on (fashion-mnist or a folder).")
    var data: String?

    @Option(help: "For a Keras weight file: test images per class (default: all).")
    var test: Int?

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        if KerasWeights.isWeightFile(folder) {
            do {
                let e = try TrainedModel.open(folder).evaluate(data: data ?? "fashion-mnist", test: test)
                print("\(folder): \(data ?? "fashion-mnist") test split, \(e.count) images")
                print(String(format: "loss %.4f, accuracy %.4f", e.loss, e.accuracy))
                print(e.matrix.rendered)
            } catch { throw LessonCommandError("\(error)") }
            return
        }
        do {
            let r = try TrainingRun.resume(folder)
            let e = try r.evaluate(split: split)
            let n = e.rows.count
            print("\(folder): \(split) split, \(n) images, weights after epoch \(r.history.count) of \(r.settings.epochs)")
            print(String(format: "loss %.4f, accuracy %.4f", e.loss, e.accuracy))
            print(try ConfusionMatrix(classNames: r.splits.classNames, rows: e.rows, loss: r.loss).rendered)
        } catch {
            throw LessonCommandError("\(error)")
        }
    }
}

/// `cnnlearn predict RUN IMAGE...`: class probabilities of each image under a run's weights.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Class probabilities of images under a trained run's weights (images prepared as in training).")

    @Argument(help: "The run folder (from cnnlearn train).")
    var folder: String

    @Argument(help: "PNG or JPEG images.")
    var images: [String]

    @Option(help: "last (default), best (lowest validation loss) or an epoch number.")
    var weights = "last"

    @Option(help: "For a Keras weight file: the model (tutorial, vgg16 or a model file; default: from the layer names).")
    var model: String?

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image") }
    }

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        if KerasWeights.isWeightFile(folder) {
            do {
                let t = try TrainedModel.open(folder, model: model)
                for path in images {
                    let p = try t.probabilities(t.image(path))[0]
                    let best = p.indices.max { p[$0] < p[$1] } ?? 0
                    let parts = zip(t.classLabels, p).map { "\($0) " + String(format: "%.4f", $1) }
                    print("\(path): \(parts.joined(separator: ", ")) -> \(t.classLabels[best])")
                }
            } catch { throw LessonCommandError("\(error)") }
            return
        }
        do {
            let saved = try SavedRun(folder: folder, weights: weights)
            let names = saved.record.classNames
            let probabilities = try saved.predict(paths: images)
            for (path, p) in zip(images, probabilities) {
                let best = p.indices.max { p[$0] < p[$1] } ?? 0
                let parts = zip(names, p).map { "\($0) " + String(format: "%.4f", $1) }
                print("\(path): \(parts.joined(separator: ", ")) -> \(names[best])")
            }
        } catch {
            throw LessonCommandError("\(error)")
        }
    }
}
