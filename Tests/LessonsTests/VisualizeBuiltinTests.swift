import Figures
import Foundation
import Testing
import TestSupport
@testable import Lessons

/// The visualization builtins and figures that take models and tensors as values.
@Suite struct VisualizeBuiltinTests {
    let lessons = repositoryRoot.appendingPathComponent("lessons").path

    func run(_ code: String, figures: FigureCollector? = nil) -> (output: String, error: LessonError?) {
        runCell(code, in: Interpreter(file: "t.md", baseDirectory: lessons, figures: figures))
    }

    @Test func aModelFileIsDrawnAsItIsNotRebuiltByName() throws {
        let c = FigureCollector()
        let r = run("m = model(\"data/wide-cnn.txt\")\nfigure(\"tutorial-cnn-architecture\", m)", figures: c)
        #expect(r.error == nil, "\(String(describing: r.error))")
        let f = try #require(c.figures.first)
        // wide-cnn: one Conv2D of 16 filters and a Dense of 64, which the tutorial model has not.
        #expect(f.desc.contains("28x28x16"))
        #expect(!f.desc.contains("conv_4"))
    }

    @Test func aTrainedModelsMapsGoToTheFigureAsTensors() throws {
        let c = FigureCollector()
        let r = run("""
            m = load_model("data/fashion-run")
            x = load("data/fashion-mnist-train-1-tshirt.png")
            f = features(m, x, layer: "conv_2")
            shape(f)
            figure("fashion-feature-maps", f, names: ["conv_2"], per_layer: 3, image: "a shirt")
            """, figures: c)
        #expect(r.error == nil, "\(String(describing: r.error))")
        #expect(r.output == "14x14x64\n")
        let fig = try #require(c.figures.first)
        #expect(fig.desc.hasPrefix("The first 3 feature maps of conv_2 for a shirt."))
    }

    @Test func wrongInputsAreOneMessageAtTheCall() {
        let wrongSize = run("m = load_model(\"data/fashion-run\")\nfeatures(m, zeros([5, 5, 1]), layer: \"conv_1\")")
        #expect(wrongSize.error?.message == "features: the image is 5x5x1 but the model takes 28x28x1")
        #expect(wrongSize.error?.location.line == 2)
        let noModel = run("features(3, zeros([5, 5, 1]), layer: \"conv_1\")")
        #expect(noModel.error?.message == "features: the model must be a trained model from load_model(...), got Int")
        let missing = run("load_model(\"data/none\")")
        #expect(missing.error?.message.hasSuffix("lessons/data/none: no such file or run folder") == true)
        #expect(run("rank_correlation([1, 1], [1, 2])").error?.message == "rank_correlation: a constant tensor has no ranks to correlate")
    }

    @Test func reinitializedWeightsDifferAndAreSeeded() {
        let r = run("""
            m = load_model("data/fashion-run")
            x = load("data/fashion-mnist-train-1-tshirt.png")
            a = unit_activation(reinitialize(m, seed: 1), x, layer: "conv_1", unit: 0)
            b = unit_activation(reinitialize(m, seed: 1), x, layer: "conv_1", unit: 0)
            c = unit_activation(m, x, layer: "conv_1", unit: 0)
            [a, b, c]
            """)
        #expect(r.error == nil, "\(String(describing: r.error))")
        let values = r.output.trimmingCharacters(in: CharacterSet(charactersIn: "[]\n")).components(separatedBy: ", ")
        #expect(values.count == 3 && values[0] == values[1] && values[0] != values[2], "\(r.output)")
    }
}
