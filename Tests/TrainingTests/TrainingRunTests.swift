import Foundation
import Testing
import NN
import Tensor
import TestSupport
@testable import Training

/// The committed bars folder (16 PNGs per class, 16x16 grey) in Keras' class-folder layout.
let barsFolder = repositoryRoot.appendingPathComponent("Tests/Fixtures/bars").path

func barsSettings(epochs: Int = 3, seed: UInt64 = 5, optimizer: String = "adam") -> TrainingSettings {
    TrainingSettings(data: barsFolder, train: 8, validation: 4, test: 4, model: "tutorial", size: "16x16x1",
                     epochs: epochs, batch: 4, optimizer: optimizer, seed: seed)
}

func temporaryFolder(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-\(name)-\(UUID().uuidString)").path
    return path
}

/// The history without its seconds (the one field that differs between runs).
func withoutSeconds(_ h: [EpochRecord]) -> [EpochRecord] {
    h.map { var r = $0; r.seconds = 0; return r }
}

func bits(_ w: ModelWeights) -> [[UInt32]] { w.tensors.flatMap { $0 }.map { $0.scalars.map(\.bitPattern) } }

@Suite(.serialized) struct TrainingRunTests {
    @Test func runFolderHasEveryFileAndTheLossGoesDown() throws {
        let folder = temporaryFolder("full")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try TrainingRun(settings: barsSettings(epochs: 4), folder: folder)
        #expect(run.splits.classNames == ["horizontal", "vertical"])
        #expect(run.model.inputShape == [16, 16, 1])
        #expect(run.loss == .binaryCrossEntropy)
        try run.create()
        var batches = 0
        #expect(try run.train { if case .batchDone = $0 { batches += 1 }; return .proceed })
        #expect(batches == 4 * 4)  // 16 training images, batch 4
        #expect(run.history.count == 4)
        #expect(run.history.last!.loss < run.history.first!.loss)
        for name in ["run.json", "model.txt", "history.json", "history.csv", "loss.svg", "loss.png", "accuracy.svg", "accuracy.png",
                     "checkpoints/last.cnnt", "checkpoints/best.cnnw", "checkpoints/epoch-001.cnnw", "checkpoints/epoch-004.cnnw"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + name), "\(name) is missing")
        }
        let csv = try String(contentsOfFile: folder + "/history.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "epoch,loss,accuracy,val_loss,val_accuracy,seconds")
        #expect(csv.count == 5)
        let svg = try String(contentsOfFile: folder + "/loss.svg", encoding: .utf8)
        #expect(svg.contains(String(format: "Train Loss: %.3f", run.history.last!.loss)))
        // The test split is there to evaluate, with a prediction per image.
        let e = try run.evaluate(split: "test")
        #expect(e.rows.count == 8)
        #expect(e.accuracy >= 0 && e.accuracy <= 1)
        // A second run into the same folder is refused.
        let again = try TrainingRun(settings: barsSettings(epochs: 4), folder: folder)
        #expect(throws: TrainingError.self) { try again.create() }
    }

    /// Stopped in the middle of epoch 2 (as Ctrl-C does) and resumed from its folder, a run ends
    /// with the same bits of weights and history as one that never stopped; for each optimizer.
    @Test(arguments: ["adam", "sgd", "rmsprop"]) func resumedRunHasTheSameBits(_ optimizer: String) throws {
        let a = temporaryFolder("a"), b = temporaryFolder("b")
        defer { for f in [a, b] { try? FileManager.default.removeItem(atPath: f) } }
        let whole = try TrainingRun(settings: barsSettings(optimizer: optimizer), folder: a)
        try whole.create()
        #expect(try whole.train())

        let first = try TrainingRun(settings: barsSettings(optimizer: optimizer), folder: b)
        try first.create()
        let done = try first.train { event in
            if case let .batchDone(epoch, batch, _, _, _, _, _) = event, epoch == 2, batch == 1 { return .stop }
            return .proceed
        }
        #expect(!done)
        #expect(first.position.epochsDone == 1 && first.position.batchesDone == 1)
        let resumed = try TrainingRun.resume(b)
        #expect(resumed.position == first.position)
        #expect(try resumed.train())
        #expect(bits(resumed.weights) == bits(whole.weights))
        #expect(withoutSeconds(resumed.history) == withoutSeconds(whole.history))
        let wa = try Data(contentsOf: URL(fileURLWithPath: a + "/checkpoints/epoch-003.cnnw"))
        let wb = try Data(contentsOf: URL(fileURLWithPath: b + "/checkpoints/epoch-003.cnnw"))
        #expect(wa == wb)
    }

    @Test func sameSeedSameBitsOtherSeedOtherWeights() throws {
        func train(_ seed: UInt64) throws -> TrainingRun {
            let f = temporaryFolder("seed")
            defer { try? FileManager.default.removeItem(atPath: f) }
            let r = try TrainingRun(settings: barsSettings(epochs: 2, seed: seed), folder: f)
            try r.create()
            try r.train()
            return r
        }
        let (x, y, z) = (try train(1), try train(1), try train(2))
        #expect(bits(x.weights) == bits(y.weights))
        #expect(withoutSeconds(x.history) == withoutSeconds(y.history))
        #expect(bits(x.weights) != bits(z.weights))
    }

    @Test func damagedOrForeignCheckpointsAreClearErrors() throws {
        let folder = temporaryFolder("damaged")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try TrainingRun(settings: barsSettings(epochs: 2), folder: folder)
        try run.create()
        _ = try run.train { if case .batchDone = $0 { return .stop }; return .proceed }
        let path = folder + "/checkpoints/last.cnnt"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect { try TrainingRun.resume(folder) } throws: { "\($0)".contains("checksum mismatch") && "\($0)".contains(path) }
        try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath: path))
        #expect { try TrainingRun.resume(folder) } throws: { "\($0)".contains("checksum mismatch") || "\($0)".contains("ends") }
        // Settings changed in run.json since the checkpoint: refused, naming what changed.
        let other = temporaryFolder("other")
        defer { try? FileManager.default.removeItem(atPath: other) }
        let r2 = try TrainingRun(settings: barsSettings(epochs: 2, seed: 9), folder: other)
        try r2.create()
        _ = try r2.train { if case .batchDone = $0 { return .stop }; return .proceed }
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: other + "/checkpoints/last.cnnt", toPath: path)
        #expect { try TrainingRun.resume(folder) } throws: { "\($0)".contains("belongs to another run") }
        #expect { try TrainingRun.resume(folder + "-missing") } throws: { "\($0)".contains("no such run folder") }
    }

    @Test func badSettingsAndDataFailBeforeAnyFolderExists() throws {
        let folder = temporaryFolder("bad")
        var s = barsSettings()
        s.train = 100  // only 16 per class
        #expect { try TrainingRun(settings: s, folder: folder) } throws: { "\($0)".contains("horizontal") }
        s = barsSettings(); s.batch = 0
        #expect { try TrainingRun(settings: s, folder: folder) } throws: { "\($0)".contains("--batch") }
        s = barsSettings(); s.optimizer = "adagrad"
        #expect { try TrainingRun(settings: s, folder: folder) } throws: { "\($0)".contains("adam, sgd or rmsprop") }
        s = barsSettings(); s.data = "/nonexistent/folder"
        #expect { try TrainingRun(settings: s, folder: folder) } throws: { "\($0)".contains("/nonexistent/folder") }
        s = barsSettings(); s.size = "16x16x2"
        #expect { try TrainingRun(settings: s, folder: folder) } throws: { "\($0)".contains("HxWx1 or HxWx3") }
        s = barsSettings(); s.size = "100000x100000x3"
        #expect { try TrainingRun(settings: s, folder: folder) } throws: { "\($0)".contains("larger than 1024x1024") || "\($0)".contains("over the memory budget") }
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func modelFilesMustEndInTheRightHead() throws {
        let dir = temporaryFolder("model")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = dir + "/softmax.txt", good = dir + "/small.txt"
        try "input 16x16x1\nConv2D 8 3x3 relu\nFlatten\nDense 2 softmax\n".write(toFile: bad, atomically: true, encoding: .utf8)
        try "input 16x16x1\nConv2D 8 3x3 relu\nMaxPooling2D 2\nFlatten\nDense 1 sigmoid\n".write(toFile: good, atomically: true, encoding: .utf8)
        var s = barsSettings(epochs: 1)
        s.size = nil
        s.model = bad
        #expect { try TrainingRun(settings: s, folder: dir + "/run") } throws: { "\($0)".contains("Dense 1 sigmoid") }
        s.model = good
        let run = try TrainingRun(settings: s, folder: dir + "/run")
        #expect(run.model.inputShape == [16, 16, 1])
        try run.create()
        #expect(try run.train())
        s.size = "32x32x1"
        #expect { try TrainingRun(settings: s, folder: dir + "/run2") } throws: { "\($0)".contains("differs from the model file") }
    }
}

/// Training with augmentation: the training batches are transformed (validation is not), the
/// same seed gives the same bits, and a stopped and resumed run draws the same transforms.
@Suite(.serialized) struct AugmentedTrainingTests {
    func settings(_ augment: String?) -> TrainingSettings {
        var s = barsSettings(epochs: 2)
        s.augment = augment
        return s
    }

    @Test func augmentedBatchesDifferAndRepeat() throws {
        let run = try TrainingRun(settings: settings("rotation=20,shift=0.1,flip"), folder: nil)
        let plain = run.splits.train.batch([0, 1, 2])
        let a = run.trainingSet.batch([0, 1, 2], epoch: 0)
        #expect(a.y == plain.y)
        #expect(a.x.shape == plain.x.shape)
        #expect(a.x != plain.x)
        #expect(run.trainingSet.batch([0, 1, 2], epoch: 0) == a)
        #expect(run.trainingSet.batch([0, 1, 2], epoch: 1) != a)
        // "none" draws the identity: the plain batch, bit for bit.
        let none = try TrainingRun(settings: settings("none"), folder: nil)
        #expect(none.trainingSet.batch([0, 1, 2], epoch: 3) == plain)
    }

    @Test func resumedAugmentedRunHasTheSameBits() throws {
        let a = temporaryFolder("aug-a"), b = temporaryFolder("aug-b")
        defer { for f in [a, b] { try? FileManager.default.removeItem(atPath: f) } }
        let whole = try TrainingRun(settings: settings("tutorial"), folder: a)
        try whole.create()
        #expect(try whole.train())
        let first = try TrainingRun(settings: settings("tutorial"), folder: b)
        try first.create()
        _ = try first.train { event in
            if case let .batchDone(epoch, batch, _, _, _, _, _) = event, epoch == 2, batch == 2 { return .stop }
            return .proceed
        }
        let resumed = try TrainingRun.resume(b)
        #expect(try resumed.train())
        #expect(bits(resumed.weights) == bits(whole.weights))
        #expect(withoutSeconds(resumed.history) == withoutSeconds(whole.history))
        // Without augmentation the same seed trains to other weights.
        let plain = try TrainingRun(settings: settings(nil), folder: nil)
        try plain.train()
        #expect(bits(plain.weights) != bits(whole.weights))
    }

    @Test func aBadSpecIsOneClearError() throws {
        #expect { try TrainingRun(settings: settings("rotaton=10"), folder: nil) } throws: { "\($0)".contains("--augment") && "\($0)".contains("rotaton") }
    }
}
