import ArgumentParser
import Figures
import Foundation
import Inspect
import NN
import Tensor

/// `cnnlearn visualize features|filters|classes|saliency MODEL ...`: looking inside a trained
/// model (a run folder, a Keras .h5/.weights.h5/.keras, or a .cnnw with --model). Every
/// command writes SVG and PNG figures under --out (default: the run folder, or the weight
/// file's folder) and prints what it found.
struct VisualizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visualize",
        abstract: "Look inside a trained model: feature maps, filter patterns, class outputs, saliency and Grad-CAM.",
        subcommands: [Features.self, Filters.self, Classes.self, Saliency.self])

    /// What every subcommand takes to open its model.
    struct ModelOptions: ParsableArguments {
        @Argument(help: "A run folder, a Keras weight file (.h5, .weights.h5, .keras) or a .cnnw checkpoint.")
        var source: String

        @Option(help: "The model for a weight file: tutorial, vgg16 or a model file (default: from the layer names).")
        var model: String?

        @Option(help: "Input shape HxWxC for a zoo model (default: the model's own, or the .keras file's).")
        var input: String?

        @Flag(help: "Leave out VGG16's classifier top (any input size; the file's top weights are ignored).")
        var noTop = false

        @Option(help: "A run folder's weights: last (default), best or an epoch number.")
        var weights = "last"

        @Option(help: "Folder for the figures (default: the run folder, or the weight file's folder).")
        var out: String?

        func open() throws -> (TrainedModel, FigureWriter) {
            do {
                let shape = try input.map { (s) throws(NNError) in try parseShape(s) }
                let m = try TrainedModel.open(source, model: model, input: shape, weights: weights, includeTop: !noTop)
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
                let folder = out ?? (isDirectory.boolValue ? source : (source as NSString).deletingLastPathComponent)
                let writer = FigureWriter(directory: folder.isEmpty ? "." : folder)
                try writer.prepare()
                return (m, writer)
            } catch { throw LessonCommandError("\(error)") }
        }
    }

    /// Writes figures and prints their paths.
    static func write(_ figures: [Figure], with writer: FigureWriter) throws {
        do {
            for path in try writer.write(figures) { print("wrote \(path)") }
        } catch { throw LessonCommandError("\(error)") }
    }

    /// "0-7" or "0,3,11" or "5" as a list of indices.
    static func indices(_ text: String) throws -> [Int] {
        var out: [Int] = []
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            if ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]), a >= 0, b >= a, b - a < 4096 {
                out += Array(a...b)
            } else if ends.count == 1, let a = Int(ends[0]), a >= 0 {
                out.append(a)
            } else {
                throw ValidationError("bad index list '\(text)': use e.g. 0-7 or 0,3,11")
            }
        }
        if out.isEmpty { throw ValidationError("the index list '\(text)' is empty") }
        return out
    }

    /// The gradient-ascent settings every ascent command takes.
    struct AscentOptions: ParsableArguments {
        @Option(help: "Gradient steps.") var steps = 200
        @Option(help: "Seed of the starting noise and the jitter.") var seed: UInt64 = 1
        @Option(help: "Regularizer preset: light (LP norm 0.1, total variation 0.1, jitter 5% of the side; for models that see [0, 1]), keras-vis (its defaults, LP norm 10, total variation 10, jitter 5%; for raw 0-255 input such as VGG16's) or none.")
        var preset = "light"
        @Option(help: "LP-norm weight (0: off).") var lp: Float?
        @Option(help: "Total-variation weight (0: off).") var tv: Float?
        @Option(help: "Jitter in pixels (0: off).") var jitter: Int?
        @Flag(help: "Blur the image (3x3 Gaussian) every 4th step.") var blur = false
        @Option(help: "What the model's input bytes are multiplied by (1/255 for cnnlearn's models and the notebook's VGG16 feature maps; 1 for keras-vis' raw 0-255 VGG16 input).")
        var inputScale: Float = 1.0 / 255

        func settings(side: Int) throws -> ActivationMaximization {
            var s: ActivationMaximization
            switch preset {
            case "light": s = .light(side: side)
            case "keras-vis": s = .kerasVis(side: side)
            case "none": s = .plain
            default: throw ValidationError("--preset must be light, keras-vis or none, got \(preset)")
            }
            guard steps >= 1, steps <= 100_000 else { throw ValidationError("--steps must be 1-100000, got \(steps)") }
            s.steps = steps
            s.seed = seed
            if let lp { s.lpWeight = lp }
            if let tv { s.tvWeight = tv }
            if let jitter {
                guard jitter >= 0, jitter < side else { throw ValidationError("--jitter must be 0-\(side - 1) pixels, got \(jitter)") }
                s.jitter = jitter
            }
            s.blur = blur
            guard inputScale > 0, inputScale.isFinite else { throw ValidationError("--input-scale must be positive") }
            s.inputScale = inputScale
            return s
        }
    }

    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The first maps of each chosen layer for an image (the notebook's grid), also as shaded blocks.")
        @OptionGroup var options: ModelOptions
        @Option(help: "The image (PNG or JPEG), prepared as training prepared its images.") var image: String
        @Option(help: "Layers, comma-separated (default: the first conv of each block).") var layers: String?
        @Option(help: "Maps per layer.") var perLayer = 8

        @OptionGroup var memory: MemoryOptions

        func run() throws {
            try memory.apply()
            let (m, writer) = try options.open()
            guard perLayer >= 1, perLayer <= 512 else { throw ValidationError("--per-layer must be 1-512") }
            do {
                let names = layers.map { $0.split(separator: ",").map(String.init) } ?? m.firstConvOfEachBlock
                let r = try Visualizations.featureMaps(m, image: m.image(image), imageName: (image as NSString).lastPathComponent, layers: names, perLayer: perLayer)
                r.text.forEach { print($0) }
                try VisualizeCommand.write(r.figures, with: writer)
            } catch let e as InspectError { throw LessonCommandError("\(e)") }
        }
    }

    struct Filters: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Filter patterns by gradient ascent in input space: a grid, the loss traces and a regularizer ablation.")
        @OptionGroup var options: ModelOptions
        @Option(help: "The conv layer.") var layer: String
        @Option(help: "Filters, e.g. 0-7 or 0,3,11.") var filters = "0-7"
        @OptionGroup var ascent: AscentOptions
        @Flag(help: "Leave out the ablation figure (each regularizer on and off for the first filter).") var noAblation = false

        @OptionGroup var memory: MemoryOptions

        func run() throws {
            try memory.apply()
            let (m, writer) = try options.open()
            let list = try VisualizeCommand.indices(filters)
            let s = try ascent.settings(side: m.model.inputShape.first ?? 1)
            do {
                let start = Date()
                let r = try Visualizations.filters(m, layer: layer, filters: list, settings: s, id: "filters-\(layer)")
                let seconds = Date().timeIntervalSince(start)
                r.text.forEach { print($0) }
                print(String(format: "%d patterns x %d steps in %.1f s", list.count, s.steps, seconds))
                var figures = r.figures
                if !noAblation {
                    let a = try Visualizations.ablation(m, layer: layer, filter: list[0], settings: s, id: "filters-\(layer)-ablation")
                    a.text.forEach { print($0) }
                    figures.append(a.figure)
                }
                try VisualizeCommand.write(figures, with: writer)
            } catch let e as InspectError { throw LessonCommandError("\(e)") }
        }
    }

    struct Classes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Class outputs: gradient ascent on each class score before the softmax, one image per class.")
        @OptionGroup var options: ModelOptions
        @Option(help: "Classes, e.g. 0-9 or 20,852 (default: all).") var classes: String?
        @OptionGroup var ascent: AscentOptions

        @OptionGroup var memory: MemoryOptions

        func run() throws {
            try memory.apply()
            let (m, writer) = try options.open()
            let n = m.head == .sigmoid ? 1 : (m.model.outputShape.first ?? 1)
            let list = try classes.map(VisualizeCommand.indices) ?? Array(0..<n)
            let s = try ascent.settings(side: m.model.inputShape.first ?? 1)
            do {
                let r = try Visualizations.classes(m, classes: list, settings: s)
                r.text.forEach { print($0) }
                try VisualizeCommand.write([r.figure], with: writer)
            } catch let e as InspectError { throw LessonCommandError("\(e)") }
        }
    }

    struct Saliency: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Saliency, SmoothGrad and Grad-CAM overlays for an image, with the re-initialized-weights sanity check.")
        @OptionGroup var options: ModelOptions
        @Option(help: "The image (PNG or JPEG).") var image: String
        @Option(help: "The class (default: the predicted one).") var `class`: Int?
        @Option(help: "Grad-CAM's conv layer (default: the last Conv2D).") var layer: String?
        @Option(help: "Seed of SmoothGrad's noise and of the re-initialized weights.") var seed: UInt64 = 1
        @Option(help: "SmoothGrad's noisy copies.") var samples = 25

        @OptionGroup var memory: MemoryOptions

        func run() throws {
            try memory.apply()
            let (m, writer) = try options.open()
            guard samples >= 1, samples <= 1000 else { throw ValidationError("--samples must be 1-1000") }
            do {
                let r = try Visualizations.saliency(m, image: m.image(image), imageName: (image as NSString).lastPathComponent,
                                                    classIndex: `class`, layer: layer, seed: seed, samples: samples)
                r.text.forEach { print($0) }
                try VisualizeCommand.write([r.figure], with: writer)
            } catch let e as InspectError { throw LessonCommandError("\(e)") }
        }
    }
}
