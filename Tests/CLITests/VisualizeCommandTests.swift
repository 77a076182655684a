import Foundation
import Testing
import TestSupport

/// `cnnlearn visualize` end to end, on the committed run and on a Keras fixture; `summary`
/// and `predict` on Keras weight files.
extension CLITests {
    static let fashionRun = repositoryRoot.appendingPathComponent("lessons/data/fashion-run").path
    static let tshirt = repositoryRoot.appendingPathComponent("lessons/data/fashion-mnist-train-1-tshirt.png").path
    static let kerasFolder = repositoryRoot.appendingPathComponent("Tests/Fixtures/keras").path

    func visualizeScratch(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-cli-visualize-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: dir)
        return dir.path
    }

    @Test func visualizeFeaturesWritesTheGridAndShadesTheTerminal() throws {
        let out = visualizeScratch("features")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try cnnlearn(["visualize", "features", Self.fashionRun, "--image", Self.tshirt, "--layers", "conv_1,conv_2", "--per-layer", "4", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("conv_1: 28x28x32, first 4 maps\n"))
        #expect(r.out.contains("conv_2: 14x14x64, first 4 maps\n"))
        #expect(r.out.contains("█"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["feature-maps-side-by-side.png", "feature-maps-side-by-side.svg", "feature-maps.png", "feature-maps.svg"])
        let svg = try String(contentsOfFile: out + "/feature-maps.svg", encoding: .utf8)
        #expect(svg.contains("(x - mean) / std * 64 + 128"))
    }

    @Test func visualizeFiltersIsSeeded() throws {
        let out = visualizeScratch("filters")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let args = ["visualize", "filters", Self.kerasFolder + "/tutorial-28.keras", "--layer", "conv_2", "--filters", "0-1", "--steps", "5", "--seed", "3", "--no-ablation", "--out", out]
        let a = try cnnlearn(args), b = try cnnlearn(args)
        #expect(a.status == 0, "\(a.err)")
        let lines = a.out.split(separator: "\n").filter { $0.hasPrefix("conv_2 filter") }
        #expect(lines.count == 2)
        #expect(lines == b.out.split(separator: "\n").filter { $0.hasPrefix("conv_2 filter") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["filters-conv_2-loss.png", "filters-conv_2-loss.svg", "filters-conv_2.png", "filters-conv_2.svg"])
    }

    @Test func visualizeBadInputIsOneMessage() throws {
        let out = visualizeScratch("bad")
        let r = try cnnlearn(["visualize", "filters", Self.fashionRun, "--layer", "conv_9", "--steps", "2", "--out", out])
        #expect(r.status == 1)
        #expect(r.err.contains("model tutorial has no layer conv_9; its layers: conv_1, maxpool_1"))
        let missing = try cnnlearn(["visualize", "features", "/nonexistent/w.h5", "--image", Self.tshirt])
        #expect(missing.status == 1)
        #expect(missing.err.contains("/nonexistent/w.h5: no such file or run folder"))
        #expect(!FileManager.default.fileExists(atPath: out + "/filters-conv_9.svg"))
    }

    @Test func summaryAndPredictReadKerasWeightFiles() throws {
        let s = try cnnlearn(["summary", Self.kerasFolder + "/tutorial-28.h5"])
        #expect(s.status == 0, "\(s.err)")
        #expect(s.out.hasPrefix("\(Self.kerasFolder)/tutorial-28.h5: Keras 2 HDF5, weights of 7 layers matched by name and shape\n"))
        #expect(s.out.contains("440,202"))
        let p = try cnnlearn(["predict", Self.kerasFolder + "/tiny-vgg.weights.h5", "--model", Self.kerasFolder + "/tiny-vgg.txt", Self.photo])
        #expect(p.status == 0, "\(p.err)")
        #expect(p.out.hasPrefix("\(Self.photo): class 0 0."))
        let e = try cnnlearn(["evaluate", Self.kerasFolder + "/tutorial-28.keras", "--test", "5"])
        #expect(e.status == 0, "\(e.err)")
        #expect(e.out.hasPrefix("\(Self.kerasFolder)/tutorial-28.keras: fashion-mnist test split, 50 images\n"))
        #expect(e.out.contains("true \\ predicted"))
        let wrong = try cnnlearn(["summary", Self.kerasFolder + "/tiny-vgg.h5"])
        #expect(wrong.status == 1)
        // Guessed as VGG16 on its 224x224x3: the tiny file's first kernel does not fit, named with both shapes.
        #expect(wrong.err.contains("layer block1_conv1 (Conv2D) of model vgg16 needs weights 3x3x3x64, 64 but \(Self.kerasFolder)/tiny-vgg.h5 holds 3x3x3x4, 4 for block1_conv1"))
    }
}
