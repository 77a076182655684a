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

/// A layer specification from which output shapes are worked out with the engine's
/// `WindowGeometry` (Keras rules: 'same' keeps H and W, pooling floors).
enum LayerSpec {
    case input([Int])
    case conv(String, filters: Int, kernel: Int)
    case pool(String, size: Int)
    case flatten(String)
    case dropout(String, rate: Double)
    case dense(String, units: Int)

    /// The rows of a sequence of layers; stages are named by `stageOf` from the layer name.
    static func rows(_ specs: [LayerSpec], stageOf: (String) -> String) throws(TensorError) -> [LayerRow] {
        var shape = [Int]()
        var rows = [LayerRow]()
        for spec in specs {
            switch spec {
            case .input(let s):
                shape = s
                rows.append(LayerRow(name: "input", type: "InputLayer", shape: s, stage: "input"))
            case .conv(let name, let f, let k):
                let g = try WindowGeometry(inputHeight: shape[0], inputWidth: shape[1], kernelHeight: k, kernelWidth: k, padding: .same)
                shape = [g.outputHeight, g.outputWidth, f]
                rows.append(LayerRow(name: name, type: "Conv2D", shape: shape, stage: stageOf(name)))
            case .pool(let name, let k):
                let g = try WindowGeometry(inputHeight: shape[0], inputWidth: shape[1], kernelHeight: k, kernelWidth: k, stride: (k, k), padding: .valid)
                shape = [g.outputHeight, g.outputWidth, shape[2]]
                rows.append(LayerRow(name: name, type: "MaxPooling2D", shape: shape, stage: stageOf(name)))
            case .flatten(let name):
                shape = [shape.reduce(1, *)]
                rows.append(LayerRow(name: name, type: "Flatten", shape: shape, stage: "classifier"))
            case .dropout(let name, _):
                rows.append(LayerRow(name: name, type: "Dropout", shape: shape, stage: "classifier"))
            case .dense(let name, let units):
                shape = [units]
                rows.append(LayerRow(name: name, type: "Dense", shape: shape, stage: "classifier"))
            }
        }
        return rows
    }

    /// The tutorial's cats-and-dogs model (section 4): four conv 3x3 'same' + max pool 2x2
    /// blocks with 32, 64, 128, 128 filters, then Flatten, Dropout(0.5), Dense 512, 256, 1.
    static var tutorialModel: [LayerSpec] {
        var s: [LayerSpec] = [.input([150, 150, 3])]
        for (i, f) in [32, 64, 128, 128].enumerated() {
            s += [.conv("conv_\(i + 1)", filters: f, kernel: 3), .pool("maxpool_\(i + 1)", size: 2)]
        }
        return s + [.flatten("flatten"), .dropout("dropout", rate: 0.5), .dense("dense_1", units: 512),
                    .dense("dense_2", units: 256), .dense("output", units: 1)]
    }

    /// VGG16 (section 5): five blocks of 3x3 'same' convolutions (2, 2, 3, 3, 3 of them with
    /// 64, 128, 256, 512, 512 filters), each followed by a 2x2 max pool, then fc1, fc2, predictions.
    static var vgg16: [LayerSpec] {
        var s: [LayerSpec] = [.input([224, 224, 3])]
        for (b, (n, f)) in [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)].enumerated() {
            for c in 1...n { s.append(.conv("block\(b + 1)_conv\(c)", filters: f, kernel: 3)) }
            s.append(.pool("block\(b + 1)_pool", size: 2))
        }
        return s + [.flatten("flatten"), .dense("fc1", units: 4096), .dense("fc2", units: 4096), .dense("predictions", units: 1000)]
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
