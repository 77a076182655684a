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
/// The archive is a plain zip with every entry stored (numpy's own `np.savez` does not
/// compress either; trained floats hardly compress). Its bytes depend only on the weights
/// (a fixed 1980-01-01 timestamp), so the same seed exports the same file.
///
/// Not ZIPFoundation: its Linux build declares a clang module named `CZlib`, the name of this
/// package's own zlib module, and a build holding both fails with "redefinition of module
/// 'CZlib'" (module aliases only rename Swift modules). A stored zip is 46 + 30 bytes of
/// header per entry and the CRC-32 that checkpoints already use.
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
        var zip = StoredZip()
        var out: [UInt8] = []
        for (name, tensor) in try arrays(weights, for: model) {
            let payload = try npyBytes(tensor, entry: name)
            out += try zip.add(name: name + ".npy", payload: payload, path: path)
            out += payload
        }
        return out + (try zip.finish(path: path))
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

    /// The `.npy` bytes of one tensor (float32, little-endian) through the project's writer.
    static func npyBytes(_ t: Tensor<Float>, entry: String) throws(NNError) -> [UInt8] {
        do { return try NPY.encode(.float(t), path: entry) } catch {
            throw .invalidArgument("\(entry): \(error)")
        }
    }
}

/// A zip archive of stored (uncompressed) entries, produced piece by piece: `add` gives the
/// local header that goes right before an entry's bytes, `finish` the central directory and
/// its end record. Sizes and offsets are 32-bit (no ZIP64): an entry or archive of 4 GiB or
/// more, or 65,535 entries, is an error rather than a file numpy cannot read.
struct StoredZip {
    private var central: [UInt8] = []
    private var offset = 0
    private var count = 0

    /// MS-DOS time 00:00:00 and date 1980-01-01, the earliest a zip can hold: a fixed stamp
    /// keeps the archive's bytes a function of its contents.
    static let dosTime: UInt16 = 0, dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    /// Zip spec 2.0, the version that introduced the stored/deflated entries numpy writes.
    static let version: UInt16 = 20

    /// The local file header for an entry holding `payload`; `path` names the archive in errors.
    mutating func add(name: String, payload: [UInt8], path: String) throws(NNError) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        guard payload.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, count < 0xFFFF, nameBytes.count <= 0xFFFF else {
            throw .checkpoint(path: path, message: "the weights are too large for a zip without ZIP64 (entry \(name), \(payload.count) bytes at offset \(offset))")
        }
        let crc = CRC32.checksum(payload)
        // Bit 11 says the name is UTF-8; without it readers take the bytes as code page 437.
        let flags: UInt16 = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
        var local: [UInt8] = []
        Self.u32(0x0403_4B50, &local)
        Self.u16(Self.version, &local); Self.u16(flags, &local); Self.u16(0, &local)  // stored
        Self.u16(Self.dosTime, &local); Self.u16(Self.dosDate, &local)
        Self.u32(crc, &local); Self.u32(UInt32(payload.count), &local); Self.u32(UInt32(payload.count), &local)
        Self.u16(UInt16(nameBytes.count), &local); Self.u16(0, &local)
        local += nameBytes

        Self.u32(0x0201_4B50, &central)
        Self.u16(Self.version, &central); Self.u16(Self.version, &central)
        Self.u16(flags, &central); Self.u16(0, &central)
        Self.u16(Self.dosTime, &central); Self.u16(Self.dosDate, &central)
        Self.u32(crc, &central); Self.u32(UInt32(payload.count), &central); Self.u32(UInt32(payload.count), &central)
        Self.u16(UInt16(nameBytes.count), &central)
        Self.u16(0, &central); Self.u16(0, &central)  // extra field, comment
        Self.u16(0, &central); Self.u16(0, &central); Self.u32(0, &central)  // disk, internal and external attributes
        Self.u32(UInt32(offset), &central)
        central += nameBytes

        offset += local.count + payload.count
        count += 1
        return local
    }

    /// The central directory and the end-of-central-directory record, which close the archive.
    func finish(path: String) throws(NNError) -> [UInt8] {
        guard offset < 0xFFFF_FFFF, central.count < 0xFFFF_FFFF else {
            throw .checkpoint(path: path, message: "the weights are too large for a zip without ZIP64 (\(offset) bytes)")
        }
        var end = central
        Self.u32(0x0605_4B50, &end)
        Self.u16(0, &end); Self.u16(0, &end)  // this disk, the directory's disk
        Self.u16(UInt16(count), &end); Self.u16(UInt16(count), &end)
        Self.u32(UInt32(central.count), &end); Self.u32(UInt32(offset), &end)
        Self.u16(0, &end)  // comment length
        return end
    }

    static func u16(_ v: UInt16, _ out: inout [UInt8]) { out += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func u32(_ v: UInt32, _ out: inout [UInt8]) {
        out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
    }
}
