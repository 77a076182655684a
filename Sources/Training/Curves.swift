import Figures
import NN

/// The loss and accuracy curves of a history, training against validation, titled with the
/// final values the way the tutorial's figures are ("Train Loss: 0.356, Val Loss: 0.402").
public enum Curves {
    /// `loss` and `accuracy` figures with ids `prefix` + "loss" / "accuracy".
    public static func figures(_ history: [EpochRecord], prefix: String = "", subtitle: String? = nil) -> [Figure] {
        guard let last = history.last else { return [] }
        let epochs = history.map { Double($0.epoch) }
        func make(_ id: String, _ label: String, _ train: [Float], _ val: [Float?], _ final: (Float, Float?)) -> Figure {
            var series = [LinePlot.Series(name: "training", x: epochs, y: train.map(Double.init))]
            let v = zip(epochs, val).compactMap { e, y in y.map { (e, Double($0)) } }
            if !v.isEmpty { series.append(LinePlot.Series(name: "validation", x: v.map(\.0), y: v.map(\.1))) }
            var title = "Train \(label): " + fixed3(final.0)
            if let f = final.1 { title += ", Val \(label): " + fixed3(f) }
            var plot = LinePlot(title: title, xLabel: "epoch", yLabel: label.lowercased(), series: series)
            plot.width = 640
            plot.height = 400
            var desc = "\(label) per epoch over \(history.count) epochs, training (measured with Dropout on, as the weights change) "
            desc += v.isEmpty ? "only." : "against validation (measured after each epoch)."
            if let subtitle { desc += " " + subtitle }
            return Figure(id: prefix + id, document: plot.render(desc: desc))
        }
        return [make("loss", "Loss", history.map(\.loss), history.map(\.valLoss), (last.loss, last.valLoss)),
                make("accuracy", "Accuracy", history.map(\.accuracy), history.map(\.valAccuracy), (last.accuracy, last.valAccuracy))]
    }

    /// Writes loss.svg/.png and accuracy.svg/.png into `folder`.
    public static func write(_ history: [EpochRecord], to folder: String) throws(FigureError) {
        _ = try FigureWriter(directory: folder).write(figures(history))
    }

    static func fixed3(_ v: Float) -> String {
        let r = (Double(v) * 1000).rounded() / 1000
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            s += String(repeating: "0", count: Swift.max(0, 3 - decimals))
        }
        return s
    }
}
