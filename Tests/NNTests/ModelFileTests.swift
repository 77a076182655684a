import Foundation
import NN
import Tensor
import Testing

/// Two models are the same when every layer has the same type, name, shapes and parameters
/// and they print the same summary, receptive fields and model file.
private func expectSame(_ a: Sequential, _ b: Sequential) throws {
    #expect(a.name == b.name && a.inputShape == b.inputShape)
    #expect(a.layers.map(\.name) == b.layers.map(\.name))
    #expect(a.layers.map(\.typeName) == b.layers.map(\.typeName))
    #expect(a.layers.map(\.outputShape) == b.layers.map(\.outputShape))
    #expect(a.layers.map(\.parameterShapes) == b.layers.map(\.parameterShapes))
    #expect(a.layers.map(\.macs) == b.layers.map(\.macs))
    #expect(a.summaryTable() == b.summaryTable())
    #expect(a.receptiveFieldTable() == b.receptiveFieldTable())
    #expect(try ModelFile.text(of: a) == ModelFile.text(of: b))
}

@Test func theFormatsExampleLinesParseIntoKerasLayers() throws {
    let text = """
    # a learner's net
    input 32x32x3   name=my-net

    Conv2D 32 3x3 relu same
    Conv2D 64 3 stride=2 padding=valid activation=relu name=conv_2
    MaxPooling2D 2
    MaxPooling2D 2x2 stride=1       # overlapping
    AveragePooling2D 2
    Conv2D 8 1 dilation=2 use_bias=false
    GlobalAveragePooling2D
    Dropout 0.5
    Dense 512 relu
    Dense 10
    Activation softmax
    """
    let m = try ModelFile.parse(text)
    #expect(m.name == "my-net" && m.inputShape == [32, 32, 3])
    #expect(m.layers.map(\.name) == ["conv2d", "conv_2", "max_pooling2d", "max_pooling2d_1", "average_pooling2d", "conv2d_1",
                                     "global_average_pooling2d", "dropout", "dense", "dense_1", "activation"])
    #expect(m.layers.map(\.outputShape) == [[32, 32, 32], [15, 15, 64], [7, 7, 64], [6, 6, 64], [3, 3, 64], [3, 3, 8],
                                            [8], [8], [512], [10], [10]])
    let c = try #require(m.layers[1].layer as? Conv2D)
    #expect(c.strides == (2, 2) && c.padding == .valid && c.activation == .relu && c.kernelSize == (3, 3))
    let pool = try #require(m.layers[3].layer as? MaxPooling2D)
    #expect(pool.strides == (1, 1) && pool.poolSize == (2, 2))
    let dilated = try #require(m.layers[5].layer as? Conv2D)
    #expect(dilated.dilation == (2, 2) && !dilated.useBias && dilated.parameterShapes(for: [3, 3, 64]) == [[1, 1, 64, 8]])
    #expect((m.layers[7].layer as? NN.Dropout)?.rate == 0.5)
    #expect((m.layers[10].layer as? Activation)?.function == .softmax)
    #expect(m.parameterCount == (3 * 3 * 3 * 32 + 32) + (3 * 3 * 32 * 64 + 64) + 64 * 8 + (8 * 512 + 512) + (512 * 10 + 10))
}

@Test func keywordsAliasesAndCaseAreForgiving() throws {
    let m = try ModelFile.parse("INPUT 8x8x1\nconv2d filters=4 kernel_size=3x1 strides=1x2 SAME\nmaxpool2d pool=2\nFlatten\ndense units=2 activation=Sigmoid bias=false\n")
    let c = try #require(m.layers[0].layer as? Conv2D)
    #expect(c.kernelSize == (3, 1) && c.strides == (1, 2) && c.padding == .same)
    #expect(m.layers.map(\.outputShape) == [[8, 4, 4], [4, 2, 4], [32], [2]])
    #expect((m.layers[3].layer as? Dense)?.useBias == false)
    #expect(m.name == "sequential")
}

@Test(arguments: ["tutorial", "vgg16"])
func zooModelsPrintAndParseBackTheSame(name: String) throws {
    let m = try ModelZoo.model(named: name)
    let text = try ModelFile.text(of: m)
    try expectSame(try ModelFile.parse(text, file: "\(name).txt"), m)
}

@Test func otherInputsAndTheHeadlessVGGRoundTripToo() throws {
    for m in [try ModelZoo.tutorial(input: [28, 28, 1]), try ModelZoo.vgg16(input: [64, 64, 3], includeTop: false)] {
        try expectSame(try ModelFile.parse(try ModelFile.text(of: m)), m)
    }
    let odd = try Sequential(input: [9, 7, 2], layers: [
        Conv2D(3, kernelSize: (3, 2), strides: (2, 1), padding: .explicit(top: 1, bottom: 0, left: 2, right: 1), dilation: (1, 2)),
        AveragePooling2D(poolSize: (2, 1), strides: (1, 1), padding: .same), Flatten(), NN.Dropout(0.25), Dense(3, activation: .tanh, useBias: false),
    ])
    let text = try ModelFile.text(of: odd)
    #expect(text == "input 9x7x2\nConv2D 3 3x2 padding=1,0,2,1 stride=2x1 dilation=1x2\nAveragePooling2D 2x1 same stride=1\nFlatten\nDropout 0.25\nDense 3 tanh use_bias=false\n")
    try expectSame(try ModelFile.parse(text), odd)
}

@Test func namesThatWouldNotReadBackAreRefused() throws {
    let m = try Sequential(name: "my net", input: [4], layers: [Dense(2)])
    #expect(throws: NNError.self) { try ModelFile.text(of: m) }
}

@Test func theTutorialPrintsAsItsNotebookDefinesIt() throws {
    #expect(try ModelFile.text(of: ModelZoo.tutorial()) == """
    input 150x150x3 name=tutorial
    Conv2D 32 3x3 relu same name=conv_1
    MaxPooling2D 2x2 name=maxpool_1
    Conv2D 64 3x3 relu same name=conv_2
    MaxPooling2D 2x2 name=maxpool_2
    Conv2D 128 3x3 relu same name=conv_3
    MaxPooling2D 2x2 name=maxpool_3
    Conv2D 128 3x3 relu same name=conv_4
    MaxPooling2D 2x2 name=maxpool_4
    Flatten
    Dropout 0.5
    Dense 512 relu name=dense_1
    Dense 256 relu name=dense_2
    Dense 1 sigmoid name=output

    """)
    let vgg = try ModelFile.text(of: ModelZoo.vgg16()).split(separator: "\n")
    #expect(vgg.prefix(4) == ["input 224x224x3 name=vgg16", "InputLayer", "Conv2D 64 3x3 relu same name=block1_conv1",
                              "Conv2D 64 3x3 relu same name=block1_conv2"])
    #expect(vgg.last == "Dense 1000 softmax name=predictions")
}

/// The error a text gives, as `line:column: message`, and its rendering.
private func failure(_ text: String) -> ModelFileError? {
    #expect(throws: ModelFileError.self) { try ModelFile.parse(text, file: "net.txt") }
}

@Test func anUnknownLayerPointsAtItWithADidYouMean() throws {
    let e = try #require(failure("input 28x28x1\n# block 1\n  Conv2d 8 3\n  MaxPoling2D 2\n"))
    #expect(e.description == "net.txt:4:3: error: unknown layer 'MaxPoling2D'")
    #expect(e.hint?.hasPrefix("did you mean 'MaxPooling2D'? layers: Conv2D, MaxPooling2D, AveragePooling2D") == true)
    #expect(e.rendered == """
    net.txt:4:3: error: unknown layer 'MaxPoling2D'
      MaxPoling2D 2
      ^
    hint: \(e.hint ?? "")

    """)
    let far = try #require(failure("input 4\nLSTM 8\n"))
    #expect(far.hint?.hasPrefix("layers: ") == true)
}

@Test(arguments: [
    ("Conv2D 32 3x3 relu same\n", "net.txt:1:1: error: a model file starts with its input shape, not 'Conv2D'"),
    ("input 8x8x1\nFlatten\nConv2D 4 3\n", "net.txt:3:1: error: layer conv2d (Conv2D): Conv2D needs an image input HxWxC, got 64"),
    ("input 150xx3\n", "net.txt:1:7: error: bad input shape '150xx3'"),
    ("input\n", "net.txt:1:1: error: input needs a shape"),
    ("input 8x8x1 shape=3\n", "net.txt:1:13: error: input takes a shape and name=, not 'shape='"),
    ("# nothing\n\n", "net.txt:3:1: error: the model file has no input line"),
    ("input 8x8x1\n", "net.txt:1:1: error: the model has no layers"),
    ("input 8x8x1\nConv2D 4 3\ninput 8x8x1\n", "net.txt:3:1: error: the input is given once, on the first line"),
    ("input 8x8x1\nConv2D 4 3 strid=2\n", "net.txt:2:12: error: Conv2D has no argument 'strid'"),
    ("input 8x8x1\nConv2D 4 3 stride=0\n", "net.txt:2:19: error: strides must be N or NxM with positive whole numbers, got '0'"),
    ("input 8x8x1\nConv2D 4 3 stride=\n", "net.txt:2:19: error: strides needs a value after '='"),
    ("input 8x8x1\nConv2D 0 3\n", "net.txt:2:8: error: filters must be a positive whole number, got '0'"),
    ("input 8x8x1\nConv2D 4\n", "net.txt:2:7: error: Conv2D needs kernel_size"),
    ("input 8x8x1\nConv2D 4 3 relu relu\n", "net.txt:2:17: error: activation is given twice"),
    ("input 8x8x1\nConv2D 4 3 relux\n", "net.txt:2:12: error: unexpected 'relux'"),
    ("input 8x8x1\nConv2D 4 3 activation=rel\n", "net.txt:2:23: error: unknown activation 'rel'"),
    ("input 8x8x1\nConv2D 4 3 padding=full\n", "net.txt:2:20: error: padding must be same, valid or TOP,BOTTOM,LEFT,RIGHT, got 'full'"),
    ("input 8x8x1\nFlatten\nDropout 1.5\n", "net.txt:3:9: error: rate must be a number in [0, 1), got '1.5'"),
    ("input 8x8x1\nDense 1 use_bias=maybe\n", "net.txt:2:18: error: use_bias must be true or false, got 'maybe'"),
    ("input 8x8x1\nActivation\n", "net.txt:2:11: error: Activation needs an activation"),
    ("input 8x8x1\nActivation softmx\n", "net.txt:2:12: error: unknown activation 'softmx'"),
    ("input 8x8x1\n\tConv2D 4 3\n\tDense 2\n", "net.txt:3:2: error: layer dense (Dense): Dense needs a flat input (F), got 6x6x4; add Flatten() before it"),
    ("input 8x8x1\nMaxPooling2D 16\n", nil),
    ("input 8x8x1\nFlatten name=a\nDense 2 name=a\n", "net.txt:3:1: error: layer name 'a' is used twice; every layer needs a unique name"),
    ("input 8x8x1\nFlatten\nInputLayer\n", "net.txt:3:1: error: Input can only be the first layer, found at position 1"),
])
func mistakesPointAtTheirLineAndColumn(text: String, expected: String?) throws {
    let e = try #require(failure(text))
    if let expected { #expect(e.description == expected) }
    // Every error renders its line and a caret under its column.
    let lines = e.rendered.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[1] == e.sourceLine)
    #expect(lines[2].count == e.column && lines[2].hasSuffix("^"))
}

@Test func hintsNameTheUsageAndTheLikelyWord() throws {
    #expect(failure("input 8x8x1\nConv2D 4 3 strid=2\n")?.hint?.hasPrefix("did you mean 'stride='? usage: Conv2D FILTERS KERNEL") == true)
    #expect(failure("input 8x8x1\nConv2D 4 3 relux\n")?.hint?.hasPrefix("did you mean 'relu'? usage: ") == true)
    #expect(failure("input 8x8x1\nActivation softmx\n")?.hint?.hasPrefix("did you mean 'softmax'?") == true)
}

@Test func readingAFileNamesTheModelAfterIt() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-modelfile-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("my-net.txt").path
    try "input 4x4x1\r\nFlatten\r\nDense 2 softmax\r\n".write(toFile: path, atomically: true, encoding: .utf8)
    let m = try ModelFile.read(path: path)
    #expect(m.name == "my-net" && m.outputShape == [2])
    let missing = #expect(throws: ModelFileError.self) { try ModelFile.read(path: dir.appendingPathComponent("nope.txt").path) }
    #expect(missing?.description == dir.appendingPathComponent("nope.txt").path + ": error: no such model file")
    #expect(missing?.rendered.contains("hint: give a path to a model file, or one of: tutorial, vgg16") == true)
}

/// A well-formed input shape no example could have is a budget error at the shape, not a
/// "bad input shape" that hides why.
@Test func anInputOverTheMemoryBudgetSaysSo() throws {
    let e = try #require(failure("input 100000000x100000000x3\nFlatten\n"))
    #expect(e.description.hasPrefix("net.txt:1:7: error: the input shape (100000000x100000000x3) would need "), "\(e.description)")
    #expect(e.description.contains("over the memory budget of"), "\(e.description)")
    #expect(e.hint == MemoryBudget.hint)
}
