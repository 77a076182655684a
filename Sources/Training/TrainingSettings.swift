import Foundation
import Imaging
import NN
import Tensor

/// Every setting of a training run, as `run.json` records it and `--resume` reads it back.
public struct TrainingSettings: Codable, Sendable, Equatable {
    /// `fashion-mnist` or a folder path, as given to `--data`.
    public var data: String
    /// Class names or indices as given (`tshirt,shirt`, `0,6`), or nil for every class.
    public var classes: [String]?
    /// Images per class: train, validation, test (nil: all the rest; 0: none).
    public var train: Int?
    public var validation: Int?
    public var test: Int?
    /// `tutorial` or a model file's path.
    public var model: String
    /// HxWxC the images are brought to (a built-in model's input); nil: the data's default.
    public var size: String?
    public var epochs: Int
    public var batch: Int
    public var stepsPerEpoch: Int?
    /// `adam`, `sgd` or `rmsprop`.
    public var optimizer: String
    /// nil: the optimizer's Keras default.
    public var learningRate: Float?
    public var seed: UInt64
    /// Stop instead of skipping a corrupt image.
    public var strict: Bool
    /// Augmentation of the training images (`tutorial`, or "rotation=10,shift=0.1,flip"), or nil.
    public var augment: String?

    public init(data: String, classes: [String]? = nil, train: Int? = nil, validation: Int? = 0, test: Int? = 0,
                model: String = "tutorial", size: String? = nil, epochs: Int = 1, batch: Int = 32, stepsPerEpoch: Int? = nil,
                optimizer: String = "adam", learningRate: Float? = nil, seed: UInt64 = 0, strict: Bool = false,
                augment: String? = nil) {
        self.data = data; self.classes = classes; self.train = train; self.validation = validation; self.test = test
        self.model = model; self.size = size; self.epochs = epochs; self.batch = batch; self.stepsPerEpoch = stepsPerEpoch
        self.optimizer = optimizer; self.learningRate = learningRate; self.seed = seed; self.strict = strict
        self.augment = augment
    }

    /// Checks what can be checked before any file is read; the first problem is the error.
    public func validate() throws(TrainingError) {
        guard epochs >= 1 else { throw .settings("--epochs must be at least 1, got \(epochs)") }
        guard batch >= 1 else { throw .settings("--batch must be at least 1, got \(batch)") }
        if let s = stepsPerEpoch, s < 1 { throw .settings("--steps-per-epoch must be at least 1, got \(s)") }
        guard ["adam", "sgd", "rmsprop"].contains(optimizer) else {
            throw .settings("unknown optimizer '\(optimizer)'; choose adam, sgd or rmsprop")
        }
        if let lr = learningRate, !(lr > 0 && lr.isFinite) { throw .settings("--lr must be a positive number, got \(lr)") }
        if let size { do { _ = try parseShape(size) } catch { throw .settings("--size: \(error)") } }
        if let augment {
            do { _ = try AugmentSpec(parsing: augment) } catch {
                throw .settings("--augment: \(error.message)" + (error.hint.map { "\nhint: \($0)" } ?? ""))
            }
        }
    }

    /// The hash the checkpoints carry: these settings and the data's file list, so that a
    /// resume with other settings or changed data is refused.
    public func fingerprint(dataHash: UInt64) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(self)) ?? Data()
        let h = fnv1a64(Array(json) + withUnsafeBytes(of: dataHash.littleEndian) { Array($0) })
        return String(h, radix: 16)
    }
}

/// What `run.json` holds: the settings and what the run was made from.
public struct RunRecord: Codable, Sendable {
    public var settings: TrainingSettings
    public var program: String
    public var engine: String
    /// FNV-1a 64 of the data's sorted file list (paths and sizes), in hex.
    public var dataHash: String
    public var files: Int
    public var classNames: [String]
    public var input: [Int]
    public var loss: String
    public var fingerprint: String
}

/// A training run that cannot start or go on: one message naming what is wrong.
public enum TrainingError: Error, CustomStringConvertible, Sendable {
    case settings(String)
    case data(ImagingError)
    case model(String)
    case run(path: String, message: String)

    public var description: String {
        switch self {
        case .settings(let m): return m
        case .data(let e): return e.description
        case .model(let m): return m
        case let .run(path, message): return "\(path): \(message)"
        }
    }
}

/// The program's version, recorded in every run.
public let programVersion = "cnnlearn 0.3"
