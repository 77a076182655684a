import Foundation
import NN
import Tensor
import TestSupport
import Testing
@testable import Inspect

/// The committed Fashion-MNIST run (lessons/data/fashion-run) and a small random model.
let fashionRun = repositoryRoot.appendingPathComponent("lessons/data/fashion-run").path

func smallModel() throws -> TrainedModel {
    let m = try Sequential(name: "small", input: [6, 6, 1], layers: [
        Conv2D(2, kernelSize: (3, 3), padding: .same, activation: .relu, name: "conv_1"),
        MaxPooling2D(poolSize: (2, 2), name: "pool"),
        Conv2D(3, kernelSize: (3, 3), padding: .valid, activation: .relu, name: "conv_2"),
        Flatten(), Dense(3, activation: .softmax, name: "output"),
    ])
    return try TrainedModel(model: m, weights: .glorotUniform(for: m, seed: 5), source: "small")
}

@Suite struct VisualizationTests {
    /// d(mean activation)/d(input) from the tape against central differences (Double steps of
    /// 1e-2 on Float; within 2e-3).
    @Test func unitGradientMatchesFiniteDifferences() throws {
        let m = try smallModel()
        let x = Tensor(shape: [1, 6, 6, 1], scalars: Tensor<Float>.random(shape: [36], seed: 3).scalars)
        for (layer, unit) in [(0, 1), (2, 0), (4, 2)] {
            let (_, g) = try m.unitGradient(x, layer: layer, unit: unit)
            for i in [0, 7, 14, 21, 35] {
                var up = x.scalars, down = x.scalars
                up[i] += 1e-2; down[i] -= 1e-2
                let fu = try m.unitGradient(Tensor(shape: x.shape, scalars: up), layer: layer, unit: unit).value
                let fd = try m.unitGradient(Tensor(shape: x.shape, scalars: down), layer: layer, unit: unit).value
                #expect(abs((fu - fd) / 2e-2 - g.scalars[i]) < 2e-3, "layer \(layer) unit \(unit) input \(i)")
            }
        }
    }

    /// The regularizers' hand-written gradients against central differences.
    @Test func regularizerGradientsMatchFiniteDifferences() {
        let u = Tensor<Float>.random(shape: [4 * 5 * 2], seed: 9).scalars.map { $0 * 2 - 0.5 }
        for which in ["lp", "tv"] {
            func f(_ v: [Float]) -> (Float, [Float]) {
                var g = [Float](repeating: 0, count: v.count)
                let l = which == "lp" ? TrainedModel.lpNorm(v, p: 6, weight: 10, gradient: &g)
                                      : TrainedModel.totalVariation(v, h: 4, w: 5, c: 2, beta: 2, weight: 10, gradient: &g)
                return (l, g)
            }
            let g = f(u).1
            for i in [0, 3, 11, 27, 39] {
                var up = u, down = u
                up[i] += 1e-3; down[i] -= 1e-3
                let numeric = (f(up).0 - f(down).0) / 2e-3
                #expect(abs(numeric - g[i]) < 2e-2 * Swift.max(1, abs(g[i])), "\(which) \(i): \(numeric) vs \(g[i])")
            }
        }
    }

    @Test func gradientAscentIsSeededAndRaisesTheActivation() throws {
        let m = try TrainedModel.open(fashionRun)
        var s = ActivationMaximization.kerasVis(side: 28)
        s.steps = 20
        let a = try m.filterPattern(layer: "conv_2", unit: 3, settings: s)
        let b = try m.filterPattern(layer: "conv_2", unit: 3, settings: s)
        #expect(a.raw.scalars == b.raw.scalars)
        #expect(a.losses == b.losses)
        // The best total loss need not be the highest activation (the regularizers count too);
        // without them, ascent raises the activation.
        #expect(a.losses[a.bestStep] < a.losses[0])
        var plain = ActivationMaximization.plain
        plain.steps = 20
        let p = try m.filterPattern(layer: "conv_2", unit: 3, settings: plain)
        #expect(p.activations[p.bestStep] > 2 * p.activations[0])
        s.seed = 2
        #expect(try m.filterPattern(layer: "conv_2", unit: 3, settings: s).raw.scalars != a.raw.scalars)
        #expect(a.image.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func theNotebookNormalization() {
        let t = Tensor<Float>(shape: [2, 2], scalars: [0, 1, 2, 3])
        // mean 1.5, std sqrt(1.25): (x - 1.5) / 1.118 * 64 + 128
        let n = FeatureMaps.notebookNormalized(t).scalars
        #expect(abs(n[0] - 42.13) < 0.01 && abs(n[3] - 213.87) < 0.01)
        #expect(FeatureMaps.notebookNormalized(Tensor(repeating: 4, shape: [2, 2])).scalars == [128, 128, 128, 128])
    }

    @Test func rankCorrelationOfKnownLists() {
        #expect(rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40]) == 1)
        #expect(rankCorrelation([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
        // Ranks [1, 2.5, 2.5, 4] against [1, 2, 3, 4]: r = 4.5 / sqrt(4.5 * 5).
        let r = try! #require(rankCorrelation([1, 2, 2, 3], [1, 2, 3, 4]))
        #expect(abs(r - 4.5 / (4.5 * 5.0).squareRoot()) < 1e-12)
        #expect(rankCorrelation([1, 1, 1], [1, 2, 3]) == nil)
    }

    @Test func gradCAMWeightsAreTheMeanGradientOfTheLayer() throws {
        let m = try smallModel()
        let x = Tensor(shape: [1, 6, 6, 1], scalars: Tensor<Float>.random(shape: [36], seed: 4).scalars)
        let cam = try m.gradCAM(x, classIndex: 1)
        #expect(cam.layer == "conv_2")
        #expect(cam.coarse.shape == [1, 1] && cam.map.shape == [6, 6])
        #expect(cam.channelWeights.count == 3)
        // With a 1x1 layer, alpha_k is d(score)/d(A_k): finite differences through the head.
        let linear = try m.withLinearHead()
        let acts = try linear.model.activations(of: x, weights: linear.weights)
        let a = acts[2]
        for k in 0..<3 {
            var up = a.scalars, down = a.scalars
            up[k] += 1e-3; down[k] -= 1e-3
            func score(_ v: [Float]) throws -> Float {
                let flat = Tensor(shape: [1, 3], scalars: v)
                let w = linear.weights.tensors[4]
                return (0..<3).reduce(w[1].scalars[1]) { $0 + flat.scalars[$1] * w[0].scalars[$1 * 3 + 1] }
            }
            #expect(abs((try score(up) - score(down)) / 2e-3 - cam.channelWeights[k]) < 1e-3)
        }
    }

    @Test func theSanityCheckSeparatesTrainedFromRandomSaliency() throws {
        let m = try TrainedModel.open(fashionRun)
        let x = try m.image(repositoryRoot.appendingPathComponent("lessons/data/fashion-mnist-train-1-tshirt.png").path)
        let r = try Visualizations.saliency(m, image: x, imageName: "t-shirt", classIndex: nil, layer: nil, seed: 1, samples: 4)
        // The committed model is sure of the T-shirt; plain saliency of random weights is unrelated.
        #expect(r.text[0].hasPrefix("class 0 (T-shirt/top), probability 0.99"))
        #expect(try #require(r.correlations["saliency"]) < 0.3)
    }

    /// A single sigmoid unit scores class 1 with its logit z and class 0 with -z.
    @Test func aSigmoidHeadScoresBothClasses() throws {
        let m = try Sequential(name: "binary", input: [6, 6, 1], layers: [
            Conv2D(2, kernelSize: (3, 3), activation: .relu, name: "conv"), Flatten(), Dense(1, activation: .sigmoid, name: "output"),
        ])
        let t = try TrainedModel(model: m, weights: .glorotUniform(for: m, seed: 2), source: "binary")
        let x = Tensor(shape: [1, 6, 6, 1], scalars: Tensor<Float>.random(shape: [36], seed: 8).scalars)
        let one = try t.gradCAM(x, classIndex: 1), zero = try t.gradCAM(x, classIndex: 0)
        #expect(zero.channelWeights == one.channelWeights.map { -$0 })
        #expect(try t.saliency(x, classIndex: 0).scalars == t.saliency(x, classIndex: 1).scalars)
        #expect(throws: InspectError("the model has 2 classes (0-1), not 2")) { _ = try t.saliency(x, classIndex: 2) }
        #expect(t.classLabels == ["class 0", "class 1"])
    }

    /// A model file with a checkpoint opens to the same weights as its run folder.
    @Test func aModelFileWithACheckpoint() throws {
        let run = try TrainedModel.open(fashionRun)
        let file = try TrainedModel.open(fashionRun + "/checkpoints/epoch-003.cnnw", model: fashionRun + "/model.txt")
        #expect(file.weights == run.weights)
        #expect(file.kind == "cnnlearn checkpoint" && run.kind == "run folder")
        #expect(run.classNames?.first == "T-shirt/top")
        let e = #expect(throws: InspectError.self) { _ = try TrainedModel.open(fashionRun + "/checkpoints/epoch-003.cnnw") }
        #expect(e?.hint?.contains("--model") == true)
    }

    @Test func unknownLayersAndFiltersAreClearErrors() throws {
        let m = try TrainedModel.open(fashionRun)
        #expect(throws: InspectError.self) { _ = try m.filterPattern(layer: "conv_9", unit: 0, settings: .plain) }
        let e = #expect(throws: InspectError.self) { _ = try m.filterPattern(layer: "conv_1", unit: 32, settings: .plain) }
        #expect(e?.message == "layer conv_1 has 32 filters (0-31), not 32")
        #expect(m.firstConvOfEachBlock == ["conv_1", "conv_2", "conv_3", "conv_4"])
    }
}
