import NN
import Tensor

/// A model handed to a figure: its layers and shapes as built, so a model file or a trained
/// model is drawn as it is. Two are equal when their names, input and layers (name, type,
/// output shape) are.
public struct FigureModel: Sendable, Equatable {
    public let model: Sequential
    public init(_ model: Sequential) { self.model = model }

    public static func == (a: FigureModel, b: FigureModel) -> Bool {
        a.model.name == b.model.name && a.model.inputShape == b.model.inputShape
            && a.model.layers.map { [$0.name, $0.typeName, formatShape($0.outputShape)] } == b.model.layers.map { [$0.name, $0.typeName, formatShape($0.outputShape)] }
    }
}

/// The catalog's figures of lesson 14 (looking inside the trained Fashion-MNIST model): each
/// is drawn from the tensors the cell hands it (feature maps, patterns, heat maps), never from
/// a model's name.
enum InspectFigureEntries {
    /// The positional Float tensors of a request, each checked to be an image.
    static func tensors(_ a: FigureArguments, rank: Set<Int>) throws(FigureError) -> [Tensor<Float>] {
        var out: [Tensor<Float>] = []
        for (i, v) in a.request.positional.enumerated() {
            let t: Tensor<Float>
            switch v {
            case .floatTensor(let f): t = f
            case .intTensor(let n): t = Tensor(shape: n.shape, scalars: n.scalars.map { Float($0) / 255 })
            default: throw FigureError("figure \"\(a.request.id)\": argument \(i + 1) must be a tensor")
            }
            guard rank.contains(t.rank), t.count > 0 else {
                throw FigureError("figure \"\(a.request.id)\": argument \(i + 1) has shape \(formatShape(t.shape)), not an image")
            }
            out.append(t)
        }
        guard !out.isEmpty else { throw FigureError("figure \"\(a.request.id)\" needs at least one tensor") }
        return out
    }

    static func strings(_ a: FigureArguments, _ label: String, count: Int) throws(FigureError) -> [String] {
        guard let v = a.request.labelled[label] else { return [] }
        guard case .list(let items) = v else { throw FigureError("figure \"\(a.request.id)\": \(label): must be a list of strings") }
        var out: [String] = []
        for i in items {
            guard case .string(let s) = i else { throw FigureError("figure \"\(a.request.id)\": \(label): must be a list of strings") }
            out.append(s)
        }
        guard out.count == count else { throw FigureError("figure \"\(a.request.id)\": \(label): gives \(out.count) names for \(count) tensors") }
        return out
    }

    /// figure(id, maps1, maps2, ..., names: [...], per_layer: 8, image: "name"): each maps
    /// tensor (H, W, C) is one layer; its first per_layer channels, notebook-normalized.
    static func featureMaps(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["names", "per_layer", "image"])
        let maps = try tensors(a, rank: [3])
        let names = try strings(a, "names", count: maps.count)
        let perLayer = try a.int(nil, "per_layer") ?? 8
        let image = try a.string(nil, "image") ?? "the image"
        var rows: [(layer: String, maps: [Tensor<Float>], shape: [Int])] = []
        for (i, m) in maps.enumerated() {
            let (h, w, c) = (m.shape[0], m.shape[1], m.shape[2])
            let planes = (0..<Swift.min(perLayer, c)).map { ch -> Tensor<Float> in
                let plane = (0..<(h * w)).map { Double(m.scalars[$0 * c + ch]) }
                let mean = plane.reduce(0, +) / Double(h * w)
                let sd = (plane.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(h * w)).squareRoot()
                return Tensor(shape: [h, w], scalars: plane.map { sd > 0 ? Float(Swift.min(255, Swift.max(0, ($0 - mean) / sd * 64 + 128))) : 128 })
            }
            rows.append((names.isEmpty ? "layer \(i + 1)" : names[i], planes, m.shape))
        }
        let desc = "The first \(perLayer) feature maps of \(rows.map(\.layer).joined(separator: ", ")) for \(image). Each map is normalized on its own as the tutorial's notebook does: (x - mean) / std * 64 + 128, clipped to 0-255 (a constant map is drawn at 128), in viridis with the scale shown."
        return Figure(id: a.request.id, document: try InspectFigures.featureMapRows(rows, title: "Feature maps of \(image)", desc: desc))
    }

    /// figure(id, img1, img2, ..., captions: [...], columns: 4, title: "...", about: "..."):
    /// images (H, W, C) in [0, 1] or planes (H, W) in a grid.
    static func grid(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["captions", "columns", "title", "about"])
        let images = try tensors(a, rank: [2, 3])
        let captions = try strings(a, "captions", count: images.count)
        let title = try a.string(nil, "title") ?? a.request.id
        let about = try a.string(nil, "about") ?? ""
        let columns = try a.int(nil, "columns") ?? Swift.min(4, images.count)
        guard columns >= 1 else { throw FigureError("figure \"\(a.request.id)\": columns: must be at least 1") }
        let desc = "\(title): \(captions.isEmpty ? "\(images.count) images" : captions.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "; ")). \(about)"
        return Figure(id: a.request.id, document: try InspectFigures.grid(images, captions: captions, columns: columns, title: title, desc: desc))
    }

    /// figure(id, trace1, trace2, ..., names: [...], title: "..."): loss traces (1-D tensors)
    /// of gradient ascent against the step.
    static func lossTraces(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["names", "title", "about"])
        let traces = try tensors(a, rank: [1])
        let names = try strings(a, "names", count: traces.count)
        let title = try a.string(nil, "title") ?? a.request.id
        let about = try a.string(nil, "about") ?? ""
        let series = traces.enumerated().map { (names.isEmpty ? "trace \($0.offset + 1)" : names[$0.offset], $0.element.scalars) }
        let desc = "\(title): the total loss (minus the activation, plus the regularizers) before each step of gradient ascent, for \(series.map(\.0).joined(separator: ", ")). \(about)"
        return Figure(id: a.request.id, document: InspectFigures.lossTraces(series, title: title, desc: desc))
    }

    /// figure(id, image, heat1, heat2, ..., captions: [...], title:, about:): each heat map
    /// (H, W), scaled to its maximum, laid over the image in viridis.
    static func overlays(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["captions", "columns", "title", "about"])
        let all = try tensors(a, rank: [2, 3])
        guard all.count >= 2, all[0].rank == 3 else { throw FigureError("figure \"\(a.request.id)\": give the image (H, W, C), then heat maps (H, W)") }
        let image = all[0]
        var out: [Tensor<Float>] = []
        for (i, h) in all.dropFirst().enumerated() {
            guard h.shape == Array(image.shape.prefix(2)) else {
                throw FigureError("figure \"\(a.request.id)\": heat map \(i + 1) is \(formatShape(h.shape)) but the image is \(formatShape(image.shape))")
            }
            out.append(InspectFigures.overlay(image, heat: InspectFigures.scaledToUnit(h)))
        }
        let captions = try strings(a, "captions", count: out.count)
        let title = try a.string(nil, "title") ?? a.request.id
        let about = try a.string(nil, "about") ?? ""
        let columns = try a.int(nil, "columns") ?? Swift.min(6, out.count)
        let desc = "\(title): heat maps laid over the image in viridis, each scaled to its own maximum (\(captions.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "; "))). \(about)"
        return Figure(id: a.request.id, document: try InspectFigures.grid(out, captions: captions, columns: columns, title: title, desc: desc))
    }
}
