import Tensor

/// Trained weights as a numpy `.npz` that loads into the same Keras 3 model in a few lines:
/// the way out for a learner who outgrows cnnlearn.
///
/// Entries, in model order (numpy's `NpzFile.files` keeps it): `NAME/kernel.npy` then
/// `NAME/bias.npy` for every layer with parameters, NAME being the layer's name in the
/// `Sequential` (the declared name, or Keras' automatic `conv2d`, `conv2d_1`, ..., `dense`, ...).
/// `np.load` drops the `.npy`, so a key is `conv_1/kernel`, which is the Keras 3 layer's name and
/// its variable's name. Kernels are already in Keras' layouts, conv (KH,KW,CIN,COUT) and dense
/// (IN,OUT), biases (COUT) and (OUT); every array is float32. Hence, for a Keras model built with the same
/// layers and names (scripts/check_npz_in_keras.py checks this against real Keras):
///
///     w = np.load("weights.npz")
///     for layer in model.layers:
///         if layer.weights:
///             layer.set_weights([w[f"{layer.name}/{v.name}"] for v in layer.weights])
///
/// or, names aside, `model.set_weights([w[k] for k in w.files])`.
///
/// The archive is `NPZ`'s (a plain zip, `Zip.Writer`) with every entry stored (numpy's own `np.savez`
/// does not compress either; trained floats hardly compress). Its bytes depend only on the
/// weights (a fixed 1980-01-01 timestamp), so the same seed exports the same file.
public enum KerasExport {
    /// The Keras variable names of a layer's parameters, in `parameterShapes` order.
    static let variableNames = ["kernel", "bias"]

    /// The arrays the archive holds, in order: entry name without `.npy`, and the tensor.
    ///
    /// Throws `NNError.invalidModel` when the weights do not fit the model, and
    /// `.invalidArgument` for a layer name Keras would refuse to hold (one with a `/`, which
    /// Keras 3 rejects and which would make the entry names ambiguous).
    public static func arrays(_ weights: ModelWeights, for model: Sequential) throws(NNError) -> [(name: String, tensor: Tensor<Float>)] {
        try weights.check(against: model)
        var out: [(name: String, tensor: Tensor<Float>)] = []
        for (layer, tensors) in zip(model.layers, weights.tensors) where !tensors.isEmpty {
            guard !layer.name.contains("/") else {
                throw .invalidArgument("layer name '\(layer.name)' contains '/', which Keras does not allow in a layer name; rename the layer to export its weights")
            }
            guard tensors.count <= variableNames.count else {
                throw .invalidModel("layer \(layer.name) (\(layer.typeName)) has \(tensors.count) parameter tensors; Keras export knows kernel and bias only")
            }
            for (t, variable) in zip(tensors, variableNames) { out.append(("\(layer.name)/\(variable)", t)) }
        }
        return out
    }

    /// The bytes of the `.npz` file for a model's weights.
    public static func encode(_ weights: ModelWeights, for model: Sequential) throws(NNError) -> [UInt8] {
        try encode(weights, for: model, naming: "<npz>")
    }

    /// `encode`, with `path` naming the file in errors.
    static func encode(_ weights: ModelWeights, for model: Sequential, naming path: String) throws(NNError) -> [UInt8] {
        let arrays = try arrays(weights, for: model).map { ($0.name, NPYArray.float($0.tensor)) }
        do { return try NPZ.encode(arrays, path: path) } catch {
            throw .checkpoint(path: path, message: "cannot export the weights: \(error)")
        }
    }

    /// Writes a model's weights to `path` as `.npz` through the engine's one atomic writer
    /// (`AtomicFile`: exclusive temporary name beside `path`, fsync, rename), so a reader finds
    /// the old file or the whole new one, never half of it, and a failure leaves no temporary
    /// file behind.
    public static func write(_ weights: ModelWeights, for model: Sequential, to path: String) throws(NNError) {
        let bytes = try encode(weights, for: model, naming: path)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw .checkpoint(path: path, message: "cannot write the file (\(error.reason))")
        }
    }
}
