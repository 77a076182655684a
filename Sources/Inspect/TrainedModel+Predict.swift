import Foundation
import Imaging
import NN
import Tensor

extension TrainedModel {
    /// How the model's last layer is read as class probabilities: a sigmoid unit (two
    /// classes), a softmax, or logits (softmax applied here, as the categorical loss does).
    public enum Head: Sendable { case sigmoid, softmax, logits }

    public var head: Head {
        guard let last = model.layers.last?.layer as? Dense else { return .logits }
        switch last.activation {
        case .sigmoid where last.units == 1: return .sigmoid
        case .softmax: return .softmax
        default: return .logits
        }
    }

    /// Class names: the run's, else "class 0", "class 1", ...
    public var classLabels: [String] {
        if let classNames { return classNames }
        let n = head == .sigmoid ? 2 : (model.outputShape.first ?? 0)
        return (0..<n).map { "class \($0)" }
    }

    /// The loss a head trains with (a softmax head has none here: it is read, not trained).
    public var loss: Loss? {
        switch head {
        case .sigmoid: return .binaryCrossEntropy
        case .logits: return .categoricalCrossEntropyFromLogits
        case .softmax: return nil
        }
    }

    /// Per-class probabilities of a batch (N, input shape...), one row per image.
    public func probabilities(_ x: Tensor<Float>) throws(InspectError) -> [[Float]] {
        do {
            let out = try model.predict(x, weights: weights)
            if let loss { return try classProbabilities(outputs: out, loss: loss) }
            let width = out.shape[1]
            return (0..<out.shape[0]).map { Array(out.scalars[($0 * width)..<(($0 + 1) * width)]) }
        } catch { throw InspectError("\(source): \(error)") }
    }

    /// Loss, accuracy and the confusion matrix on `test` images per class of a data set
    /// (fashion-mnist or an image folder), prepared to the model's input.
    public func evaluate(data: String, test: Int?) throws(InspectError) -> (loss: Float, accuracy: Float, matrix: ConfusionMatrix, count: Int) {
        guard let loss else {
            throw InspectError("\(source): the model ends in a softmax; evaluate needs logits or a sigmoid output, as cnnlearn trains them")
        }
        do {
            let format = try ImageFormat(input: model.inputShape, source: source)
            // One training image per class: the loader needs a training split; only the test one is used.
            let splits = try DataSource(data).load(classes: nil, counts: SplitCounts(train: 1, validation: 0, test: test), format: format)
            guard let set = splits.test, set.count > 0 else { throw InspectError("\(data): no test images") }
            guard splits.classNames.count == classLabels.count else {
                throw InspectError("\(data) has \(splits.classNames.count) classes but \(source) has \(classLabels.count) outputs")
            }
            let e = try model.evaluateWithPredictions(set, weights: weights, loss: loss, batchSize: 64)
            return (e.loss, e.accuracy, try ConfusionMatrix(classNames: splits.classNames, rows: e.rows, loss: loss), set.count)
        } catch let e as InspectError { throw e } catch { throw InspectError("\(error)") }
    }
}
