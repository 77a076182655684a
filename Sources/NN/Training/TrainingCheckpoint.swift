import Foundation
import Tensor

/// Everything a training run needs to go on exactly where it stopped, in one file (`.cnnt`,
/// format version 1): the weights, the optimizer's state, where the run stands in its plan,
/// the history so far, and a fingerprint of the run's settings and data.
///
/// All integers are unsigned little-endian; floats are IEEE float32 little-endian.
///
///     "CNNT"                        magic, 4 bytes
///     version                       u32 = 1
///     header length, header         u32, UTF-8 JSON (`Header`: fingerprint, optimizer name and
///                                   update count, position, steps, history)
///     weights length, weights       u32, a complete `.cnnw` file (Checkpoint.encode)
///     slot kinds K                  u32; K times: tensors T (u32), T times: count (u32), floats
///     CRC-32 of every byte above    u32 (zlib's CRC-32)
///
/// Files are written with `AtomicFile` (temporary name, fsync, rename), so a run killed at any
/// moment leaves its previous checkpoint whole.
public struct TrainingCheckpoint: Sendable, Equatable {
    public static let magic: [UInt8] = Array("CNNT".utf8)
    public static let version: UInt32 = 1

    /// What the checkpoint records besides the tensors.
    public struct Header: Codable, Sendable, Equatable {
        /// A hash of the run's settings and data file list: resuming with other settings or
        /// other data is refused.
        public var fingerprint: String
        public var optimizer: String
        public var optimizerIterations: Int
        public var steps: Int
        public var position: FitPosition
        public var history: [EpochRecord]
    }

    public var header: Header
    public var weights: ModelWeights
    public var slots: [[[Float]]]

    public init(fingerprint: String, trainer: Trainer<some Optimizer>, position: FitPosition, history: [EpochRecord]) {
        let state = trainer.optimizer.state
        header = Header(fingerprint: fingerprint, optimizer: trainer.optimizer.name, optimizerIterations: state.iterations,
                        steps: trainer.steps, position: position, history: history)
        weights = trainer.weights
        slots = state.slots
    }

    /// Puts the checkpoint's weights, optimizer state and step count into `trainer`.
    public func restore<O: Optimizer>(into trainer: inout Trainer<O>) throws(NNError) {
        guard header.optimizer == trainer.optimizer.name else {
            throw .invalidArgument("the checkpoint was made with optimizer \(header.optimizer), not \(trainer.optimizer.name)")
        }
        try weights.check(against: trainer.model)
        trainer.weights = weights
        trainer.optimizer.state = OptimizerState(iterations: header.optimizerIterations, slots: slots)
        trainer.restoreSteps(header.steps)
    }

    /// The file's bytes.
    public func encode(for model: Sequential) throws(NNError) -> [UInt8] {
        var out = Self.magic
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        u32(Int(Self.version))
        let json: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            json = try encoder.encode(header)
        } catch {
            throw .invalidArgument("cannot encode the checkpoint header: \(error)")
        }
        u32(json.count)
        out.append(contentsOf: json)
        let w = try Checkpoint.encode(weights, for: model)
        u32(w.count)
        out.append(contentsOf: w)
        u32(slots.count)
        for kind in slots {
            u32(kind.count)
            for t in kind {
                u32(t.count)
                for v in t { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        u32(Int(CRC32.checksum(out)))
        return out
    }

    /// Writes the checkpoint to `path` atomically.
    public func save(to path: String, for model: Sequential) throws(NNError) {
        let bytes = try encode(for: model)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw .checkpoint(path: path, message: "cannot write the checkpoint: \(error.reason)")
        }
    }

    /// Reads a checkpoint for `model`; every problem (missing, damaged, another version, made
    /// for another model) is one error naming the path.
    public static func load(from path: String, for model: Sequential) throws(NNError) -> TrainingCheckpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .checkpoint(path: path, message: FileManager.default.fileExists(atPath: path) ? "cannot read the checkpoint" : "no such checkpoint")
        }
        do { return try decode(Array(data), for: model) } catch {
            throw .checkpoint(path: path, message: error)
        }
    }

    /// Parses a checkpoint's bytes. Errors are messages without the path.
    public static func decode(_ bytes: [UInt8], for model: Sequential) throws(CheckpointFormatError) -> TrainingCheckpoint {
        guard bytes.count >= 12, Array(bytes[0..<4]) == magic else {
            throw CheckpointFormatError("not a cnnlearn training checkpoint (no CNNT header)")
        }
        let stored = bytes.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard CRC32.checksum(bytes.dropLast(4)) == stored else {
            throw CheckpointFormatError("checksum mismatch: the checkpoint is damaged or truncated")
        }
        var r = ByteReader(bytes: bytes)
        r.position = 4
        let v = try r.u32()
        guard v == version else {
            throw CheckpointFormatError("checkpoint format version \(v) is not supported (this build reads version \(version))")
        }
        let headerBytes = try r.bytes(try r.u32())
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(headerBytes)) } catch {
            throw CheckpointFormatError("the checkpoint's header is not valid (\(error))")
        }
        let weights = try Checkpoint.decode(try r.bytes(try r.u32()), for: model)
        var slots: [[[Float]]] = []
        let kinds = try r.u32()
        guard kinds <= 8 else { throw CheckpointFormatError("\(kinds) kinds of optimizer slots is out of range") }
        for _ in 0..<kinds {
            var kind: [[Float]] = []
            let tensors = try r.u32()
            guard tensors <= bytes.count else { throw CheckpointFormatError("a slot list is larger than the file") }
            for _ in 0..<tensors { kind.append(try r.floats(try r.u32())) }
            slots.append(kind)
        }
        guard r.position == bytes.count - 4 else { throw CheckpointFormatError("unexpected bytes after the optimizer state") }
        var c = TrainingCheckpoint(header: header, weights: weights, slots: slots)
        c.header = header
        return c
    }

    init(header: Header, weights: ModelWeights, slots: [[[Float]]]) {
        self.header = header; self.weights = weights; self.slots = slots
    }
}

extension ByteReader {
    /// The next `n` bytes.
    mutating func bytes(_ n: Int) throws(CheckpointFormatError) -> [UInt8] {
        guard n >= 0, position + n <= bytes.count - 4 else { throw CheckpointFormatError("the file ends in the middle of a record") }
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }
}
