import Figures
import Foundation
import NN
import Tensor

/// The figures of `cnnlearn visualize` and the lesson builtins, made from a `TrainedModel`
/// and tensors; each comes with the lines of text the command prints.
public enum Visualizations {
    /// The first `perLayer` maps of each layer, normalized as the notebook shows them.
    public static func featureMaps(_ m: TrainedModel, image x: Tensor<Float>, imageName: String, layers: [String], perLayer: Int,
                                   id: String = "feature-maps") throws(InspectError) -> (figures: [Figure], text: [String]) {
        let fms = try m.featureMaps(x, layers: layers)
        var rows: [(layer: String, maps: [Tensor<Float>], shape: [Int])] = []
        var text: [String] = []
        for f in fms {
            let n = Swift.min(perLayer, f.maps.shape[2])
            let planes = (0..<n).map { FeatureMaps.notebookNormalized(f.channel($0)) }
            rows.append((f.layer, planes, f.maps.shape))
            text.append("\(f.layer): \(formatShape(f.maps.shape)), first \(n) maps")
            text += shaded(planes[0], width: 28).map { "  " + $0 }
        }
        let desc = "The first \(perLayer) feature maps of layers \(layers.joined(separator: ", ")) of \(m.model.name) (\(m.source)) for \(imageName). Each map is normalized on its own as the tutorial's notebook does: (x - mean) / std * 64 + 128, clipped to 0-255 (a constant map is drawn at 128), in viridis with the scale shown."
        let doc: SVGDocument, side: SVGDocument
        do {
            doc = try InspectFigures.featureMapRows(rows, title: "Feature maps of \(imageName)", desc: desc)
            side = try InspectFigures.grid(rows.map { $0.maps[0] }, captions: rows.map { "\($0.layer)\n\(formatShape($0.shape))" }, columns: rows.count,
                                           title: "Map 0 of each layer: \(imageName)",
                                           desc: "Feature map 0 of each of \(layers.joined(separator: ", ")) side by side, each normalized as the notebook does ((x - mean) / std * 64 + 128, clipped to 0-255), in viridis (0 dark purple, 255 yellow).",
                                           range: (0, 255))
        } catch { throw InspectError(error.message) }
        return ([Figure(id: id, document: doc), Figure(id: id + "-side-by-side", document: side)], text)
    }

    /// A plane in [0, 255] as lines of shaded blocks, at most `width` columns (each character
    /// the mean of its cell; two rows per line of text are not merged, for clarity).
    public static func shaded(_ plane: Tensor<Float>, width: Int) -> [String] {
        let (h, w) = (plane.shape[0], plane.shape[1])
        let step = Swift.max(1, (w + width - 1) / width)
        let shades = Array(" ░▒▓█")
        var lines: [String] = []
        for y in stride(from: 0, to: h, by: step) {
            var line = ""
            for x in stride(from: 0, to: w, by: step) {
                var s: Float = 0, n: Float = 0
                for yy in y..<Swift.min(h, y + step) { for xx in x..<Swift.min(w, x + step) { s += plane.scalars[yy * w + xx]; n += 1 } }
                let v = s / Swift.max(n, 1) / 255
                let c = shades[Swift.min(shades.count - 1, Int(v * Float(shades.count)))]
                line += String(repeating: c, count: 2)
            }
            lines.append(line)
        }
        return lines
    }

    /// Filter patterns of `filters` in `layer`: a grid, and the loss traces.
    public static func filters(_ m: TrainedModel, layer: String, filters: [Int], settings: ActivationMaximization,
                               id: String = "filters") throws(InspectError) -> (figures: [Figure], patterns: [FilterPattern], text: [String]) {
        var patterns: [FilterPattern] = []
        for f in filters { patterns.append(try m.filterPattern(layer: layer, unit: f, settings: settings)) }
        let text = patterns.map { p in
            String(format: "\(layer) filter \(p.unit): mean activation %.4f -> %.4f (best step \(p.bestStep + 1) of \(p.losses.count), loss %.4f)",
                   p.activations.first ?? 0, p.activations[p.bestStep], p.losses[p.bestStep])
        }
        let desc = "Inputs that maximize the mean activation of filters \(filters.map(String.init).joined(separator: ", ")) of \(layer) in \(m.model.name) (\(m.source)), found by gradient ascent from seeded noise: \(settings.summary). Shown as keras-vis shows them: (u - mean) / std * 0.1 + 0.5, clipped to [0, 1]."
        do {
            let grid = try InspectFigures.grid(patterns.map(\.image), captions: patterns.map { "filter \($0.unit)" }, columns: Swift.min(4, patterns.count),
                                               title: "Filter patterns of \(layer)", desc: desc)
            let trace = InspectFigures.lossTraces(patterns.map { ("filter \($0.unit)", $0.losses) }, title: "Gradient ascent on \(layer): total loss per step",
                                                  desc: "The total loss (minus the mean activation, plus the regularizers) before each step, for the patterns of \(id). \(settings.summary).")
            return ([Figure(id: id, document: grid), Figure(id: id + "-loss", document: trace)], patterns, text)
        } catch { throw InspectError(error.message) }
    }

    /// One filter with each regularizer switched off in turn, then all off, beside the full settings.
    public static func ablation(_ m: TrainedModel, layer: String, filter: Int, settings: ActivationMaximization,
                                id: String = "filters-ablation") throws(InspectError) -> (figure: Figure, text: [String]) {
        var variants: [(String, ActivationMaximization)] = [("all on", settings)]
        var s = settings; s.lpWeight = 0; variants.append(("no LP norm", s))
        s = settings; s.tvWeight = 0; variants.append(("no total variation", s))
        s = settings; s.jitter = 0; variants.append(("no jitter", s))
        s = settings; s.blur = !settings.blur; variants.append((settings.blur ? "no blur" : "with blur", s))
        s = settings; s.lpWeight = 0; s.tvWeight = 0; s.jitter = 0; s.blur = false; variants.append(("none", s))
        var images: [Tensor<Float>] = [], captions: [String] = [], text: [String] = []
        for (name, v) in variants {
            let p = try m.filterPattern(layer: layer, unit: filter, settings: v)
            images.append(p.image)
            captions.append(name + String(format: "\nactivation %.3f", p.activations[p.bestStep]))
            text.append(String(format: "%@: mean activation %.4f", name, p.activations[p.bestStep]))
        }
        let desc = "Filter \(filter) of \(layer) in \(m.model.name) (\(m.source)) by gradient ascent with each regularizer switched off in turn, from the same seed; base settings: \(settings.summary). The caption gives the mean activation reached."
        do {
            let doc = try InspectFigures.grid(images, captions: captions, columns: 3, title: "Regularizers on and off: \(layer) filter \(filter)", desc: desc)
            return (Figure(id: id, document: doc), text)
        } catch { throw InspectError(error.message) }
    }

    /// Class outputs: gradient ascent on each class score (the output layer made linear).
    public static func classes(_ m: TrainedModel, classes: [Int], settings: ActivationMaximization,
                               id: String = "class-outputs") throws(InspectError) -> (figure: Figure, text: [String]) {
        let linear = try m.withLinearHead()
        guard let out = linear.model.layers.last?.name else { throw InspectError("an empty model") }
        var images: [Tensor<Float>] = [], captions: [String] = [], text: [String] = []
        let labels = m.classLabels
        for c in classes {
            let p = try linear.filterPattern(layer: out, unit: c, settings: settings)
            images.append(p.image)
            let label = c < labels.count ? labels[c] : "class \(c)"
            captions.append(label)
            text.append(String(format: "%@ (class \(c)): score %.3f -> %.3f", label, p.activations.first ?? 0, p.activations[p.bestStep]))
        }
        let desc = "For each class of \(m.model.name) (\(m.source)), the input that maximizes its score before the softmax (the output layer made linear, as keras-vis does), by gradient ascent: \(settings.summary)."
        do {
            let doc = try InspectFigures.grid(images, captions: captions, columns: Swift.min(5, images.count), title: "Class outputs", desc: desc)
            return (Figure(id: id, document: doc), text)
        } catch { throw InspectError(error.message) }
    }

    /// Saliency, SmoothGrad and Grad-CAM for an image and class, each beside the same map from
    /// the model with re-initialized weights, with the rank correlations.
    public static func saliency(_ m: TrainedModel, image x: Tensor<Float>, imageName: String, classIndex: Int?, layer: String?, seed: UInt64,
                                samples: Int = 25, id: String = "saliency") throws(InspectError) -> (figure: Figure, text: [String], correlations: [String: Double]) {
        let probs = try m.probabilities(x)[0]
        let c = classIndex ?? (probs.indices.max { probs[$0] < probs[$1] } ?? 0)
        _ = try m.scoreUnit(c)  // an unknown class is an error before anything is drawn
        let random = try m.reinitialized(seed: seed)
        let labels = m.classLabels
        let image = Tensor(shape: Array(x.shape.dropFirst()), scalars: x.scalars)
        var text = [String(format: "class \(c) (\(c < labels.count ? labels[c] : "?")), probability %.4f", probs[c])]
        var images: [Tensor<Float>] = [], captions: [String] = [], correlations: [String: Double] = [:]
        let camTrained = try m.gradCAM(x, classIndex: c, layer: layer)
        let camRandom = try random.gradCAM(x, classIndex: c, layer: layer)
        text.append("Grad-CAM at \(camTrained.layer): channel weights (mean gradient per channel)")
        let w = camTrained.channelWeights
        for start in stride(from: 0, to: w.count, by: 8) {
            text.append("  " + (start..<Swift.min(w.count, start + 8)).map { String(format: "%3d: %+.4f", $0, w[$0]) }.joined(separator: "  "))
        }
        let maps: [(String, Tensor<Float>, Tensor<Float>)] = [
            ("saliency", try m.saliency(x, classIndex: c), try random.saliency(x, classIndex: c)),
            ("SmoothGrad", try m.smoothGrad(x, classIndex: c, samples: samples, seed: seed), try random.smoothGrad(x, classIndex: c, samples: samples, seed: seed)),
            ("Grad-CAM", camTrained.map, camRandom.map),
        ]
        for (name, trained, randomMap) in maps {
            let r = rankCorrelation(trained.scalars, randomMap.scalars)
            correlations[name] = r
            text.append("\(name): rank correlation trained vs re-initialized " + (r.map { String(format: "%.3f", $0) } ?? "undefined (a constant map)"))
            images.append(InspectFigures.overlay(image, heat: InspectFigures.scaledToUnit(trained)))
            captions.append("\(name)\ntrained")
            images.append(InspectFigures.overlay(image, heat: InspectFigures.scaledToUnit(randomMap)))
            captions.append("\(name)\nre-initialized" + (r.map { String(format: "\nrank corr. %.2f", $0) } ?? ""))
        }
        let desc = "Saliency (|d score / d input|, largest over channels), SmoothGrad (\(samples) noisy copies, noise 0.15 of the range, seed \(seed)) and Grad-CAM (\(camTrained.layer)) for class \(c) of \(imageName) under \(m.model.name) (\(m.source)), each as a viridis overlay scaled to its maximum, beside the same map from the model with re-initialized weights (glorot_uniform, seed \(seed)); a map that looks the same for random weights explains nothing."
        do {
            let doc = try InspectFigures.grid(images, captions: captions, columns: 6, title: "Where the model looks: \(imageName), class \(c)", desc: desc)
            return (Figure(id: id, document: doc), text, correlations)
        } catch { throw InspectError(error.message) }
    }
}
