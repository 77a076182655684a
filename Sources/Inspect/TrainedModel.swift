import Foundation
import Imaging
import NN
import Tensor
import Training

/// A model with its weights, as `cnnlearn visualize`, `summary`, `predict` and the lesson
/// builtins open it: a run folder, a model file with a checkpoint, or a Keras weight file.
public struct TrainedModel: Sendable {
    public let model: Sequential
    public let weights: ModelWeights
    /// Where it came from, shown in titles and messages.
    public let source: String
    /// Class names when the source knows them (a run folder), else nil.
    public let classNames: [String]?
    /// What the weights file is: "run folder", "cnnlearn checkpoint" or a `KerasWeights.Format`.
    public let kind: String

    public init(model: Sequential, weights: ModelWeights, source: String, classNames: [String]? = nil, kind: String = "weights") throws(InspectError) {
        do { try weights.check(against: model) } catch { throw InspectError("\(source): \(error)") }
        self.model = model
        self.weights = weights
        self.source = source
        self.classNames = classNames
        self.kind = kind
    }

    /// Opens `path`:
    /// - a run folder (has run.json): model.txt and the checkpoint `weights` names (last, best
    ///   or an epoch); without checkpoints/last.cnnt (a committed run keeps only its epoch
    ///   files) `last` is the highest epoch-NNN.cnnw;
    /// - a Keras `.h5`, `.weights.h5` or `.keras`: the model `model` names (a zoo name or a
    ///   model file; default: guessed from the layer names) on `input`, weights matched by name;
    /// - a cnnlearn checkpoint (`.cnnw`) with `model` naming its model.
    public static func open(_ path: String, model modelName: String? = nil, input: [Int]? = nil,
                            weights which: String = "last", includeTop: Bool = true) throws(InspectError) -> TrainedModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InspectError("\(path): no such file or run folder")
        }
        if isDirectory.boolValue {
            var choice = which
            let checkpoints = path + "/checkpoints/"
            if which == "last", !FileManager.default.fileExists(atPath: checkpoints + "last.cnnt") {
                let epochs = ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? [])
                    .compactMap { $0.hasPrefix("epoch-") && $0.hasSuffix(".cnnw") ? Int($0.dropFirst(6).dropLast(5)) : nil }
                if let last = epochs.max() { choice = String(last) }
            }
            do {
                let saved = try SavedRun(folder: path, weights: choice)
                return try TrainedModel(model: saved.model, weights: saved.weights, source: path, classNames: saved.record.classNames, kind: "run folder")
            } catch let e as InspectError { throw e } catch { throw InspectError("\(error)") }
        }
        var named: Sequential?
        if let n = modelName { named = try namedModel(n, input: input, includeTop: includeTop) }
        if KerasWeights.isWeightFile(path) {
            let k = try KerasWeights(path: path)
            let m: Sequential
            if let named { m = named } else { m = try k.guessModel(input: input, includeTop: includeTop) }
            return try TrainedModel(model: m, weights: k.weights(for: m), source: path, kind: k.format.rawValue)
        }
        if path.lowercased().hasSuffix(".cnnw") {
            guard let m = named else {
                throw InspectError("\(path): a cnnlearn checkpoint holds weights only", hint: "name its model with --model (tutorial, vgg16 or a model file)")
            }
            do {
                return try TrainedModel(model: m, weights: Checkpoint.load(from: path, for: m), source: path, kind: "cnnlearn checkpoint")
            } catch let e as InspectError { throw e } catch { throw InspectError("\(error)") }
        }
        throw InspectError("\(path): not a run folder, a Keras weight file (.h5, .weights.h5, .keras) or a cnnlearn checkpoint (.cnnw)")
    }

    /// A zoo model by name, or a model file when the name is a path that exists or ends in .txt.
    public static func namedModel(_ name: String, input: [Int]?, includeTop: Bool = true) throws(InspectError) -> Sequential {
        if name.lowercased().hasSuffix(".txt") || FileManager.default.fileExists(atPath: name) {
            do { return try ModelFile.read(path: name) } catch { throw InspectError(error.rendered) }
        }
        do { return try ModelZoo.model(named: name, input: input, includeTop: includeTop) } catch { throw InspectError("\(error)") }
    }

    /// An image file prepared as this model's input: (1, H, W, C), each byte times 1/255.
    public func image(_ path: String) throws(InspectError) -> Tensor<Float> {
        do {
            let format = try ImageFormat(input: model.inputShape, source: path)
            return try prepareImages(paths: [path], format: format)
        } catch { throw InspectError("\(error)") }
    }
}
