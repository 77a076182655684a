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
        #expect(failure("model(\"resnet\")")?.hint == "known models: tutorial, vgg16")
        let e = failure("m = model(\"tutorial\")\nparams(m, \"dense_3\")")
        #expect(e?.message == "model \"tutorial\" has no layer \"dense_3\"")
        #expect(e?.hint?.hasPrefix("did you mean \"dense_1\"?") == true)
        #expect(failure("params([1, 2])")?.message.contains("must be a model") == true)
    }
}
