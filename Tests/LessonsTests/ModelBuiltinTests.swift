import Foundation
import Testing
@testable import Lessons

/// `model`, `params`, `macs`, `receptive_field` and `summary` over module NN.
@Suite struct ModelBuiltinTests {
    @Test func tutorialModelCounts() {
        #expect(output("m = model(\"tutorial\")\nparams(m)") == "5681345")
        #expect(output("m = model(\"tutorial\")\nparams(m, \"dense_1\")") == "5308928")
        #expect(output("m = model(\"tutorial\")\nmacs(m, \"conv_1\")") == String(150 * 150 * 32 * 3 * 3 * 3))
        #expect(output("model(\"tutorial\")").hasPrefix("model \"tutorial\": "))
        #expect(output("summary(model(\"tutorial\"))").contains("Total params: 5,681,345"))
    }

    @Test func vgg16FromLayerSpecificationsOnly() {
        #expect(output("v = model(\"vgg16\")\nreceptive_field(v, \"block5_conv3\")") == "196")
        #expect(output("v = model(\"vgg16\")\nmacs(v)") == "15470264320")
        #expect(output("v = model(\"vgg16\")\nmacs(v, \"block1_conv2\")") == "1849688064")
        #expect(output("receptive_field(model(\"vgg16\"))").contains("block5_pool"))
    }

    @Test func errorsListWhatIsKnown() {
        #expect(failure("model(\"resnet\")")?.hint == "known models: tutorial, vgg16, or a model file such as \"my-net.txt\"")
        let e = failure("m = model(\"tutorial\")\nparams(m, \"dense_3\")")
        #expect(e?.message == "model \"tutorial\" has no layer \"dense_3\"")
        #expect(e?.hint?.hasPrefix("did you mean \"dense_1\"?") == true)
        #expect(failure("params([1, 2])")?.message.contains("must be a model") == true)
    }

    /// A model file beside the lesson, read relative to the lesson's folder.
    @Test func modelFilesLoadRelativeToTheLesson() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cnnlearn-model-builtin-\(getpid())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("nets"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "input 28x28x1\nConv2D 8 3x3 relu\nMaxPooling2D 2\nFlatten\nDense 10 softmax\n"
            .write(to: dir.appendingPathComponent("nets/small.txt"), atomically: true, encoding: .utf8)
        try "input 28x28x1\nConv2D 8 3x3 rleu\n".write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        let it = Interpreter(file: "lesson.md", baseDirectory: dir.path)
        let r = runCell("m = model(\"nets/small.txt\")\nparams(m)", in: it)
        #expect(r.error == nil)
        // conv 3*3*1*8 + 8 = 80; dense 13*13*8 = 1352 inputs, 1352*10 + 10 = 13530.
        #expect(LessonRunner.normalize(r.output) == "13610")
        let bad = runCell("model(\"bad.txt\")", in: Interpreter(file: "lesson.md", baseDirectory: dir.path)).error
        #expect(bad?.message == "model file \(dir.path)/bad.txt:2:14: unexpected 'rleu'")
        #expect(bad?.location.line == 1 && bad?.location.column == 7)
        #expect(bad?.hint?.hasPrefix("did you mean 'relu'?") == true)
        let missing = runCell("model(\"gone.txt\")", in: Interpreter(file: "lesson.md", baseDirectory: dir.path)).error
        #expect(missing?.message == "model file \(dir.path)/gone.txt: no such model file")
        #expect(missing?.hint == "paths are relative to the lesson's folder")
    }
}
