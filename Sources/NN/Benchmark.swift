import CKernels
import Foundation
import Synchronization
import Tensor

/// Speed measurements of this machine for `cnnlearn bench`: the FMA peak, the tutorial
/// model's conv layers, and its training throughput. Every result is checked before it is timed.
public enum Benchmark {
    /// One timed measurement: `name, shape, ms, GFLOP/s` (GFLOP/s nil when it has no FLOP count).
    public struct Row: Sendable {
        public let name, shape: String
        public let milliseconds: Double
        public let gflops: Double?

        public var line: String {
            let g = gflops.map { String(format: ", %.1f GFLOP/s", $0) } ?? ""
            return "\(name.padding(toLength: max(22, name.count), withPad: " ", startingAt: 0)) \(shape): " + String(format: "%.1f ms", milliseconds) + g
        }
    }

    /// Seconds of the fastest of `repeats` runs of `body` (after one untimed warm-up run).
    static func fastest(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var best = Double.infinity
        for _ in 0..<max(repeats, 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return best
    }

    /// The machine's single-precision FMA peak: the C FMA loop (`cnn_fma_loop`, 16 independent
    /// chains on the widest vector unit) on `threads` threads at once; the best of `repeats`
    /// runs, in GFLOP/s for all of them together. nil on a CPU without FMA.
    public static func fmaPeak(threads: Int = Threads.count, repeats: Int = 3) -> (width: Int, gflops: Double)? {
        let width = Int(cnn_fma_width())
        guard width > 0 else { return nil }
        let iterations = 20_000_000
        var best = 0.0
        for _ in 0..<max(repeats, 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let flops = Mutex(0.0)
            DispatchQueue.concurrentPerform(iterations: max(threads, 1)) { _ in
                var sink: Float = 0
                let f = cnn_fma_loop(iterations, &sink)
                flops.withLock { $0 += f + (sink.isNaN ? 1 : 0) }
            }
            let s = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = max(best, flops.withLock { $0 } / s / 1e9)
        }
        return (width, best)
    }

    /// The oneDNN version, the instruction set it dispatches to here, and the thread count.
    public static var engineLine: String {
        "oneDNN \(OneDNN.version), \(OneDNN.effectiveISA), \(Threads.count) threads"
    }

    /// Forward and forward+backward of every Conv2D layer (with bias and ReLU, as in the model)
    /// of `model` at batch `batch`. Forward counts 2*MACs FLOPs; backward adds the kernel
    /// gradient (2*MACs) and, except for the first layer, whose input needs no gradient, the
    /// input gradient (2*MACs). The backward pass starts from a fixed random gradient of the
    /// layer's output (a vector-Jacobian product), so only the layer's own work is timed.
    public static func convLayers(of model: Sequential, batch: Int = 32, repeats: Int = 5) throws(NNError) -> [Row] {
        var rows: [Row] = []
        let weights = ModelWeights.glorotUniform(for: model, seed: 7)
        var first = true
        for (i, l) in model.layers.enumerated() {
            guard let conv = l.layer as? Conv2D else { continue }
            let x = Tensor<Float>.random(shape: [batch] + l.inputShape, seed: UInt64(100 + i))
            let flops = 2 * Double(l.macs) * Double(batch)
            let inputGradient = !first
            first = false
            let seed = Tensor<Float>.random(shape: [batch] + l.outputShape, seed: UInt64(200 + i))
            do {
                func run(_ backward: Bool) throws {
                    let tape = Tape()
                    let p = weights.tensors[i].map { tape.variable($0) }
                    let xv = inputGradient ? tape.variable(x) : tape.constant(x)
                    let y = try conv.forward(xv, parameters: p, tape: tape, context: ForwardContext(training: true), index: i)
                    guard backward else { return }
                    _ = try tape.gradients(of: y, seed: seed, wrt: inputGradient ? p + [xv] : p)
                }
                let shape = "\(formatShape([batch] + l.inputShape)) -> \(formatShape([batch] + l.outputShape))"
                let f = try fastest(repeats) { try run(false) }
                rows.append(Row(name: "\(l.name) fwd", shape: shape, milliseconds: f * 1e3, gflops: flops / f / 1e9))
                let fb = try fastest(repeats) { try run(true) }
                let total = flops * (inputGradient ? 3 : 2)
                rows.append(Row(name: "\(l.name) fwd+bwd", shape: shape, milliseconds: fb * 1e3, gflops: total / fb / 1e9))
            } catch let e as NNError { throw e } catch { throw .invalidModel("\(l.name): \(error)") }
        }
        return rows
    }

    /// Where a training step's time goes: forward and forward+backward of every layer of
    /// `model` in isolation at batch `batch` (conv layers with a fused ReLU as one part, others
    /// split into conv+bias and their activation), plus one optimizer update. Backward starts
    /// from a fixed random gradient of the part's output and skips the input gradient of the
    /// first layer, as training does.
    public static func breakdown<O: Optimizer>(of model: Sequential, batch: Int = 32, optimizer: O,
                                               repeats: Int = 2) throws(NNError) -> [Row] {
        var rows: [Row] = []
        let weights = ModelWeights.glorotUniform(for: model, seed: 7)
        do {
            for (i, l) in model.layers.enumerated() {
                let f = l.layer
                let x = Tensor<Float>.random(shape: [batch] + l.inputShape, seed: UInt64(200 + i))
                var parts: [(String, any Layer, [Int])] = [(l.name, f, l.inputShape)]
                if let c = l.layer as? Conv2D, c.activation == .relu {
                    // ReLU is fused into the convolution: timed as one part, as it runs.
                    parts = [("\(l.name) conv+relu", f, l.inputShape)]
                } else if let c = l.layer as? Conv2D, c.activation != .linear {
                    let bare = Conv2D(c.filters, kernelSize: c.kernelSize, strides: c.strides, padding: c.padding,
                                      dilation: c.dilation, activation: .linear, useBias: c.useBias)
                    parts = [("\(l.name) conv", bare, l.inputShape), ("\(l.name) \(c.activation)", Activation(c.activation), l.outputShape)]
                }
                for (k, (name, layer, shape)) in parts.enumerated() {
                    let input = k == 0 ? x : Tensor<Float>.random(shape: [batch] + shape, seed: UInt64(300 + i))
                    let needsInput = i > 0 || k > 0
                    let seed = Tensor<Float>.random(shape: [batch] + (k + 1 == parts.count ? l.outputShape : parts[k + 1].2),
                                                    seed: UInt64(400 + i))
                    func run(_ backward: Bool) throws {
                        let tape = Tape()
                        let p = k == 0 ? weights.tensors[i].map { tape.variable($0) } : []
                        let xv = needsInput ? tape.variable(input) : tape.constant(input)
                        let y = try layer.forward(xv, parameters: p, tape: tape, context: ForwardContext(training: true), index: i)
                        guard backward, !(p.isEmpty && !needsInput) else { return }
                        _ = try tape.gradients(of: y, seed: seed, wrt: needsInput ? p + [xv] : p)
                    }
                    let shapeText = formatShape([batch] + shape)
                    let fwd = try fastest(repeats) { try run(false) }
                    let both = try fastest(repeats) { try run(true) }
                    rows.append(Row(name: "\(name) fwd", shape: shapeText, milliseconds: fwd * 1e3, gflops: nil))
                    rows.append(Row(name: "\(name) fwd+bwd", shape: shapeText, milliseconds: both * 1e3, gflops: nil))
                }
            }
            var opt = optimizer
            var w = weights
            let g = weights.tensors.map { $0.map { Tensor<Float>(repeating: 1e-3, shape: $0.shape) } }
            let s = try fastest(repeats) { try opt.step(&w, gradients: g) }
            rows.append(Row(name: "optimizer step", shape: "\(groupedThousands(weights.parameterCount)) weights", milliseconds: s * 1e3, gflops: nil))
        } catch let e as NNError { throw e } catch { throw .invalidModel("\(error)") }
        return rows
    }

    /// Training throughput: `steps` Adam updates of `model` on seeded random images and labels
    /// at batch `batch`, after one warm-up step; returns the row and images per second.
    public static func training(of model: Sequential, batch: Int = 32, steps: Int = 10) throws(NNError) -> (row: Row, imagesPerSecond: Double, loss: Float) {
        var trainer = try Trainer(model: model, weights: .glorotUniform(for: model, seed: 3), optimizer: Adam(),
                                  loss: .binaryCrossEntropy, seed: 4)
        let x = Tensor<Float>.random(shape: [batch] + model.inputShape, seed: 5)
        let y = Tensor<Float>(shape: [batch, 1], scalars: Tensor<Float>.random(shape: [batch, 1], seed: 6).scalars.map { $0 < 0.5 ? 0 : 1 })
        var last = try trainer.trainStep(x: x, y: y).loss
        guard last.isFinite else { throw .invalidModel("training check failed: loss \(last)") }
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<max(steps, 1) { last = try trainer.trainStep(x: x, y: y).loss }
        let s = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let row = Row(name: "train step", shape: "\(formatShape([batch] + model.inputShape)) Adam", milliseconds: s * 1e3 / Double(max(steps, 1)), gflops: nil)
        return (row, Double(max(steps, 1) * batch) / s, last)
    }

    /// The process's peak resident memory so far, in MB (getrusage ru_maxrss).
    public static func peakMemoryMB() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_maxrss) / 1024
    }
}
