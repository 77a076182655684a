@testable import Figures
import Foundation
import Imaging
import Tensor
import Testing

private func scratch(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-figures-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: dir)
    return dir.path
}

@Test func writerMakesSVGPNGAndFrames() throws {
    let dir = scratch("frames")
    let writer = FigureWriter(directory: dir)
    try writer.prepare()
    let figure = try FigureCatalog.make(FigureRequest(id: "stride-2"))
    let paths = try writer.write(figure)
    let names = paths.map { ($0 as NSString).lastPathComponent }
    #expect(names == ["stride-2.svg", "stride-2.png", "stride-2-frame-01.png", "stride-2-frame-02.png", "stride-2-frame-03.png", "stride-2-frame-04.png"])
    let png = try PNGCodec.read(path: dir + "/stride-2.png")
    #expect(Double(png.width) == figure.width && Double(png.height) == figure.height)
    // Nothing but the figure's files: no temporary names left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == names.sorted())
}

@Test func unknownIdListsTheKnownOnes() {
    do {
        _ = try FigureCatalog.make(FigureRequest(id: "conv-step-9"))
        Issue.record("no error for an unknown id")
    } catch {
        #expect(error.message.contains("conv-step-9"))
        #expect(error.hint?.contains("conv-step-1, conv-step-2") == true)
    }
}

@Test func unwritableFolderIsOneErrorAndWritesNothing() throws {
    let file = scratch("blocker")
    try writeFileAtomically([1], to: file)
    do {
        try FigureBatch.write([FigureCatalog.make(FigureRequest(id: "relu"))], writer: FigureWriter(directory: file + "/figures"))
        Issue.record("no error for a folder under a file")
    } catch {
        #expect(error.message.contains(file))
    }
}

@Test func badArgumentNamesTheFigure() {
    let bad = FigureRequest(id: "conv-step-1", positional: [.string("x")])
    #expect(throws: FigureError.self) { try FigureCatalog.make(bad) }
    let typo = FigureRequest(id: "conv-step-1", labelled: ["stpe": .int(1)])
    do { _ = try FigureCatalog.make(typo); Issue.record("typo accepted") } catch {
        #expect(error.message == "figure \"conv-step-1\" has no argument stpe")
    }
}

@Test func stepFigureShowsTheEngineResult() throws {
    // The tutorial's second window sums to 3: the figure says so because conv2d says so.
    let x = try Tensor<Int>(rows: [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])
    let k = try Tensor<Int>(rows: [[1, 0, 1], [0, 1, 0], [1, 0, 1]])
    let f = try FigureCatalog.make(FigureRequest(id: "conv-step-2", positional: [.intTensor(x), .intTensor(k)]))
    #expect(f.svg.contains("1×1 + 1×0 + 0×1 + 1×0 + 1×1 + 1×0 + 0×1 + 1×0 + 1×1 = 3"))
    // A different input changes the drawn result.
    let y = try Tensor<Int>(rows: [[2, 2, 2, 0, 0], [0, 2, 2, 2, 0], [0, 0, 2, 2, 2], [0, 0, 2, 2, 0], [0, 2, 2, 0, 0]])
    let g = try FigureCatalog.make(FigureRequest(id: "conv-step-2", positional: [.intTensor(y), .intTensor(k)]))
    #expect(g.svg.contains("= 6</text>"))
}

@Test func maxPoolFigureGivesTheTutorialResult() throws {
    let f = try FigureCatalog.make(FigureRequest(id: "maxpool-2x2"))
    #expect(f.desc.contains("[[6, 8], [3, 4]]"))
}

@Test func receptiveFieldsGrowByTwoPerLayer() throws {
    #expect(try ReceptiveFieldFigure.regions(layers: 3, kernel: 3) == [1, 3, 5, 7])
    #expect(try ReceptiveFieldFigure.regions(layers: 2, kernel: 5) == [1, 5, 9])
}

@Test func architectureShapesFollowKerasRules() throws {
    let rows = LayerRow.rows(of: try zooModel("tutorial", figure: "t"), stageOf: LayerRow.tutorialStage)
    #expect(rows.first?.name == "input" && rows.first?.shape == [150, 150, 3])
    #expect(rows.first { $0.name == "maxpool_2" }?.shape == [37, 37, 64])
    #expect(rows.first { $0.name == "flatten" }?.shape == [10368])
    let vgg = LayerRow.rows(of: try zooModel("vgg16", figure: "v"), stageOf: LayerRow.vggStage)
    #expect(vgg.filter { $0.type == "InputLayer" }.count == 1)
    #expect(vgg.filter { $0.type == "Conv2D" || $0.type == "Dense" }.count == 16)
    #expect(vgg.first { $0.name == "block5_pool" }?.shape == [7, 7, 512])
}

@Test func animatedFigureLoopsOneFramePerWindow() throws {
    let f = try FigureCatalog.make(FigureRequest(id: "conv-animation"))
    #expect(f.frames.count == 9)
    #expect(f.svg.components(separatedBy: "<animate ").count == 10)
    #expect(f.svg.contains("repeatCount=\"indefinite\""))
}

@Test func rasterizerDrawsTextAndShapes() throws {
    var doc = SVGDocument(width: 40, height: 20, title: "t", desc: "d")
    doc.rect(x: 0, y: 0, width: 20, height: 20, fill: "#0072B2")
    let image = try Rasterizer.rasterize(svg: doc.render(), width: 40, height: 20)
    #expect(Array(image.pixels[0..<3]) == [0x00, 0x72, 0xB2])
    #expect(Array(image.pixels[(30 * 3)..<(30 * 3 + 3)]) == [255, 255, 255])
}

/// `AtomicFile.write(set:)`, which `figures` writes through: every file new, permissions kept,
/// no staging folder left; a read-only member refuses the whole set before anything changes.
@Test func aSetOfFilesIsWrittenWhollyOrNotAtAll() throws {
    let dir = scratch("set")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try writeFileAtomically(Array("old a".utf8), to: dir + "/a.svg")
    try writeFileAtomically(Array("old b".utf8), to: dir + "/b.svg")
    chmod(dir + "/b.svg", 0o600)
    try AtomicFile.write(set: [(dir + "/a.svg", Array("new a".utf8)), (dir + "/b.svg", Array("new b".utf8)), (dir + "/c.svg", Array("new c".utf8))])
    #expect(try String(contentsOfFile: dir + "/a.svg", encoding: .utf8) == "new a")
    #expect(try String(contentsOfFile: dir + "/b.svg", encoding: .utf8) == "new b")
    #expect(try String(contentsOfFile: dir + "/c.svg", encoding: .utf8) == "new c")
    #expect((try FileManager.default.attributesOfItem(atPath: dir + "/b.svg")[.posixPermissions] as? Int) == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.svg", "b.svg", "c.svg"])
    // One read-only target: nothing of the set is written, nothing is left behind.
    chmod(dir + "/c.svg", 0o444)
    do {
        try AtomicFile.write(set: [(dir + "/a.svg", Array("newer a".utf8)), (dir + "/c.svg", Array("newer c".utf8))])
        Issue.record("a read-only member was replaced")
    } catch {
        #expect(error.path == dir + "/c.svg")
        #expect(error.reason.contains("read-only"))
    }
    #expect(try String(contentsOfFile: dir + "/a.svg", encoding: .utf8) == "new a")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.svg", "b.svg", "c.svg"])
    // The same target twice is an error, not a race between two versions.
    #expect(throws: FileWriteError.self) { try AtomicFile.write(set: [(dir + "/a.svg", [1]), (dir + "/a.svg", [2])]) }
    chmod(dir + "/c.svg", 0o644)
}
