import Figures
import NN
import Tensor

/// A history's loss and accuracy curves (`TrainingCurves`), and the history as the (epochs, 4)
/// tensor figures take.
public enum Curves {
    /// loss, accuracy, val_loss, val_accuracy per epoch; NaN where there was no validation.
    public static func tensor(_ history: [EpochRecord]) -> Tensor<Float> {
        Tensor(shape: [history.count, 4], scalars: history.flatMap { [$0.loss, $0.accuracy, $0.valLoss ?? .nan, $0.valAccuracy ?? .nan] })
    }

    /// Writes loss.svg/.png and accuracy.svg/.png into `folder`.
    public static func write(_ history: [EpochRecord], to folder: String) throws(FigureError) {
        guard !history.isEmpty else { return }
        let h = tensor(history)
        _ = try FigureWriter(directory: folder).write([
            try TrainingCurves.figure(id: "loss", history: h, metric: .loss),
            try TrainingCurves.figure(id: "accuracy", history: h, metric: .accuracy),
        ])
    }
}
