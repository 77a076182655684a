import Foundation
import Testing
import TestSupport

/// `cnnlearn train` end to end: output on a pipe, bad input, and a run killed with SIGKILL in
/// the middle of an epoch and resumed, which must end with the same weights as one that was not.
@Suite(.serialized) struct TrainCommandTests {
    static let bars = repositoryRoot.appendingPathComponent("Tests/Fixtures/bars").path

    func folder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-cli-\(name)-\(UUID().uuidString)").path
    }

    func trainArgs(_ out: String, epochs: Int) -> [String] {
        ["train", "--data", Self.bars, "--train", "12", "--validation", "4", "--size", "16x16x1", "--epochs", "\(epochs)",
         "--batch", "2", "--seed", "3", "--out", out]
    }

    @Test func onAPipeOneLinePerEpoch() throws {
        let out = folder("pipe")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLITests().cnnlearn(trainArgs(out, epochs: 2))
        #expect(r.status == 0, "\(r.err)")
        let epochLines = r.out.split(separator: "\n").filter { $0.hasPrefix("epoch ") }
        #expect(epochLines.count == 2)
        #expect(epochLines[0].hasPrefix("epoch 1/2: loss "))
        #expect(epochLines[0].contains("val_loss") && epochLines[0].contains("val_accuracy"))
        #expect(!r.out.contains("\r"))  // no progress bar redraws on a pipe
        #expect(r.out.contains("classes horizontal, vertical; train 24, validation 8"))
    }

    @Test func badInputIsOneClearError() throws {
        let out = folder("bad")
        let cases: [([String], String)] = [
            (["train"], "give --data"),
            (["train", "--data", "/nonexistent", "--out", out], "/nonexistent"),
            (["train", "--data", Self.bars, "--train", "99", "--out", out], "horizontal"),
            (["train", "--data", Self.bars, "--optimizer", "adagrad", "--out", out], "adam, sgd or rmsprop"),
            (["train", "--data", Self.bars, "--epochs", "0", "--out", out], "--epochs"),
            (["train", "--resume", out], "no such run folder"),
            (["train", "--data", Self.bars, "--resume", out], "--resume takes its settings"),
        ]
        for (args, expected) in cases {
            let r = try CLITests().cnnlearn(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.err.contains(expected), "\(args): \(r.err)")
            #expect(!r.err.contains("Fatal error") && !r.err.contains("crashed"), "\(args): \(r.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func killedInTheMiddleAndResumedGivesTheSameWeights() throws {
        let whole = folder("whole"), killed = folder("killed")
        defer { for f in [whole, killed] { try? FileManager.default.removeItem(atPath: f) } }
        let epochs = 4
        let w = try CLITests().cnnlearn(trainArgs(whole, epochs: epochs))
        #expect(w.status == 0, "\(w.err)")

        // Start the same run and kill it (SIGKILL: no chance to save) once epoch 1 is on disk,
        // so the kill lands in epoch 2 or later.
        let exe = try #require(CLITests.executable)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = trainArgs(killed, epochs: epochs)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let marker = killed + "/checkpoints/epoch-001.cnnw"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: marker) && p.isRunning && Date() < deadline { usleep(20_000) }
        let wasRunning = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        if !wasRunning { print("notice: the run finished before it could be killed; the resume below starts from its end") }
        let last = try #require(FileManager.default.contents(atPath: killed + "/checkpoints/last.cnnt"))
        #expect(last.count > 0)

        let r = try CLITests().cnnlearn(["train", "--resume", killed])
        #expect(r.status == 0, "\(r.err)")
        let name = String(format: "/checkpoints/epoch-%03d.cnnw", epochs)
        let a = try #require(FileManager.default.contents(atPath: whole + name))
        let b = try #require(FileManager.default.contents(atPath: killed + name))
        #expect(a == b)
        // The histories agree but for the seconds.
        func rows(_ f: String) throws -> [String] {
            try String(contentsOfFile: f + "/history.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        }
        #expect(try rows(whole) == rows(killed))
        // Resuming a finished run says so and changes nothing.
        let again = try CLITests().cnnlearn(["train", "--resume", killed])
        #expect(again.status == 0)
        #expect(again.out.contains("nothing to resume"))
    }
}
