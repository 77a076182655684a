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

    /// A `figures` run killed with SIGTERM (issue 15) leaves no temporary file or staging folder,
    /// and the folder holds the old set or the whole new one: once while the lessons run, once
    /// the moment its staging folder appears (files being written), once at a later point.
    @Test func aKilledFiguresRunLeavesTheOldSetOrTheNewOne() throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("cnnlearn-killed-figures-\(getpid())")
        defer { try? fm.removeItem(at: base) }
        let lessons = base.appendingPathComponent("lessons"), fresh = base.appendingPathComponent("fresh")
        try fm.createDirectory(at: lessons, withIntermediateDirectories: true)
        let cells = (0..<150).map { "figure(\"map-\(String(format: "%03d", $0))\", [[0, \($0)], [2, 3]])" }.joined(separator: "\n")
        try "# Maps\n\nMany maps.\n\n```cnn\n\(cells)\n```\n".write(to: lessons.appendingPathComponent("01-maps.md"), atomically: true, encoding: .utf8)
        let made = try cli.cnnlearn(["figures", "--lessons", lessons.path, "--out", fresh.path])
        #expect(made.status == 0, "\(made.err)")
        let names = try fm.contentsOfDirectory(atPath: fresh.path).sorted()
        #expect(names.count == 300)
        let newBytes = try names.map { try Data(contentsOf: fresh.appendingPathComponent($0)) }
        let exe = try #require(CLITests.executable)
        var hitStaging = false
        for (k, when) in ["lessons", "staging", "later"].enumerated() {
            let out = base.appendingPathComponent("out-\(k)")
            try fm.createDirectory(at: out, withIntermediateDirectories: true)
            for n in names { try Data("old".utf8).write(to: out.appendingPathComponent(n)) }
            // Spawned with a clean signal state (the test runner's threads may block SIGTERM,
            // which a child inherits): SIGTERM ends it as it would a program run from a shell.
            let pid = try Self.spawn(exe, ["figures", "--lessons", lessons.path, "--out", out.path])
            var status: Int32 = 0
            var exited = false
            func poll() -> Bool { if !exited { exited = waitpid(pid, &status, WNOHANG) == pid }; return exited }
            let start = Date()
            var laterAt: Date?
            while !poll(), Date().timeIntervalSince(start) < 120 {
                if when == "lessons", Date().timeIntervalSince(start) > 0.5 { break }
                let staging = ((try? fm.contentsOfDirectory(atPath: out.path)) ?? []).contains { $0.hasPrefix(".cnnlearn-staging") }
                if staging, when == "staging" { hitStaging = true; break }
                if staging, when == "later", laterAt == nil { laterAt = Date() }
                if let laterAt, Date().timeIntervalSince(laterAt) > 0.002 { break }
                usleep(200)
            }
            if !exited { kill(pid, SIGTERM); waitpid(pid, &status, 0) }
            let signalled = status & 0x7f != 0 && status & 0x7f != 0x7f
            let left = try fm.contentsOfDirectory(atPath: out.path).sorted()
            #expect(left == names, "\(when): \(left.filter { !names.contains($0) })")
            let now = try names.map { try Data(contentsOf: out.appendingPathComponent($0)) }
            let old = now.filter { $0 == Data("old".utf8) }.count
            let new = zip(now, newBytes).filter { $0 == $1 }.count
            #expect(old == names.count || new == names.count, "\(when): \(old) old and \(new) new files of \(names.count)")
            if when != "later" {
                #expect(signalled && status & 0x7f == SIGTERM && old == names.count, "killed at \(when): status \(status), \(old) old files")
            }
        }
        #expect(hitStaging, "the run finished before its staging folder was seen")
    }

    /// A write that fails part-way (here: the file-size limit, `ulimit -f`, standing in for a
    /// full disk: write() fails with EFBIG) is one error naming the file; the old set stays and
    /// no temporary file or staging folder is left (issue 15).
    @Test func aWriteFailingPartWayLeavesTheOldSetAndNoTemporaries() throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("cnnlearn-efbig-\(getpid())")
        defer { try? fm.removeItem(at: base) }
        let lessons = base.appendingPathComponent("lessons"), out = base.appendingPathComponent("out")
        try fm.createDirectory(at: lessons, withIntermediateDirectories: true)
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        try "# Maps\n\nMaps.\n\n```cnn\nfigure(\"small\", [[0, 1], [2, 3]])\nfigure(\"big\", random([40, 40], seed: 1))\n```\n"
            .write(to: lessons.appendingPathComponent("01-maps.md"), atomically: true, encoding: .utf8)
        let names = ["big.png", "big.svg", "small.png", "small.svg"]
        for n in names { try Data("old".utf8).write(to: out.appendingPathComponent(n)) }
        let exe = try #require(CLITests.executable)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 8 blocks (4 KiB with sh's 512-byte blocks, 8 KiB with 1 KiB ones): the small map's
        // files fit, the 40x40 map's SVG (one rect per cell) does not. SIGXFSZ ignored, so the
        // write fails with EFBIG instead of ending the process.
        p.arguments = ["-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"", exe, "figures", "--lessons", lessons.path, "--out", out.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 1, "\(p.terminationReason) \(p.terminationStatus): \(text)")
        #expect(text.hasPrefix("Error: \(out.path)/big.") && text.contains("cannot write the file (File too large)"), "\(text)")
        #expect(try fm.contentsOfDirectory(atPath: out.path).sorted() == names)
        for n in names { #expect(try Data(contentsOf: out.appendingPathComponent(n)) == Data("old".utf8), "\(n) was replaced") }
    }

    /// Starts `exe` with no signal blocked or ignored, output to /dev/null; returns its pid.
    static func spawn(_ exe: String, _ arguments: [String]) throws -> pid_t {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CNNLEARN_LESSONS")
        return try spawnWithCleanSignals(exe, [exe] + arguments, environment: env) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
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
