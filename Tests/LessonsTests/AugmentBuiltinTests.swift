import Figures
import Imaging
import Testing
@testable import Lessons

/// `augment(...)` in cells: exact parameters without a seed, ranges with one, and the errors.
@Suite struct AugmentBuiltinTests {
    @Test func exactParametersOnAnIntPicture() {
        #expect(output("augment([[1, 2], [3, 4]], flip: true)") == "2 1\n4 3")
        #expect(output("augment([[1, 2], [3, 4]], rotation: 90)") == "2 4\n1 3")
        #expect(output("augment([[1, 2, 3, 4, 5]], shift_x: -2, fill: \"constant\", cval: 9)") == "9 9 1 2 3")
        // A Float picture keeps the bilinear decimals; an Int one is rounded.
        #expect(output("decimals(2)\naugment([[0.0, 10.0]], shift_x: 0.2)") == " 4.00 10.00")
        #expect(output("augment([[0, 10]], shift_x: 0.25)") == " 5 10")
        // Halves of the width are fractions: 0.5 of 2 columns is 1 pixel.
        #expect(output("augment([[0, 10]], shift_x: 0.5)") == output("augment([[0, 10]], shift_x: 1)"))
    }

    @Test func withASeedTheLabelsAreRanges() {
        let a = output("augment(reshape(ones([36]), [6, 6]) * 7, spec: \"tutorial\", seed: 3, index: 1)")
        #expect(a == output("augment(reshape(ones([36]), [6, 6]) * 7, spec: \"tutorial\", seed: 3, index: 1)"))
        // A constant picture stays constant under any transform with the nearest fill.
        #expect(a == output("reshape(ones([36]), [6, 6]) * 7"))
        #expect(output("augment([[1, 2], [3, 4]], rotation: 0, seed: 1)") == "1 2\n3 4")
        #expect(output("shape(augment(zeros([4, 5, 3]), zoom: [0.8, 1.2], brightness: [0.5, 1.5], seed: 2))") == "4x5x3")
    }

    @Test func mistakesAreErrorsWithHints() {
        #expect(failure("augment([[1, 2]], rotation: \"ten\")")?.message == "augment: rotation must be a number (or [low, high] for zoom and brightness), got String")
        #expect(failure("augment([[1, 2]], fill: \"mirror\")")?.message == "augment: fill must be one of nearest, constant, reflect, wrap, got mirror")
        #expect(failure("augment([[1, 2]], spec: \"tutorial\")")?.message == "augment: spec needs a seed (without one the labels are one exact transform)")
        #expect(failure("augment([[1, 2]], spec: \"rotaion=3\", seed: 1)")?.hint?.contains("did you mean rotation?") == true)
        #expect(failure("augment([[1, 2]], zoom: 0)")?.message.contains("an exact zoom is a factor and must be above 0") == true)
        #expect(failure("augment([[1, 2]], rotation: -5, seed: 1)")?.message == "augment: rotation is a range and must not be negative, got -5")
        #expect(failure("augment(3, rotation: 5)")?.message.contains("image must be a tensor") == true)
        #expect(failure("augment([[1, 2]], seed: -1)")?.message == "augment: seed must not be negative, got -1")
        #expect(failure("augment([[1, 2]], rotatoin: 5)")?.message == "augment has no argument labelled 'rotatoin'")
    }

    @Test func theGalleryFigureIsMadeFromACell() throws {
        let it = Interpreter(file: "g.md", baseDirectory: ".", figures: FigureCollector())
        let r = runCell("x = reshape(ones([48]), [4, 4, 3]) * 100\nfigure(\"augmentation-gallery\", x, n: 2, seed: 4, spec: \"rotation=10\", name: \"grey\")", in: it)
        #expect(r.error == nil, "\(String(describing: r.error))")
        let f = try #require(it.figures?.figures.first)
        #expect(f.id == "augmentation-gallery")
        #expect(f.desc.hasPrefix("The 4x4 image grey and 2 variants drawn with seed 4 from the augmentation spec \"rotation=10\""))
        let bad = runCell("figure(\"augmentation-gallery\", float(zeros([2, 2])))", in: Interpreter(file: "g.md", baseDirectory: ".", figures: FigureCollector()))
        #expect(bad.error?.message.contains("give the image as Ints 0...255") == true)
        let many = runCell("x = zeros([2, 2])\nfigure(\"augmentation-gallery\", x, n: 65)", in: Interpreter(file: "g.md", baseDirectory: ".", figures: FigureCollector()))
        #expect(many.error?.message.contains("a gallery shows 1 to 64 variants, not 65") == true)
    }
}
