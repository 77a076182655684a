/// Every figure of the tutorial by id: where it belongs, how a lesson asks for it, how it is made.
public enum FigureCatalog {
    /// One figure: its id, the tutorial section it illustrates, the lesson meant to emit it,
    /// the `figure(...)` call (arguments after the id are optional; defaults are the
    /// tutorial's examples, run through the engine).
    public struct Entry: Sendable {
        public let id: String
        public let section: String
        public let lesson: String
        public let usage: String
        let make: @Sendable (FigureArguments) throws(FigureError) -> Figure
    }

    public static let entries: [Entry] = [
        Entry(id: "cnn-overview", section: "2. Architecture", lesson: "00-introduction", usage: "figure(\"cnn-overview\")", make: OverviewFigure.make),
        Entry(id: "conv-input-filter", section: "2.1 Convolution", lesson: "01-convolution", usage: "figure(\"conv-input-filter\", input, filter)", make: ConvolutionFigures.inputFilter),
        Entry(id: "conv-feature-map", section: "2.1 Convolution", lesson: "01-convolution", usage: "figure(\"conv-feature-map\", input, filter)", make: ConvolutionFigures.featureMap),
        Entry(id: "conv-step-1", section: "2.1 Convolution", lesson: "01-convolution", usage: "figure(\"conv-step-1\", input, filter, step: 1)", make: { a throws(FigureError) in try ConvolutionFigures.step(a, defaultStep: 1) }),
        Entry(id: "conv-step-2", section: "2.1 Convolution", lesson: "01-convolution", usage: "figure(\"conv-step-2\", input, filter, step: 2)", make: { a throws(FigureError) in try ConvolutionFigures.step(a, defaultStep: 2) }),
        Entry(id: "conv-animation", section: "2.1 Convolution", lesson: "01-convolution", usage: "figure(\"conv-animation\", input, filter)", make: ConvolutionFigures.animation),
        Entry(id: "conv3d-single-filter", section: "2.1 Convolution", lesson: "02-volumes", usage: "figure(\"conv3d-single-filter\", img, f1, padding: \"same\")", make: VolumeFigures.singleFilter),
        Entry(id: "conv3d-ten-filters", section: "2.1 Convolution", lesson: "02-volumes", usage: "figure(\"conv3d-ten-filters\", img, f10, padding: \"same\")", make: VolumeFigures.tenFilters),
        Entry(id: "conv3d-sliding", section: "2.1 Convolution", lesson: "02-volumes", usage: "figure(\"conv3d-sliding\", img, f1, padding: \"same\")", make: VolumeFigures.sliding),
        Entry(id: "feature-maps-stacked", section: "2.1 Convolution", lesson: "02-volumes", usage: "figure(\"feature-maps-stacked\", out)", make: GridFigures.stacked),
        Entry(id: "relu", section: "2.2 Non-linearity", lesson: "03-relu", usage: "figure(\"relu\", fm)", make: GridFigures.relu),
        Entry(id: "stride-1", section: "2.3 Stride and Padding", lesson: "04-stride-and-padding", usage: "figure(\"stride-1\", x, k, stride: 1)", make: { a throws(FigureError) in try StrideFigures.stride(a, stride: 1) }),
        Entry(id: "stride-2", section: "2.3 Stride and Padding", lesson: "04-stride-and-padding", usage: "figure(\"stride-2\", x, k, stride: 2)", make: { a throws(FigureError) in try StrideFigures.stride(a, stride: 2) }),
        Entry(id: "padding-same", section: "2.3 Stride and Padding", lesson: "04-stride-and-padding", usage: "figure(\"padding-same\", x, k, padding: \"same\")", make: StrideFigures.paddingSame),
        Entry(id: "maxpool-2x2", section: "2.4 Pooling", lesson: "05-pooling", usage: "figure(\"maxpool-2x2\", x)", make: GridFigures.maxPool),
        Entry(id: "pooling-volume", section: "2.4 Pooling", lesson: "05-pooling", usage: "figure(\"pooling-volume\", v, size: 2)", make: VolumeFigures.poolingVolume),
        Entry(id: "tutorial-cnn-architecture", section: "4. Implementation", lesson: "09-tutorial-cnn", usage: "figure(\"tutorial-cnn-architecture\", m)", make: ArchitectureFigures.tutorial),
        Entry(id: "dropout", section: "4.1 Dropout", lesson: "10-dropout", usage: "figure(\"dropout\", a, W, da, rate: 0.5, seed: 11)", make: DropoutFigure.make),
        Entry(id: "overfitting-loss", section: "4.2 Overfitting", lesson: "11-overfitting", usage: "figure(\"overfitting-loss\", r)", make: TrainingCurves.entry(.loss)),
        Entry(id: "overfitting-accuracy", section: "4.2 Overfitting", lesson: "11-overfitting", usage: "figure(\"overfitting-accuracy\", r)", make: TrainingCurves.entry(.accuracy)),
        Entry(id: "dropout-validation-loss", section: "4.1 Dropout", lesson: "10-dropout", usage: "figure(\"dropout-validation-loss\", plain, dropped, names: [...])", make: TrainingCurves.comparisonEntry(.loss)),
        Entry(id: "augmentation-gallery", section: "4.3 Data Augmentation", lesson: "12-augmentation", usage: "figure(\"augmentation-gallery\", img, n: 8, seed: 1, spec: \"tutorial\")", make: AugmentationGallery.figure),
        Entry(id: "augmentation-gallery-fashion", section: "4.3 Data Augmentation", lesson: "12-augmentation", usage: "figure(\"augmentation-gallery-fashion\", shirt, n: 8, seed: 1, spec: \"tutorial\")", make: AugmentationGallery.figure),
        Entry(id: "augmentation-validation-loss", section: "4.4 Updated Model", lesson: "12-augmentation", usage: "figure(\"augmentation-validation-loss\", none, tutorial, mild, names: [...])", make: TrainingCurves.comparisonEntry(.loss)),
        Entry(id: "augmentation-validation-accuracy", section: "4.4 Updated Model", lesson: "12-augmentation", usage: "figure(\"augmentation-validation-accuracy\", none, tutorial, mild, names: [...])", make: TrainingCurves.comparisonEntry(.accuracy)),
        Entry(id: "vgg16-architecture", section: "5. VGG Model", lesson: "13-vgg16", usage: "figure(\"vgg16-architecture\", vgg)", make: ArchitectureFigures.vgg16),
        Entry(id: "vgg16-architecture-highlighted", section: "6.1 Visualizing Feature Maps", lesson: "13-vgg16", usage: "figure(\"vgg16-architecture\", vgg, highlight: [\"block1_conv1\", ...])", make: ArchitectureFigures.vgg16Highlighted),
        // Looking inside the trained Fashion-MNIST model (InspectFigureEntries.swift).
        Entry(id: "fashion-feature-maps", section: "6.1 Visualizing Feature Maps", lesson: "14-visualization", usage: "figure(\"fashion-feature-maps\", f1, f2, ..., names: [...], per_layer: 8, image: \"name\")", make: InspectFigureEntries.featureMaps),
        Entry(id: "fashion-filter-patterns", section: "6.3 Visualizing Convnet Filters", lesson: "14-visualization", usage: "figure(\"fashion-filter-patterns\", p1, p2, ..., captions: [...], columns: 4, title: \"...\")", make: InspectFigureEntries.grid),
        Entry(id: "fashion-ascent-loss", section: "6.3 Visualizing Convnet Filters", lesson: "14-visualization", usage: "figure(\"fashion-ascent-loss\", t1, t2, ..., names: [...], title: \"...\")", make: InspectFigureEntries.lossTraces),
        Entry(id: "fashion-filters-ablation", section: "6.3 Visualizing Convnet Filters", lesson: "14-visualization", usage: "figure(\"fashion-filters-ablation\", p1, p2, ..., captions: [...], title: \"...\")", make: InspectFigureEntries.grid),
        Entry(id: "fashion-class-outputs", section: "6.2 Dense Layer Visualization", lesson: "14-visualization", usage: "figure(\"fashion-class-outputs\", c0, ..., c9, captions: [...], columns: 5)", make: InspectFigureEntries.grid),
        Entry(id: "fashion-saliency", section: "6. Visualizing", lesson: "14-visualization", usage: "figure(\"fashion-saliency\", image, map1, map2, ..., captions: [...])", make: InspectFigureEntries.overlays),
        Entry(id: "receptive-field-3x3-stack", section: "5. VGG Model", lesson: "13-vgg16", usage: "figure(\"receptive-field-3x3-stack\", dot, box)", make: ReceptiveFieldFigure.make),
    ]

    /// The known ids, in tutorial order.
    public static var ids: [String] { entries.map(\.id) }

    /// The entry for an id, or an error listing the known ids.
    public static func entry(_ id: String) throws(FigureError) -> Entry {
        guard let e = entries.first(where: { $0.id == id }) else {
            throw FigureError("unknown figure id \"\(id)\"", hint: "known figures: \(ids.joined(separator: ", "))")
        }
        return e
    }

    /// Makes the figure a request names, from its arguments (or the defaults).
    /// Throws a `FigureError` that names the figure once, at its start: most makers' messages
    /// begin with `figure "ID"` already, and those that do not (rasterizing, tensor images)
    /// get that prefix here.
    public static func make(_ request: FigureRequest) throws(FigureError) -> Figure {
        let maker = try entry(request.id)
        do { return try maker.make(FigureArguments(request)) } catch {
            let named = "figure \"\(request.id)\""
            guard !error.message.hasPrefix(named) else { throw error }
            throw FigureError("\(named): \(error.message)", hint: error.hint)
        }
    }
}
