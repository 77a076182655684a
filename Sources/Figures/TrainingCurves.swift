import Tensor

/// Training curves: loss or accuracy per epoch, training against validation, titled with the
/// final values the way the tutorial's figures are ("Train Loss: 0.356, Val Loss: 0.402").
///
/// A history comes as a Float tensor (epochs, 4): loss, accuracy, val_loss, val_accuracy per
/// row (NaN where a run had no validation), which is how a lesson's run value passes into
/// `figure(...)` and how `cnnlearn train` hands its history over.
public enum TrainingCurves {
    public enum Metric: String, Sendable { case loss, accuracy }

    /// One figure of `metric` for one history: training and validation.
    public static func figure(id: String, history: Tensor<Float>, metric: Metric, note: String? = nil) throws(FigureError) -> Figure {
        let rows = try Self.rows(history, id)
        let column = metric == .loss ? 0 : 1
        let label = metric == .loss ? "Loss" : "Accuracy"
        let epochs = rows.indices.map { Double($0 + 1) }
        var series = [LinePlot.Series(name: "training", x: epochs, y: rows.map { Double($0[column]) })]
        let val = rows.enumerated().compactMap { i, r in r[column + 2].isNaN ? nil : (Double(i + 1), Double(r[column + 2])) }
        if !val.isEmpty { series.append(LinePlot.Series(name: "validation", x: val.map(\.0), y: val.map(\.1))) }
        let last = rows[rows.count - 1]
        var title = "Train \(label): " + fixed3(last[column])
        if !last[column + 2].isNaN { title += ", Val \(label): " + fixed3(last[column + 2]) }
        let plot = LinePlot(title: title, xLabel: "epoch", yLabel: metric.rawValue, series: series)
        var desc = "\(label) per epoch over \(rows.count) epochs: training (the mean over each epoch's batches, with Dropout on, as the weights change)"
        desc += val.isEmpty ? "." : " against validation (measured after each epoch, Dropout off)."
        if let note { desc += " " + note }
        return Figure(id: id, document: plot.render(desc: desc))
    }

    /// One figure comparing the validation `metric` of several histories (e.g. with and without
    /// Dropout), each series named.
    public static func comparison(id: String, histories: [(name: String, history: Tensor<Float>)], metric: Metric,
                                  note: String? = nil) throws(FigureError) -> Figure {
        let column = (metric == .loss ? 0 : 1) + 2
        let label = metric == .loss ? "Loss" : "Accuracy"
        var series: [LinePlot.Series] = []
        var finals: [String] = []
        for (name, h) in histories {
            let rows = try Self.rows(h, id)
            let pts = rows.enumerated().compactMap { i, r in r[column].isNaN ? nil : (Double(i + 1), Double(r[column])) }
            guard let last = pts.last else { throw FigureError("figure \"\(id)\": the history \(name) has no validation \(metric.rawValue)") }
            series.append(LinePlot.Series(name: name, x: pts.map(\.0), y: pts.map(\.1)))
            finals.append("\(name) \(fixed3(Float(last.1)))")
        }
        let plot = LinePlot(title: "Val \(label): " + finals.joined(separator: ", "), xLabel: "epoch", yLabel: "validation \(metric.rawValue)", series: series)
        var desc = "Validation \(metric.rawValue) per epoch of \(histories.map(\.name).joined(separator: " and "))."
        if let note { desc += " " + note }
        return Figure(id: id, document: plot.render(desc: desc))
    }

    static func rows(_ h: Tensor<Float>, _ id: String) throws(FigureError) -> [[Float]] {
        guard h.rank == 2, h.shape[1] == 4, h.shape[0] >= 1 else {
            throw FigureError("figure \"\(id)\": a history is (epochs, 4): loss, accuracy, val_loss, val_accuracy; got \(formatShape(h.shape))")
        }
        return (0..<h.shape[0]).map { Array(h.scalars[($0 * 4)..<($0 * 4 + 4)]) }
    }

    /// Three decimals, always written out (0.400, not 0.4), as the tutorial's titles.
    static func fixed3(_ v: Float) -> String {
        let thousandths = Int((Double(v) * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let a = abs(thousandths)
        let frac = String(a % 1000)
        return "\(sign)\(a / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    /// Catalog entries: `figure("id", run)` for one history's loss or accuracy.
    static func entry(_ metric: Metric) -> @Sendable (FigureArguments) throws(FigureError) -> Figure {
        { a throws(FigureError) in
            try a.rejectUnknownLabels(["note"])
            guard case .floatTensor(let h)? = a.request.positional.first else {
                throw FigureError("figure \"\(a.request.id)\": give a run, e.g. figure(\"\(a.request.id)\", r) with r = train(...) or load_run(...)")
            }
            return try figure(id: a.request.id, history: h, metric: metric, note: try a.string(nil, "note"))
        }
    }

    /// Catalog entry: `figure("id", a, b, names: ["without Dropout", "with Dropout"])`.
    static func comparisonEntry(_ metric: Metric) -> @Sendable (FigureArguments) throws(FigureError) -> Figure {
        { a throws(FigureError) in
            try a.rejectUnknownLabels(["names", "note"])
            var hs: [Tensor<Float>] = []
            for p in a.request.positional {
                guard case .floatTensor(let h) = p else { throw FigureError("figure \"\(a.request.id)\": every positional argument must be a run") }
                hs.append(h)
            }
            var names = hs.indices.map { "run \($0 + 1)" }
            if case .list(let items)? = a.request.labelled["names"] {
                for (i, item) in items.enumerated() where i < names.count { if case .string(let s) = item { names[i] = s } }
            }
            guard hs.count >= 2 else { throw FigureError("figure \"\(a.request.id)\": compare at least two runs") }
            return try comparison(id: a.request.id, histories: Array(zip(names, hs)), metric: metric, note: try a.string(nil, "note"))
        }
    }
}
