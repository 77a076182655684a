import Foundation
import Imaging
import NN
import Tensor

/// The weights of a Keras weight file, by layer name, as Keras wrote them:
///
/// - Keras 2's HDF5 (`model.save_weights('x.h5')`, also the VGG16 files Keras downloads, and
///   `model.save('x.h5')` with its `model_weights` group): the root's attribute `layer_names`
///   lists the layers; each layer group's `weight_names` lists its datasets in Keras order
///   (kernel, bias), whatever they are called (`conv_1/kernel:0`, `block1_conv1_W_1:0`).
/// - Keras 3's `.weights.h5`: `layers/<group>/vars/0, 1, ...`, the layer's name in the vars
///   group's `name` attribute (Keras 3.15), or the group's own name.
/// - Keras 3's `.keras`: a zip holding `model.weights.h5` (read in memory) and `config.json`,
///   whose input shape is kept in `inputShape`.
public struct KerasWeights: Sendable {
    public enum Format: String, Sendable {
        case keras2 = "Keras 2 HDF5"
        case keras3 = "Keras 3 .weights.h5"
        case kerasArchive = "Keras 3 .keras"
    }

    public let path: String
    public let format: Format
    /// Layers in the file's order, each with its weight tensors in Keras order; layers
    /// without weights (pooling, flatten) are left out.
    public let layers: [(name: String, tensors: [Tensor<Float>])]
    /// The model's input shape per example from a `.keras` archive's config, e.g. [28, 28, 1].
    public let inputShape: [Int]?

    /// Whether a path names a file this type reads, by its ending.
    public static func isWeightFile(_ path: String) -> Bool {
        let p = path.lowercased()
        return p.hasSuffix(".h5") || p.hasSuffix(".hdf5") || p.hasSuffix(".keras")
    }

    /// Reads a `.h5`, `.weights.h5` or `.keras` file (told apart by content, not name).
    public init(path: String) throws(InspectError) {
        self.path = path
        // The first bytes tell a zip (.keras) from HDF5; libhdf5 reads the rest itself.
        guard FileManager.default.fileExists(atPath: path), let handle = FileHandle(forReadingAtPath: path) else {
            throw InspectError("\(path): no such file or not readable")
        }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        try? handle.close()
        if head == [0x50, 0x4B, 3, 4] {
            let bytes: [UInt8]
            do { bytes = try readFileBytes(path: path) } catch { throw InspectError("\(path): \(error.message)") }
            guard let h5 = try ZipArchive.read("model.weights.h5", from: bytes, path: path) else {
                throw InspectError("\(path): a zip without model.weights.h5, so not a Keras 3 .keras file")
            }
            format = .kerasArchive
            layers = try Self.readHDF5(path + ":model.weights.h5", image: h5).layers
            inputShape = try (ZipArchive.read("config.json", from: bytes, path: path)).flatMap(Self.inputShape(config:))
        } else {
            let (f, l) = try Self.readHDF5(path, image: nil)
            format = f
            layers = l
            inputShape = nil
        }
    }

    static func readHDF5(_ path: String, image: [UInt8]?) throws(InspectError) -> (format: Format, layers: [(name: String, tensors: [Tensor<Float>])]) {
        try HDF5File.withFile(path, image: image) { (f) throws(InspectError) in
            // Keras 2, weights only: layer_names on the root; a whole model: in model_weights.
            for root in ["/", "model_weights"] {
                let found = try f.withGroup(root) { (g) throws(InspectError) -> [(name: String, tensors: [Tensor<Float>])]? in
                    guard let names = try f.strings(attribute: "layer_names", of: g) else { return nil }
                    return try keras2Layers(f, g, names)
                }
                if let layers = found ?? nil { return (.keras2, layers) }
            }
            if let layers = try f.withGroup("layers", { (g) throws(InspectError) in try keras3Layers(f, g) }) {
                return (image == nil ? .keras3 : .kerasArchive, layers)
            }
            throw InspectError("\(path): an HDF5 file but not a Keras weight file (no layer_names attribute, no layers group)",
                               hint: "Keras writes these with model.save_weights(...) or model.save(...)")
        }
    }

    static func keras2Layers(_ f: HDF5File, _ root: HDF5File.Group, _ names: [String]) throws(InspectError) -> [(name: String, tensors: [Tensor<Float>])] {
        var out: [(name: String, tensors: [Tensor<Float>])] = []
        for name in names {
            let tensors = try f.withGroup(name, in: root) { (g) throws(InspectError) -> [Tensor<Float>] in
                var ts: [Tensor<Float>] = []
                for w in try f.strings(attribute: "weight_names", of: g) ?? [] { ts.append(try f.floats(w, in: g)) }
                return ts
            }
            guard let tensors else { throw InspectError("\(f.path): layer_names lists \(name) but the file has no group /\(name)") }
            if !tensors.isEmpty { out.append((name, tensors)) }
        }
        return out
    }

    static func keras3Layers(_ f: HDF5File, _ root: HDF5File.Group) throws(InspectError) -> [(name: String, tensors: [Tensor<Float>])] {
        var out: [(name: String, tensors: [Tensor<Float>])] = []
        for group in f.members(of: root) where f.isGroup(group, in: root) {
            let layer = try f.withGroup(group, in: root) { (g) throws(InspectError) -> (name: String, tensors: [Tensor<Float>])? in
                try f.withGroup("vars", in: g) { (v) throws(InspectError) -> (name: String, tensors: [Tensor<Float>]) in
                    let name = try f.strings(attribute: "name", of: v)?.first ?? group
                    // Variables are numbered 0, 1, ... in Keras order; HDF5 lists names sorted as text.
                    let indices = f.members(of: v).compactMap(Int.init).sorted()
                    guard indices == Array(0..<indices.count) else {
                        throw InspectError("\(f.path): /\(v.name) holds variables \(indices) instead of 0..<\(indices.count)")
                    }
                    var ts: [Tensor<Float>] = []
                    for i in indices { ts.append(try f.floats(String(i), in: v)) }
                    return (name, ts)
                } ?? nil
            }
            if let layer = layer ?? nil, !layer.tensors.isEmpty { out.append(layer) }
        }
        return out
    }

    /// The input shape per example in a `.keras` config: the first `batch_shape` (Keras 3) or
    /// `batch_input_shape` (Keras 2) found, without its batch axis.
    static func inputShape(config: [UInt8]) -> [Int]? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(config)) else { return nil }
        func find(_ v: Any) -> [Int]? {
            if let d = v as? [String: Any] {
                for key in ["batch_shape", "batch_input_shape"] {
                    if let s = d[key] as? [Any], s.count >= 2 {
                        let dims = s.dropFirst().compactMap { ($0 as? NSNumber)?.intValue }
                        if dims.count == s.count - 1 { return dims }
                    }
                }
                for key in d.keys.sorted() { if let r = find(d[key]!) { return r } }
            } else if let a = v as? [Any] {
                for x in a { if let r = find(x) { return r } }
            }
            return nil
        }
        return find(json)
    }

    /// The names of the layers that have weights.
    public var layerNames: [String] { layers.map(\.name) }

    /// The weights for `model`, every layer with parameters matched by name and shape.
    ///
    /// A layer of the model that the file does not have, or has with other shapes, is an error
    /// naming the layer, both shapes and the file. Layers of the file the model does not have
    /// are ignored, as Keras' `load_weights(by_name=True)` does (a VGG16 file with its top
    /// loads into VGG16 without it).
    public func weights(for model: Sequential) throws(InspectError) -> ModelWeights {
        var tensors: [[Tensor<Float>]] = []
        for l in model.layers {
            if l.parameterShapes.isEmpty { tensors.append([]); continue }
            guard let found = layers.first(where: { $0.name == l.name }) else {
                throw InspectError("layer \(l.name) (\(l.typeName)) of model \(model.name) is not in \(path); the file's layers with weights: \(layerNames.joined(separator: ", "))",
                                   hint: "layers are matched by name; give the model whose layers the file was saved from (--model)")
            }
            let got = found.tensors.map(\.shape)
            guard got == l.parameterShapes else {
                throw InspectError("layer \(l.name) (\(l.typeName)) of model \(model.name) needs weights \(l.parameterShapes.map(formatShape).joined(separator: ", ")) but \(path) holds \(got.map(formatShape).joined(separator: ", ")) for \(found.name)",
                                   hint: l.typeName == "Dense" ? "a Dense layer after Flatten has as many inputs as the image has pixels: check the input size (--input)" : nil)
            }
            tensors.append(found.tensors)
        }
        return ModelWeights(tensors: tensors)
    }

    /// The zoo model these weights look like, when none is named: VGG16 (with its top when the
    /// file has fc1) or the tutorial's CNN (classes from the output layer's bias, input from
    /// the archive's config, else 28x28x1 for one channel and 150x150x3 for three).
    public func guessModel(input: [Int]? = nil, includeTop: Bool = true) throws(InspectError) -> Sequential {
        let names = Set(layerNames)
        do {
            if names.contains("block1_conv1") {
                return try ModelZoo.vgg16(input: input ?? inputShape, includeTop: includeTop && names.contains("fc1"))
            }
            if names.contains("conv_1"), let out = layers.first(where: { $0.name == "output" }),
               let k = layers.first(where: { $0.name == "conv_1" })?.tensors.first, k.rank == 4 {
                let classes = out.tensors.last?.count ?? 1
                let shape = input ?? inputShape ?? (k.shape[2] == 1 ? [28, 28, 1] : [150, 150, k.shape[2]])
                return try ModelZoo.tutorial(input: shape, classes: classes < 2 ? 2 : classes)
            }
        } catch {
            throw InspectError("\(path): \(error)")
        }
        throw InspectError("\(path): cannot tell which model these weights belong to (layers with weights: \(layerNames.joined(separator: ", ")))",
                           hint: "name it with --model tutorial, vgg16 or a model file")
    }
}
