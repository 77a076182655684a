import Tensor

/// Section 2: the shape every CNN shares: an input image, convolution + pooling stages that
/// extract features, fully connected layers and a softmax that classify.
enum OverviewFigure {
    /// A small CNN for 28x28 gray images of ten classes (Fashion-MNIST), whose shapes the
    /// engine's window geometry works out.
    static var model: [LayerSpec] {
        [.input([28, 28, 1]), .conv("conv_1", filters: 32, kernel: 3), .pool("pool_1", size: 2),
         .conv("conv_2", filters: 64, kernel: 3), .pool("pool_2", size: 2),
         .flatten("flatten"), .dense("dense", units: 128), .dense("softmax", units: 10)]
    }

    /// `figure("cnn-overview", layers: ...)`.
    static func make(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers"])
        let stageOf = { (name: String) -> String in "conv + pool " + String(name.split(separator: "_").last ?? "") }
        var rows: [LayerRow]
        if let given = try a.layerRows("layers", stageOf: stageOf) { rows = given } else {
            rows = try engine(a.request.id) { () throws(TensorError) in try LayerSpec.rows(model, stageOf: stageOf) }
        }
        // The classifier splits into its fully connected part and the softmax output.
        if let last = rows.indices.last, rows[last].type == "Dense" { rows[last].stage = "softmax" }
        for i in rows.indices where rows[i].stage == "classifier" { rows[i].stage = "fully connected" }
        let stageNames = rows.map(\.stage)
        let features = stageNames.filter { $0.hasPrefix("conv") }
        var d = ArchitectureDiagram(rows: rows, notes: ["Sizes for a 28x28 gray image and ten classes: convolutions 3x3 'same', pooling 2x2."])
        d.groups = [("feature extraction", features), ("classification", ["fully connected", "softmax"])]
        let desc = "The parts of a CNN: an input image, convolution and pooling stages (feature extraction), then fully connected layers and a softmax output (classification). Shapes: " + rows.map { "\($0.name) \(ArchitectureDiagram.formatShapeText($0.shape))" }.joined(separator: ", ") + "."
        return Figure(id: a.request.id, document: d.render(title: "The architecture of a CNN", desc: desc))
    }
}
