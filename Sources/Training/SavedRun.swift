import Foundation
import Imaging
import NN
import Tensor

/// A finished or stopped run read back from its folder without its data: what `predict`
/// (and `summary`) need. The model comes from model.txt, the weights from a checkpoint.
public struct SavedRun: Sendable {
    public let folder: String
    public let record: RunRecord
    public let model: Sequential
    public let weights: ModelWeights
    public let loss: Loss

    /// Which weights: the last saved (`last`, the default), the lowest validation loss
    /// (`best`), or after an epoch (`epoch-3` or `3`).
    public init(folder: String, weights which: String = "last") throws(TrainingError) {
        self.folder = folder
        let path = folder + "/run.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .run(path: folder, message: FileManager.default.fileExists(atPath: folder) ? "no run.json: not a run folder" : "no such run folder")
        }
        do { record = try JSONDecoder().decode(RunRecord.self, from: data) } catch {
            throw .run(path: path, message: "not a valid run record (\(error))")
        }
        do { model = try ModelFile.read(path: folder + "/model.txt") } catch { throw .model(error.rendered) }
        guard let l = Loss(rawValue: record.loss) else { throw .run(path: path, message: "unknown loss \(record.loss)") }
        loss = l
        let checkpoints = folder + "/checkpoints/"
        do {
            switch which {
            case "last":
                weights = try TrainingCheckpoint.load(from: checkpoints + "last.cnnt", for: model).weights
            case "best":
                weights = try Checkpoint.load(from: checkpoints + "best.cnnw", for: model)
            default:
                let digits = which.hasPrefix("epoch-") ? String(which.dropFirst(6)) : which
                guard let n = Int(digits), n >= 1 else {
                    throw TrainingError.settings("--weights must be last, best or an epoch number (e.g. 3 or epoch-3), got \(which)")
                }
                let file = checkpoints + String(format: "epoch-%03d.cnnw", n)
                guard FileManager.default.fileExists(atPath: file) else {
                    let saved = ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? []).filter { $0.hasPrefix("epoch-") }.count
                    throw TrainingError.settings("\(folder) has no weights after epoch \(n): \(saved) epochs are saved")
                }
                weights = try Checkpoint.load(from: file, for: model)
            }
        } catch let e as TrainingError { throw e } catch { throw .run(path: checkpoints, message: "\(error)") }
    }

    /// Class probabilities of image files, each prepared as training prepared its images.
    public func predict(paths: [String]) throws(TrainingError) -> [[Float]] {
        let format: ImageFormat
        do { format = try ImageFormat(input: model.inputShape, source: folder + "/model.txt") } catch { throw .data(error) }
        var out: [[Float]] = []
        for p in paths {
            let x: Tensor<Float>
            do { x = try prepareImages(paths: [p], format: format) } catch { throw .data(error) }
            do { out += try classProbabilities(model: model, weights: weights, loss: loss, batch: x) } catch { throw .model("\(error)") }
        }
        return out
    }
}
