import Foundation
import Testing
import TestSupport
import Tensor
@testable import Lessons

/// Feeds random and mutated cells through the parser and interpreter: each one must end in a
/// result or a `LessonError` (a trap would stop the test process).
@Suite struct FuzzTests {
    /// A small deterministic generator (SplitMix64), so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let vocabulary = [
        "x", "k", "y", "=", "+", "-", "*", "/", "@", "(", ")", "[", "]", ",", ":", "\n", "#", " ",
        "0", "1", "2", "-1", "3", "0.5", "1e3", "9223372036854775807", "\"same\"", "\"valid\"", "\"a.npy\"", "true", "false",
        "conv2d", "conv2d_transpose", "maxpool", "avgpool", "relu", "sigmoid", "tanh", "softmax", "dropout",
        "flatten", "reshape", "transpose", "pad", "sum", "mean", "max", "argmax", "shape", "zeros", "ones",
        "random", "load", "save", "assert_equal", "assert_close", "print", "decimals", "float", "step", "grad", "grad(sum(x * k), k)",
        "stride:", "padding:", "size:", "axis:", "bias:", "dilation:", "rate:", "seed:", "training:", "value:",
        "[[1, 2], [3, 4]]", "[[1, 0, 1], [0, 1, 0], [1, 0, 1]]", "[1, 2, 3]", "x[0:2, 1]", "x[::-1]", "[[0.5]]",
    ]

    static let seeds: [String] = {
        let setup = "x = [[1,1,1,0,0],[0,1,1,1,0],[0,0,1,1,1],[0,0,1,1,0],[0,1,1,0,0]]\nk = [[1,0,1],[0,1,0],[1,0,1]]\n"
        var cells = [
            setup + "step conv2d(x, k, padding: \"same\", stride: 2)",
            setup + "conv2d(reshape(x, [5, 5, 1]), reshape(k, [3, 3, 1, 1]), bias: [1])",
            setup + "step maxpool(x, size: [2, 3], stride: 1, padding: 1)",
            setup + "step conv2d_transpose(k, [[1, 2], [3, 4]], stride: 2, padding: [1, 0, 0, 1])",
            setup + "sum(x[1:4, ::2] * 2, axis: -1) @ [[1], [2], [3]]",
            setup + "softmax(float(x) / 3, axis: 0)\nmean(dropout(x, rate: 0.5, seed: 3))",
            setup + "assert_close(avgpool(x, size: 2), maxpool(float(x), size: 2), 0.5)",
            setup + "pad(x, [1, 2, 0, 1], value: 7)[0]\nargmax(flatten(x))\ntranspose(random([2, 3], seed: 1))",
            setup + "k = float(k)\ngrad(sum(relu(conv2d(x, k, padding: \"same\")) * 2 - 1), k)\ngrad(mean(softmax(flatten(k) @ transpose(flatten(k)))), k)",
        ]
        let lesson = repositoryRoot.appendingPathComponent("lessons/01-convolution.md").path
        if let doc = try? LessonDocument(contentsOf: lesson) { cells += doc.cells.map(\.code) }
        return cells
    }()

    func mutate(_ s: String, _ g: inout SplitMix) -> String {
        var chars = Array(s)
        for _ in 0..<Int.random(in: 1...4, using: &g) {
            let choice = Int.random(in: 0..<4, using: &g)
            let i = chars.isEmpty ? 0 : Int.random(in: 0..<chars.count, using: &g)
            switch choice {
            case 0 where !chars.isEmpty: chars.remove(at: i)
            case 1: chars.insert(contentsOf: Array(Self.vocabulary.randomElement(using: &g) ?? ""), at: i)
            case 2 where !chars.isEmpty: chars[i] = Array("()[],:=+-*/@#\"0123456789 \nxk.e").randomElement(using: &g) ?? " "
            default:
                if !chars.isEmpty { let j = Int.random(in: i..<chars.count, using: &g); chars.removeSubrange(i..<j) }
            }
        }
        return String(chars)
    }

    func random(_ g: inout SplitMix) -> String {
        (0..<Int.random(in: 1...24, using: &g)).map { _ in Self.vocabulary.randomElement(using: &g) ?? "" }.joined(separator: Bool.random(using: &g) ? " " : "")
    }

    /// 10,000 by default; CNNLEARN_FUZZ_ITERATIONS runs a longer hunt on purpose.
    static let iterations = ProcessInfo.processInfo.environment["CNNLEARN_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 10_000

    @Test func tenThousandCellsEndInAResultOrAnError() {
        var g = SplitMix(state: ProcessInfo.processInfo.environment["CNNLEARN_FUZZ_SEED"].flatMap(UInt64.init) ?? 2026)
        let dir = NSTemporaryDirectory() + "cnnlearn-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var results = 0, errors = 0
        for n in 0..<Self.iterations {
            let code = n % 2 == 0 ? random(&g) : mutate(Self.seeds[n % Self.seeds.count], &g)
            let it = Interpreter(file: "fuzz.md", baseDirectory: dir)
            do {
                _ = try it.run(cell: code, firstLine: 1)
                results += 1
            } catch {
                #expect(error.location.line >= 1 && error.location.column >= 1, "bad location for: \(code)")
                #expect(!error.message.isEmpty)
                errors += 1
            }
        }
        #expect(results + errors == Self.iterations)
        #expect(results > 100 && errors > 100, "results \(results), errors \(errors)")
    }

    /// Every cell of every shipped lesson, mutated (three mutants each, seeded), run under a
    /// 64 MiB memory budget: each ends in a value or an error, none takes long (issue 15).
    @Test func mutatedLessonCellsUnderTheBudgetsNeverTrapOrHang() throws {
        let folder = repositoryRoot.appendingPathComponent("lessons").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
        #expect(files.count >= 13)
        var g = SplitMix(state: 15)
        var runs = 0, slowest = 0.0
        let dir = NSTemporaryDirectory() + "cnnlearn-fuzz-lessons-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        MemoryBudget.$scoped.withValue(64 << 20) {
            for f in files {
                guard let doc = try? LessonDocument(contentsOf: folder + "/" + f) else {
                    Issue.record("\(f) does not parse")
                    continue
                }
                for cell in doc.cells {
                    for _ in 0..<3 {
                        let code = mutate(cell.code, &g)
                        let it = Interpreter(file: "fuzz.md", baseDirectory: dir)
                        let start = Date()
                        do throws(LessonError) { _ = try it.run(cell: code, firstLine: 1) } catch {
                            #expect(!error.message.isEmpty)
                        }
                        slowest = max(slowest, Date().timeIntervalSince(start))
                        runs += 1
                    }
                }
            }
        }
        #expect(runs > 500, "\(runs) mutants")
        #expect(slowest < 60, "the slowest mutant took \(slowest) s")
    }
}
