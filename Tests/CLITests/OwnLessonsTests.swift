import Foundation
import Testing
import TestSupport

/// A folder of one's own lessons: figures with their own ids, written next to the lessons;
/// summary tables within 80 columns.
@Suite struct OwnLessonsTests {
    let cli = CLITests()

    @Test func figuresOnAnOwnFolderWritesItsFiguresNextToTheLessons() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-own-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let lesson = "# Mine\n\nA map.\n\n```cnn\nx = [[0, 1], [2, 3]]\nfigure(\"my-map\", x)\n```\n"
        try lesson.write(to: dir.appendingPathComponent("01-mine.md"), atomically: true, encoding: .utf8)
        let r = try cli.cnnlearn(["figures", "--lessons", dir.path], cwd: FileManager.default.temporaryDirectory)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("wrote 2 files for 1 figures to \(dir.path)"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["01-mine.md", "my-map.png", "my-map.svg"])
        // The PNG is the map scaled by 160 (2x2 -> 320x320): its IHDR says so.
        let png = try Data(contentsOf: dir.appendingPathComponent("my-map.png"))
        #expect(Array(png[16..<24]) == [0, 0, 1, 64, 0, 0, 1, 64])
        // A folder whose lessons make no figure is told so, and nothing is written.
        try "# None\n\nText.\n\n```cnn\n1 + 1\n```\n".write(to: dir.appendingPathComponent("01-mine.md"), atomically: true, encoding: .utf8)
        let none = try cli.cnnlearn(["figures", "--lessons", dir.path, "--out", dir.appendingPathComponent("out").path])
        #expect(none.status != 0)
        #expect(none.err.contains("calls figure(...); nothing was written"))
    }

    @Test func summaryTablesFitEightyColumnsWithALegend() throws {
        for args in [["summary", "tutorial"], ["summary", "vgg16"], ["summary", "vgg16", "--receptive-field"], ["summary", "tutorial", "--keras"]] {
            let r = try cli.cnnlearn(args)
            #expect(r.status == 0, "\(r.err)")
            let widest = r.out.split(separator: "\n").map(\.count).max() ?? 0
            #expect(widest <= 80, "\(args.joined(separator: " ")) is \(widest) columns wide")
        }
        let t = try cli.cnnlearn(["summary", "tutorial"])
        #expect(t.out.contains("MACs: multiply-accumulates per example. Memory: the layer's output per example"))
        let rf = try cli.cnnlearn(["summary", "tutorial", "--receptive-field"])
        #expect(rf.out.contains("Jump: input pixels between neighbouring outputs. Start: the centre of the first"))
    }

    @Test func anInstalledCopyFindsItsLessonsFromAnyFolder() throws {
        // The layout `make install PREFIX=...` makes: bin/cnnlearn, share/cnnlearn/lessons.
        let exe = try #require(CLITests.executable)
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-prefix-\(getpid())")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let fm = FileManager.default
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.createDirectory(at: prefix.appendingPathComponent("share/cnnlearn"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: exe, toPath: prefix.appendingPathComponent("bin/cnnlearn").path)
        try fm.copyItem(at: repositoryRoot.appendingPathComponent("lessons"), to: prefix.appendingPathComponent("share/cnnlearn/lessons"))
        let p = Process()
        p.executableURL = prefix.appendingPathComponent("bin/cnnlearn")
        p.arguments = ["lesson", "convolution", "--no-pause"]
        p.currentDirectoryURL = URL(fileURLWithPath: "/")
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CNNLEARN_LESSONS")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(text.contains("Next: 02 volumes"))
        // A pipe gets no escape codes at all.
        #expect(!text.contains("\u{1B}"))
    }
}
