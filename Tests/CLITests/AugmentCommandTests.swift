import Foundation
import Testing
import TestSupport

/// `cnnlearn augment`: the gallery, `--apply`, and bad input (one error, exit 1, no file).
extension CLITests {
    static let photo = repositoryRoot.appendingPathComponent("lessons/data/chelsea-112.jpg").path

    func scratch(_ name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-cli-augment-\(getpid())-\(name)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func augmentWritesTheGalleryAsSVGAndPNG() throws {
        let dir = scratch("gallery")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cat.png").path
        let r = try cnnlearn(["augment", Self.photo, "--n", "3", "--seed", "2", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["cat.png", "cat.svg"])
        let svg = try String(contentsOfFile: dir.appendingPathComponent("cat.svg").path, encoding: .utf8)
        #expect(svg.contains("chelsea-112.jpg and 3 augmented copies"))
        #expect(svg.contains("#3"))
        // The same seed draws the same gallery.
        let again = try cnnlearn(["augment", Self.photo, "--n", "3", "--seed", "2", "--out", dir.appendingPathComponent("again.svg").path])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: dir.appendingPathComponent("again.svg").path, encoding: .utf8) == svg)
    }

    @Test func augmentApplyWritesOneExactImage() throws {
        let dir = scratch("apply")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("flipped.png").path
        let r = try cnnlearn(["augment", Self.photo, "--apply", "flip", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "wrote \(out) (flip_h)\n")
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [
        (["augment", "/no/such.png", "--out", "OUT.png"], "Error: /no/such.png: no such file"),
        (["augment", "README.md", "--out", "OUT.png"], "Error: README.md: not a PNG or JPEG file"),
        (["augment", "PHOTO", "--augment", "rotation=10,zom=0.1", "--out", "OUT.png"], "Error: unknown key \"zom\" in the augmentation spec"),
        (["augment", "PHOTO", "--n", "0", "--out", "OUT.png"], "Error: --n must be between 1 and 64, got 0"),
        (["augment", "PHOTO", "--apply", "rotation=30,zoom=-1", "--out", "OUT.png"], "Error: zoom=-1: an exact zoom is a factor"),
        (["augment", "PHOTO", "--out", "OUT.gif"], "Error: --out"),
    ])
    func augmentRejectsBadInputWithOneErrorAndNoFile(args: [String], message: String) throws {
        let dir = scratch("bad-\(abs(message.hashValue))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x").path
        let r = try cnnlearn(args.map { $0 == "PHOTO" ? Self.photo : $0.replacingOccurrences(of: "OUT", with: out) })
        #expect(r.status == 1)
        #expect(r.err.hasPrefix(message), "\(r.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
