import Testing
import Tensor
import NN

@Test func automaticNamesFollowKeras() throws {
    let m = try Sequential(input: [28, 28, 1], layers: [
        Conv2D(8, kernelSize: (3, 3), activation: .relu), Conv2D(8, kernelSize: (3, 3)),
        MaxPooling2D(), AveragePooling2D(), Activation(.relu), GlobalAveragePooling2D(),
        Dense(10), Dense(10, name: "dense_1"), NN.Dropout(0.2), Dense(3),
    ])
    #expect(m.layers.map(\.name) == ["conv2d", "conv2d_1", "max_pooling2d", "average_pooling2d", "activation",
                                     "global_average_pooling2d", "dense", "dense_1", "dropout", "dense_2"])
    #expect(m.layers.map(\.outputShape) == [[26, 26, 8], [24, 24, 8], [12, 12, 8], [6, 6, 8], [6, 6, 8], [8],
                                            [10], [10], [10], [3]])
}

@Test func layerShapesFollowKerasRules() throws {
    // 'same' with stride 2 gives ceil(in / stride); 'valid' pooling floors.
    let c = Conv2D(4, kernelSize: (3, 3), strides: (2, 2), padding: .same)
    #expect(try c.outputShape(for: [6, 6, 3]) == [3, 3, 4])
    #expect(try c.outputShape(for: [5, 5, 3]) == [3, 3, 4])
    #expect(try MaxPooling2D(poolSize: (3, 3), strides: (2, 2)).outputShape(for: [7, 7, 2]) == [3, 3, 2])
    #expect(try MaxPooling2D(poolSize: (2, 2), padding: .same).outputShape(for: [5, 5, 2]) == [3, 3, 2])
    #expect(try Conv2D(1, kernelSize: (3, 3), dilation: (2, 2)).outputShape(for: [9, 9, 1]) == [5, 5, 1])
    #expect(try Flatten().outputShape(for: [9, 9, 128]) == [10368])
}

@Test func parametersAndMultiplyAccumulates() throws {
    // The tutorial's 32x32x3 example: 10 filters of 5x5x3, stride 1, valid -> 28x28x10, 760 parameters.
    let m = try Sequential(input: [32, 32, 3], layers: [Conv2D(10, kernelSize: (5, 5))])
    #expect(m.layers[0].outputShape == [28, 28, 10])
    #expect(m.parameterCount == 760)
    #expect(m.layers[0].macs == 28 * 28 * 10 * 5 * 5 * 3)
    #expect(m.layers[0].activationBytes == 28 * 28 * 10 * 4)
    let d = try Sequential(input: [100], layers: [Dense(7, useBias: false)])
    #expect(d.parameterCount == 700 && d.macs == 700)
}

@Test func badModelsAreClearErrors() {
    #expect(throws: NNError.invalidModel("layer dense (Dense): Dense needs a flat input (F), got 4x4x2; add Flatten() before it")) {
        try Sequential(input: [4, 4, 2], layers: [Dense(3)])
    }
    #expect(throws: NNError.self) { try Sequential(input: [4, 4, 1], layers: [Conv2D(1, kernelSize: (5, 5))]) }
    #expect(throws: NNError.self) { try Sequential(input: [4], layers: [Dense(2, name: "a"), Dense(2, name: "a")]) }
    #expect(throws: NNError.self) { try Sequential(input: [4], layers: [NN.Dropout(1.0)]) }
    #expect(throws: NNError.self) { try Sequential(layers: [Dense(2)]) }
}
