import NN
import Tensor

/// Architecture figures: the tutorial's model (section 4), VGG16 (section 5) and its first
/// convolution of each block (section 6.1), and the general shape of a CNN (section 2).
enum ArchitectureFigures {
    /// The model of a request: positional 0 or `layers:` is a model name ("tutorial", "vgg16",
    /// as the lessons' `model(...)` builtin passes it), built by module NN's model zoo, or a list
    /// of [name, type, [sizes]] rows; absent, `fallback`.
    static func rows(_ a: FigureArguments, fallback: String) throws(FigureError) -> [LayerRow] {
        // A model value (from a cell) is drawn as given.
        if case .model(let m)? = a.request.labelled["layers"] ?? a.request.positional.first {
            return LayerRow.rows(of: m.model, stageOf: m.model.name == "vgg16" ? LayerRow.vggStage : LayerRow.tutorialStage)
        }
        var name = fallback
        if let v = a.request.labelled["layers"] ?? a.request.positional.first, case .string(let s) = v { name = s } else if let given = try a.layerRows("layers", stageOf: name == "vgg16" ? LayerRow.vggStage : LayerRow.tutorialStage) {
            return given
        }
        let model = try zooModel(name, figure: a.request.id)
        return LayerRow.rows(of: model, stageOf: model.name == "vgg16" ? LayerRow.vggStage : LayerRow.tutorialStage)
    }

    /// `highlight: ["block1_conv1", ...]`: layer names to mark; each must be in the model.
    static func highlight(_ a: FigureArguments, rows: [LayerRow]) throws(FigureError) -> Set<String>? {
        guard let v = a.request.labelled["highlight"] else { return nil }
        guard case .list(let items) = v else { throw FigureError("figure \"\(a.request.id)\": highlight must be a list of layer names") }
        var names = Set<String>()
        for item in items {
            guard case .string(let n) = item else { throw FigureError("figure \"\(a.request.id)\": highlight must be a list of layer names") }
            guard rows.contains(where: { $0.name == n }) else {
                throw FigureError("figure \"\(a.request.id)\": no layer \"\(n)\"", hint: "layers: \(rows.map(\.name).joined(separator: ", "))")
            }
            names.insert(n)
        }
        return names
    }

    /// `figure("tutorial-cnn-architecture", m)`: the tutorial's model, every output shape.
    static func tutorial(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers", "highlight"])
        let rows = try rows(a, fallback: "tutorial")
        let d = ArchitectureDiagram(rows: rows, marked: try highlight(a, rows: rows) ?? [],
                                    notes: ["Conv2D: 3x3 filters, 'same' padding, ReLU.  MaxPooling2D: 2x2, stride 2.  Dropout: rate 0.5 (dashed).",
                                            "Dense: ReLU, the output unit sigmoid (probability of a dog)."])
        let desc = "The tutorial's CNN layer by layer with output shapes: " + rows.map { "\($0.name) \(ArchitectureDiagram.formatShapeText($0.shape))" }.joined(separator: ", ") + "."
        return Figure(id: a.request.id, document: d.render(title: "The tutorial's CNN for cats and dogs", desc: desc))
    }

    /// `figure("vgg16-architecture", vgg)`: VGG16's 13 conv and 3 dense layers by block. With
    /// `highlight: [...]` it is the variant with those layers marked, written as
    /// `vgg16-architecture-highlighted` so it does not replace the plain one.
    static func vgg16(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers", "highlight"])
        let rows = try rows(a, fallback: "vgg16")
        if let marked = try highlight(a, rows: rows) { return highlighted(a, rows: rows, marked: marked) }
        let weights = rows.filter { $0.type == "Conv2D" || $0.type == "Dense" }.count
        let d = ArchitectureDiagram(rows: rows, notes: ["\(weights) weight layers. Every conv: 3x3, 'same' padding, ReLU; every pool: 2x2, stride 2. The depth grows as the size shrinks."])
        let desc = "VGG16 by block with output shapes for a 224x224x3 input: \(weights) weight layers (convolutions and dense), five max-pooling layers."
        return Figure(id: a.request.id, document: d.render(title: "VGG16", desc: desc))
    }

    /// `figure("vgg16-architecture-highlighted", vgg)`: VGG16 with the first conv of each block
    /// marked (the layers whose feature maps section 6.1 shows), or the `highlight` layers.
    static func vgg16Highlighted(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers", "highlight"])
        let rows = try rows(a, fallback: "vgg16")
        if let marked = try highlight(a, rows: rows) { return highlighted(a, rows: rows, marked: marked) }
        var firsts = Set<String>()
        var seen = Set<String>()
        for r in rows where r.type == "Conv2D" && seen.insert(r.stage).inserted { firsts.insert(r.name) }
        return highlighted(a, rows: rows, marked: firsts)
    }

    static let highlightedID = "vgg16-architecture-highlighted"

    static func highlighted(_ a: FigureArguments, rows: [LayerRow], marked: Set<String>) -> Figure {
        let d = ArchitectureDiagram(rows: rows, marked: marked, notes: ["Arrows and ▶: the marked layers (the first convolution of each block, whose feature maps are visualized)."])
        let desc = "VGG16 with these layers marked by an arrow: " + rows.map(\.name).filter { marked.contains($0) }.joined(separator: ", ") + "."
        return Figure(id: highlightedID, document: d.render(title: "VGG16, marked layers", desc: desc))
    }
}
