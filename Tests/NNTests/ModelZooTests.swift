import Testing
import NN

@Test func tutorialModelHasTheNotebooksParameterCountAndPooledSizes() throws {
    let m = try ModelZoo.model(named: "tutorial")
    #expect(m.parameterCount == 5_681_345)
    let pooled = m.layers.filter { $0.typeName == "MaxPooling2D" }.map { $0.outputShape[0] }
    #expect([m.inputShape[0]] + pooled == [150, 75, 37, 18, 9])
    #expect(m.layers.map(\.name) == ["conv_1", "maxpool_1", "conv_2", "maxpool_2", "conv_3", "maxpool_3",
                                     "conv_4", "maxpool_4", "flatten", "dropout", "dense_1", "dense_2", "output"])
    #expect(m.layers.map(\.parameterCount) == [896, 0, 18_496, 0, 73_856, 0, 147_584, 0, 0, 0, 5_308_928, 131_328, 257])
    #expect(m.layer(named: "flatten")?.outputShape == [10368])
    #expect(m.outputShape == [1])
}

@Test func tutorialModelOnOtherInputs() throws {
    let small = try ModelZoo.tutorial(input: [28, 28, 1])
    #expect(small.layer(named: "maxpool_4")?.outputShape == [1, 1, 128])
    #expect(small.layer(named: "conv_1")?.parameterCount == 3 * 3 * 1 * 32 + 32)
    // 16x16 pools down to 1x1 and then cannot pool again.
    #expect(throws: NNError.self) { try ModelZoo.tutorial(input: [8, 8, 3]) }
}

@Test func vgg16ParameterCountsWithAndWithoutTop() throws {
    let top = try ModelZoo.model(named: "vgg16")
    #expect(top.parameterCount == 138_357_544)
    #expect(top.index(ofLayer: "predictions") == 22)
    #expect(top.index(ofLayer: "block1_conv2") == 2)
    #expect(top.index(ofLayer: "block5_conv3") == 17)
    #expect(top.layers[0].typeName == "InputLayer")
    let noTop = try ModelZoo.model(named: "vgg16", includeTop: false)
    #expect(noTop.parameterCount == 14_714_688)
    #expect(noTop.outputShape == [7, 7, 512])
    // The notebook's feature maps on a 150x150 image.
    let fm = try ModelZoo.vgg16(input: [150, 150, 3], includeTop: false)
    let sizes = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"].map {
        fm.layer(named: $0)?.outputShape ?? []
    }
    #expect(sizes == [[150, 150, 64], [75, 75, 128], [37, 37, 256], [18, 18, 512], [9, 9, 512]])
}

@Test func zooRejectsBadRequests() {
    #expect(throws: NNError.unknownModel(name: "resnet", known: ["tutorial", "vgg16"])) {
        try ModelZoo.model(named: "resnet")
    }
    #expect(throws: NNError.self) { try ModelZoo.vgg16(input: [100, 100, 3], includeTop: true) }
    #expect(throws: NNError.self) { try ModelZoo.vgg16(input: [16, 16, 3], includeTop: false) }
}

@Test func shapeStrings() throws {
    #expect(try parseShape("150x150x3") == [150, 150, 3])
    #expect(try parseShape("10368") == [10368])
    #expect(throws: NNError.self) { try parseShape("28xx1") }
    #expect(throws: NNError.self) { try parseShape("0x4x1") }
}
