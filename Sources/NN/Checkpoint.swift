import Foundation
import Tensor

/// Saving and loading model weights in the `.cnnw` format, version 1.
///
/// All integers are unsigned 32-bit little-endian; floats are IEEE float32 little-endian.
///
///     "CNNW"                       magic, 4 bytes
///     version                      u32 = 1
///     layer count L                u32 (every layer of the model, with or without parameters)
///     L times:
///       name length, name          u32, UTF-8 bytes (the layer's name in the model)
///       type length, type          u32, UTF-8 bytes (the Keras class name, e.g. Conv2D)
///       tensor count T             u32 (2 for kernel and bias, 0 for pooling, ...)
///       T times: rank R, R extents, then the elements in row-major order
///     CRC-32 of every byte above   u32 (zlib's CRC-32)
///
/// Files are written to a temporary name beside the target and renamed into place, so a
/// reader never sees half a file.
public enum Checkpoint {
    public static let magic: [UInt8] = Array("CNNW".utf8)
    public static let version: UInt32 = 1

    /// The bytes of a weights file for a model.
    public static func encode(_ weights: ModelWeights, for model: Sequential) throws(NNError) -> [UInt8] {
        try weights.check(against: model)
        var out = magic
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        func text(_ s: String) { let b = Array(s.utf8); u32(b.count); out.append(contentsOf: b) }
        u32(Int(version))
        u32(model.layers.count)
        for (l, ts) in zip(model.layers, weights.tensors) {
            text(l.name)
            text(l.typeName)
            u32(ts.count)
            for t in ts {
                u32(t.rank)
                for d in t.shape { u32(d) }
                out.reserveCapacity(out.count + t.count * 4)
                for v in t.scalars { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        u32(Int(CRC32.checksum(out)))
        return out
    }

    /// Writes a model's weights to `path` atomically.
    public static func save(_ weights: ModelWeights, for model: Sequential, to path: String) throws(NNError) {
        let bytes = try encode(weights, for: model)
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .checkpoint(path: path, message: "cannot write weights: \(error.reason)")
        }
    }

    /// Reads weights from `path` for a model; errors name the path and, for a file made for
    /// another model, the first mismatching layer and shapes.
    public static func load(from path: String, for model: Sequential) throws(NNError) -> ModelWeights {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .checkpoint(path: path, message: "cannot read weights: \(error.localizedDescription)")
        }
        do { return try decode(Array(data), for: model) } catch {
            throw .checkpoint(path: path, message: error)
        }
    }

    /// Parses the bytes of a weights file for a model. Errors are messages without the path.
    public static func decode(_ bytes: [UInt8], for model: Sequential) throws(CheckpointFormatError) -> ModelWeights {
        var r = ByteReader(bytes: bytes)
        guard bytes.count >= 16, Array(bytes[0..<4]) == magic else {
            throw CheckpointFormatError("not a cnnlearn weights file (no CNNW header)")
        }
        let stored = bytes.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard CRC32.checksum(bytes.dropLast(4)) == stored else {
            throw CheckpointFormatError("checksum mismatch: the file is damaged or truncated")
        }
        r.position = 4
        let v = try r.u32()
        guard v == version else {
            throw CheckpointFormatError("weights format version \(v) is not supported (this build reads version \(version))")
        }
        let count = try r.u32()
        var tensors: [[Tensor<Float>]] = []
        for i in 0..<count {
            let name = try r.text(), type = try r.text()
            guard i < model.layers.count else {
                throw CheckpointFormatError("made for another model: layer \(i + 1) '\(name)' (\(type)) is in the file but model \(model.name) has only \(model.layers.count) layers")
            }
            let l = model.layers[i]
            guard name == l.name, type == l.typeName else {
                throw CheckpointFormatError("made for another model: layer \(i + 1) is '\(name)' (\(type)) in the file but '\(l.name)' (\(l.typeName)) in model \(model.name)")
            }
            var ts: [Tensor<Float>] = []
            for _ in 0..<(try r.u32()) {
                let rank = try r.u32()
                guard rank <= 8 else { throw CheckpointFormatError("layer '\(name)': tensor rank \(rank) is out of range") }
                var shape: [Int] = []
                var elements = 1
                for _ in 0..<rank {
                    let d = try r.u32()
                    let (p, o) = elements.multipliedReportingOverflow(by: d)
                    guard !o, p <= bytes.count else { throw CheckpointFormatError("layer '\(name)': a tensor is larger than the file") }
                    shape.append(d)
                    elements = p
                }
                // The one shape check where a shape enters from a file (a zero extent beside
                // huge ones passes the size test above but not this).
                guard (try? ShapeCheck.count(shape)) != nil else {
                    throw CheckpointFormatError("layer '\(name)': tensor shape \(formatShape(shape)) is out of range")
                }
                ts.append(Tensor(shape: shape, scalars: try r.floats(elements)))
            }
            guard ts.map(\.shape) == l.parameterShapes else {
                throw CheckpointFormatError("made for another model: layer '\(name)' (\(type)) has parameters \(ts.map { formatShape($0.shape) }) in the file but \(l.parameterShapes.map(formatShape)) in model \(model.name)")
            }
            tensors.append(ts)
        }
        guard count == model.layers.count else {
            throw CheckpointFormatError("made for another model: the file has \(count) layers but model \(model.name) has \(model.layers.count); the first missing layer is '\(model.layers[count].name)'")
        }
        guard r.position == bytes.count - 4 else { throw CheckpointFormatError("unexpected bytes after the last layer") }
        return ModelWeights(tensors: tensors)
    }
}

/// What is wrong inside a weights file (the caller adds the path).
public struct CheckpointFormatError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ m: String) { description = m }
}

extension NNError {
    static func checkpoint(path: String, message: CheckpointFormatError) -> NNError {
        .checkpoint(path: path, message: message.description)
    }
}

/// Reads little-endian fields from a byte array, failing cleanly at the end of the data.
struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    mutating func u32() throws(CheckpointFormatError) -> Int {
        guard position + 4 <= bytes.count - 4 else { throw CheckpointFormatError("the file ends in the middle of a record") }
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[position + k]) << (8 * UInt32(k)) }
        position += 4
        return Int(v)
    }

    mutating func text() throws(CheckpointFormatError) -> String {
        let n = try u32()
        guard position + n <= bytes.count - 4 else { throw CheckpointFormatError("the file ends in the middle of a name") }
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }

    mutating func floats(_ n: Int) throws(CheckpointFormatError) -> [Float] {
        guard n >= 0, position + 4 * n <= bytes.count - 4 else { throw CheckpointFormatError("the file ends in the middle of a tensor") }
        var out = [Float](repeating: 0, count: n)
        bytes.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let o = position + 4 * i
                let bits = UInt32(p[o]) | UInt32(p[o + 1]) << 8 | UInt32(p[o + 2]) << 16 | UInt32(p[o + 3]) << 24
                out[i] = Float(bitPattern: bits)
            }
        }
        position += 4 * n
        return out
    }
}
