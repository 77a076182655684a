import ArgumentParser
import NN
import Tensor

/// `cnnlearn bench [--input HxWxC] [--batch N] [--steps N] [--training-only]`: measures this
/// machine's FMA peak, the tutorial model's conv layers and its training throughput.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the FMA peak, the tutorial CNN's conv layers and its training images/s.",
        discussion: "The last line reads 'images/s: N'. See bench/README.md for the comparison with TensorFlow.")

    @Option(help: "Input shape HxWxC of the tutorial model.")
    var input = "150x150x3"

    @Option(help: "Batch size.")
    var batch = 32

    @Option(help: "Timed training steps.")
    var steps = 10

    @Option(help: "Threads to compute on (default: every core, or CNNLEARN_THREADS).")
    var threads: Int?

    @Flag(help: "Only measure training throughput.")
    var trainingOnly = false

    @Flag(help: "Also time every layer's forward and forward+backward, and the optimizer update.")
    var breakdown = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        guard batch >= 1, steps >= 1 else { throw ValidationError("--batch and --steps must be at least 1") }
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
            Threads.set(threads)
        }
        let model = try ModelZoo.tutorial(input: try parseShape(input))
        print("cnnlearn bench: tutorial model, input \(input), batch \(batch)")
        print("engine: \(Benchmark.engineLine)")
        if !trainingOnly {
            if let peak = Benchmark.fmaPeak() {
                print(String(format: "fma peak GFLOP/s: %.1f (%d-bit vectors, %d threads)", peak.gflops, peak.width, Threads.count))
            } else {
                print("fma peak: this CPU has no fused multiply-add; no peak to compare with")
            }
            for row in try Benchmark.convLayers(of: model, batch: batch) { print(row.line) }
        }
        if breakdown {
            print("where a training step's time goes (each part alone):")
            let rows = try Benchmark.breakdown(of: model, batch: batch, optimizer: Adam())
            for row in rows { print(row.line) }
            let total = rows.filter { $0.name.hasSuffix("fwd+bwd") || $0.name == "optimizer step" }.reduce(0) { $0 + $1.milliseconds }
            print(String(format: "sum of fwd+bwd parts and update: %.1f ms", total))
        }
        let t = try Benchmark.training(of: model, batch: batch, steps: steps)
        print(t.row.line)
        print(String(format: "loss: %.4f", t.loss))
        print(String(format: "peak memory MB: %.1f", Benchmark.peakMemoryMB()))
        print(String(format: "images/s: %.1f", t.imagesPerSecond))
    }
}
