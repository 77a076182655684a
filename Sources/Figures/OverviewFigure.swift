import NN
import Tensor

/// Section 2: the shape every CNN shares: an input image, convolution + pooling stages that
/// extract features, fully connected layers and a softmax that classify.
enum OverviewFigure {
    /// A small CNN for 28x28 gray images of ten classes (Fashion-MNIST), built with module NN,
    /// which works out its shapes.
    static func model() throws(NNError) -> Sequential {
        try Sequential(name: "overview", input: [28, 28, 1], layers: [
            Conv2D(32, kernelSize: (3, 3), padding: .same, activation: .relu, name: "conv_1"),
            MaxPooling2D(poolSize: (2, 2), name: "pool_1"),
            Conv2D(64, kernelSize: (3, 3), padding: .same, activation: .relu, name: "conv_2"),
            MaxPooling2D(poolSize: (2, 2), name: "pool_2"),
            Flatten(name: "flatten"), Dense(128, activation: .relu, name: "dense"),
            Dense(10, activation: .softmax, name: "softmax"),
        ])
    }

    /// `figure("cnn-overview", layers: ...)`.
    static func make(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["layers"])
        let stageOf = { (name: String) -> String in "conv + pool " + String(name.split(separator: "_").last ?? "") }
        var rows: [LayerRow]
        if let given = try a.layerRows("layers", stageOf: stageOf) { rows = given } else {
            do { rows = LayerRow.rows(of: try model(), stageOf: stageOf) } catch {
                throw FigureError("figure \"\(a.request.id)\": \(error.description)")
            }
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
