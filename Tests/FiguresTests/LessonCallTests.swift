@testable import Figures
import Tensor
import Testing

/// The `figure(...)` calls the lessons make are accepted, and
/// give the same figure as the catalog's defaults, so `cnnlearn figures` writes the same files
/// whichever way it runs.
private let x = Tensor<Int>(shape: [5, 5], scalars: [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0])
private let k = Tensor<Int>(shape: [3, 3], scalars: [1, 0, 1, 0, 1, 0, 1, 0, 1])

private func same(_ call: FigureRequest) throws {
    let fromLesson = try FigureCatalog.make(call)
    let fromDefaults = try FigureCatalog.make(FigureRequest(id: fromLesson.id))
    #expect(fromLesson.svg == fromDefaults.svg, "\(call.id) from the lesson's arguments differs from its default")
}

@Test func strideAndPaddingCalls() throws {
    try same(FigureRequest(id: "stride-1", positional: [.intTensor(x), .intTensor(k)], labelled: ["stride": .int(1)]))
    try same(FigureRequest(id: "stride-2", positional: [.intTensor(x), .intTensor(k)], labelled: ["stride": .int(2)]))
    try same(FigureRequest(id: "padding-same", positional: [.intTensor(x), .intTensor(k)], labelled: ["padding": .string("same")]))
    #expect(throws: FigureError.self) { try FigureCatalog.make(FigureRequest(id: "stride-1", labelled: ["stride": .int(2)])) }
}

@Test func volumeCalls() throws {
    let img = Tensor<Int>(repeating: 1, shape: [32, 32, 3])
    let f1 = Tensor<Int>(repeating: 1, shape: [5, 5, 3, 1]), f10 = Tensor<Int>(repeating: 1, shape: [5, 5, 3, 10])
    try same(FigureRequest(id: "conv3d-single-filter", positional: [.intTensor(img), .intTensor(f1)], labelled: ["padding": .string("same")]))
    try same(FigureRequest(id: "conv3d-sliding", positional: [.intTensor(img), .intTensor(f1)], labelled: ["padding": .string("same")]))
    try same(FigureRequest(id: "conv3d-ten-filters", positional: [.intTensor(img), .intTensor(f10)], labelled: ["padding": .string("same")]))
    let out = try img.reshaped([1, 32, 32, 3]).conv2dReference(f10, padding: .same).reshaped([32, 32, 10])
    try same(FigureRequest(id: "feature-maps-stacked", positional: [.intTensor(out)]))
    let v = Tensor<Float>.init(repeating: 0.5, shape: [32, 32, 10])
    try same(FigureRequest(id: "pooling-volume", positional: [.floatTensor(v)], labelled: ["size": .int(2)]))
}

@Test func poolingAndReLUCalls() throws {
    try same(FigureRequest(id: "maxpool-2x2", positional: [.intTensor(GridFigures.poolInput)]))
    let fm = try GridFigures.barImage.conv2d(GridFigures.edgeFilter)
    try same(FigureRequest(id: "relu", positional: [.intTensor(fm)]))
}

@Test func modelCalls() throws {
    try same(FigureRequest(id: "tutorial-cnn-architecture", positional: [.string("tutorial")]))
    try same(FigureRequest(id: "vgg16-architecture", positional: [.string("vgg16")]))
    let firsts = (1...5).map { FigureArgument.string("block\($0)_conv1") }
    let marked = try FigureCatalog.make(FigureRequest(id: "vgg16-architecture", positional: [.string("vgg16")], labelled: ["highlight": .list(firsts)]))
    #expect(marked.id == "vgg16-architecture-highlighted")
    #expect(marked.svg == (try FigureCatalog.make(FigureRequest(id: "vgg16-architecture-highlighted"))).svg)
    #expect(throws: FigureError.self) { try FigureCatalog.make(FigureRequest(id: "vgg16-architecture", labelled: ["highlight": .list([.string("block9_conv1")])])) }
}

@Test func receptiveFieldCall() throws {
    let box = Tensor<Int>(repeating: 1, shape: [3, 3])
    try same(FigureRequest(id: "receptive-field-3x3-stack", positional: [.intTensor(ReceptiveFieldFigure.defaultDot), .intTensor(box)]))
    let f = try FigureCatalog.make(FigureRequest(id: "receptive-field-3x3-stack"))
    #expect(f.desc.contains("5x5") && f.desc.contains("7x7"))
}

@Test func dropoutCallDrawsTheEngineOutputs() throws {
    let a = Tensor<Float>(shape: [4], scalars: [1, 2, 3, 4])
    let w = Tensor<Float>(shape: [4, 2], scalars: [1, 0, 0, 1, 1, 1, 2, -1])
    let da = Tensor<Float>(shape: [4], scalars: [2, 0, 6, 0])
    let f = try FigureCatalog.make(FigureRequest(id: "dropout", positional: [.floatTensor(a), .floatTensor(w), .floatTensor(da)],
                                                 labelled: ["rate": .float(0.5), "seed": .int(11)]))
    // a @ W = [12, 1]; da @ W = [2 + 6, 6] = [8, 6].
    #expect(f.desc.contains("outputs [12, 1]"))
    #expect(f.desc.contains("outputs become [8, 6]"))
    #expect(f.svg.contains("seed 11"))
    do {
        _ = try FigureCatalog.make(FigureRequest(id: "dropout", positional: [.floatTensor(a), .floatTensor(w)], labelled: ["seed": .int(11)]))
        Issue.record("dropout without da accepted")
    } catch {
        #expect(error.hint?.contains("dropout(a, rate: 0.5, seed: 11)") == true)
    }
}
