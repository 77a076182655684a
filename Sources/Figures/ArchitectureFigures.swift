import Tensor

/// Architecture figures: the tutorial's model (section 4), VGG16 (section 5) and its first
/// convolution of each block (section 6.1), and the general shape of a CNN (section 2).
enum ArchitectureFigures {
    /// `figure("tutorial-cnn-architecture", layers: [[name, type, [shape]], ...])`; default: the
    /// tutorial model with shapes worked out by the engine's window geometry.
    static func tutorial(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers"])
        let rows: [LayerRow]
        if let given = try a.layerRows("layers", stageOf: LayerSpec.tutorialStage) { rows = given } else {
            rows = try engine(a.request.id) { () throws(TensorError) in try LayerSpec.rows(LayerSpec.tutorialModel, stageOf: LayerSpec.tutorialStage) }
        }
        let d = ArchitectureDiagram(rows: rows, notes: ["Conv2D: 3x3 filters, 'same' padding, ReLU.  MaxPooling2D: 2x2, stride 2.  Dropout: rate 0.5 (dashed).",
                                                        "Dense: ReLU, the output unit sigmoid (probability of a dog)."])
        let desc = "The tutorial's CNN layer by layer with output shapes: " + rows.map { "\($0.name) \(ArchitectureDiagram.formatShapeText($0.shape))" }.joined(separator: ", ") + "."
        return Figure(id: a.request.id, document: d.render(title: "The tutorial's CNN for cats and dogs", desc: desc))
    }

    static func vggRows(_ a: FigureArguments) throws(FigureError) -> [LayerRow] {
        if let given = try a.layerRows("layers", stageOf: LayerSpec.vggStage) { return given }
        return try engine(a.request.id) { () throws(TensorError) in try LayerSpec.rows(LayerSpec.vgg16, stageOf: LayerSpec.vggStage) }
    }

    /// `figure("vgg16-architecture", layers: ...)`: VGG16's 13 conv and 3 dense layers by block.
    static func vgg16(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers"])
        let rows = try vggRows(a)
        let weights = rows.filter { $0.type == "Conv2D" || $0.type == "Dense" }.count
        let d = ArchitectureDiagram(rows: rows, notes: ["\(weights) weight layers. Every conv: 3x3, 'same' padding, ReLU; every pool: 2x2, stride 2. The depth grows as the size shrinks."])
        let desc = "VGG16 by block with output shapes for a 224x224x3 input: \(weights) weight layers (convolutions and dense), five max-pooling layers."
        return Figure(id: a.request.id, document: d.render(title: "VGG16", desc: desc))
    }

    /// `figure("vgg16-first-convs", layers: ...)`: VGG16 with the first conv of each block marked
    /// (the layers whose feature maps section 6.1 shows).
    static func vgg16FirstConvs(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers"])
        let rows = try vggRows(a)
        var firsts = Set<String>()
        var seen = Set<String>()
        for r in rows where r.type == "Conv2D" && seen.insert(r.stage).inserted { firsts.insert(r.name) }
        let d = ArchitectureDiagram(rows: rows, marked: firsts, notes: ["Arrows and ▶: the first convolution of each block, whose feature maps are visualized."])
        let desc = "VGG16 with the first convolution of each block marked by an arrow: " + firsts.sorted().joined(separator: ", ") + "."
        return Figure(id: a.request.id, document: d.render(title: "VGG16, first convolution of each block", desc: desc))
    }
}
