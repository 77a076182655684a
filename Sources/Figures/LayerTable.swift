import NN
import Tensor

/// One layer of a model as the architecture diagram needs it: Keras name, Keras type, output
/// shape without the batch axis, and the stage (block) it belongs to.
public struct LayerRow: Sendable, Equatable {
    public var name: String
    public var type: String
    public var shape: [Int]
    public var stage: String

    public init(name: String, type: String, shape: [Int], stage: String) {
        self.name = name
        self.type = type
        self.shape = shape
        self.stage = stage
    }
}

extension LayerRow {
    /// The rows of an NN model: the input (listed even when the model has no Input layer), then
    /// every layer with its Keras type and output shape as module NN works them out. Flatten,
    /// Dropout and Dense belong to the stage "classifier"; other layers to `stageOf(name)`.
    static func rows(of model: Sequential, stageOf: (String) -> String) -> [LayerRow] {
        var rows: [LayerRow] = []
        if !(model.layers.first?.layer is Input) {
            rows.append(LayerRow(name: "input", type: "InputLayer", shape: model.inputShape, stage: "input"))
        }
        for l in model.layers {
            let stage = l.layer is Input ? "input" : (["Flatten", "Dropout", "Dense"].contains(l.typeName) ? "classifier" : stageOf(l.name))
            rows.append(LayerRow(name: l.layer is Input ? "input" : l.name, type: l.typeName, shape: l.outputShape, stage: stage))
        }
        return rows
    }

    /// The tutorial model's stage of a layer: its number ("conv_2" -> "block 2").
    static func tutorialStage(_ name: String) -> String {
        "block " + String(name.split(separator: "_").last ?? "")
    }

    /// VGG's stage of a layer: the part before the underscore ("block3_conv1" -> "block3").
    static func vggStage(_ name: String) -> String {
        String(name.split(separator: "_").first ?? "")
    }
}

/// A zoo model from module NN by name, or a figure error listing the known ones.
func zooModel(_ name: String, figure id: String) throws(FigureError) -> Sequential {
    do {
        return try ModelZoo.model(named: name)
    } catch {
        throw FigureError("figure \"\(id)\": unknown model \"\(name)\"", hint: "known models: \(ModelZoo.names.joined(separator: ", "))")
    }
}

extension FigureArguments {
    /// `layers: [[name, type, [shape]], ...]` as a lesson passes it (stage = "block N" from a
    /// trailing number of the name, "classifier" for Flatten/Dropout/Dense); nil when absent.
    func layerRows(_ label: String, stageOf: (String) -> String) throws(FigureError) -> [LayerRow]? {
        guard let v = request.labelled[label] ?? request.positional.first else { return nil }
        let bad = FigureError("figure \"\(request.id)\": \(label) must be a list of [name, type, [sizes]]")
        guard case .list(let items) = v, !items.isEmpty else { throw bad }
        var rows = [LayerRow]()
        for item in items {
            guard case .list(let parts) = item, parts.count == 3, case .string(let name) = parts[0], case .string(let type) = parts[1] else { throw bad }
            var shape = [Int]()
            switch parts[2] {
            case .int(let n): shape = [n]
            case .list(let dims):
                for d in dims { guard case .int(let n) = d else { throw bad }; shape.append(n) }
            case .intTensor(let t): shape = t.scalars
            default: throw bad
            }
            let stage = ["Flatten", "Dropout", "Dense"].contains(type) ? "classifier" : (type == "InputLayer" ? "input" : stageOf(name))
            rows.append(LayerRow(name: name, type: type, shape: shape, stage: stage))
        }
        return rows
    }
}
