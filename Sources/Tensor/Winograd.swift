import CKernels
import Foundation

/// Winograd convolution F(4x4, 3x3) where oneDNN has none (every CPU without AVX-512, and
/// `ONEDNN_MAX_CPU_ISA=AVX2`): the engine's own tile transforms (CKernels/Winograd.c, AVX2)
/// around oneDNN's matrix products.
///
/// Each 4x4 block of outputs comes from a 6x6 block of inputs with 36 products per channel
/// pair instead of 144 (a quarter of the direct convolution's multiplications):
/// - forward: V = B^T d B per input tile, U = G g G^T per kernel, then for each of the 36
///   points M = V U (a (tiles x C) by (C x F) product), then y = A^T M A (+ bias, ReLU);
/// - backward: dM = A dY A^T per output tile (the ReLU mask and the bias sum on the way);
///   input gradient dV = dM U^T, then dx = sum of B dV B^T over the tiles that read each cell;
///   kernel gradient dU = V^T dM (summed over tiles inside the product), then dg = G^T dU G.
///
/// The 36 products of a pass are single-threaded oneDNN sgemm calls spread over the threads
/// (`OneDNN.batchedMatmul`). The transforms split tile rows
/// over the engine's threads; each tile row's work is in a fixed order, and the input
/// gradient's overlapping tiles are added in two passes of alternate tile rows, so results
/// do not depend on which thread ran what.
///
/// Accuracy: the transforms' constants (up to 8 in A, 5 in B) make the rounding error larger
/// than a direct sum's: `tolerance` is the bound the tests hold it to against the Double
/// reference. Lessons never see it: they run the plain loops (`Engine.portable`).
enum Winograd4x3 {
    /// The error bound the tests hold the engine's Winograd to, per unit of the inputs'
    /// magnitude times the terms summed: at most 3.6e-7 was seen over the test shapes on an
    /// AMD EPYC (Zen 1); the direct kernels are held to 1e-5, oneDNN's Winograd to 1e-4.
    static let tolerance = 2e-6

    /// Whether the transforms can run here: the CPU has AVX2 and FMA, and oneDNN (within
    /// ONEDNN_MAX_CPU_ISA) dispatches to AVX2 but has no Winograd of its own (below AVX-512).
    static let available: Bool = {
        OneDNN.effectiveISA.hasPrefix("AVX2") && cnn_winograd_available() != 0
    }()

    /// Whether the automatic path takes it: where it is available, for a 3x3 kernel at stride
    /// 1 without dilation, on at least 16 channels and 16 filters (thinner layers spend more
    /// on the transforms than the products save).
    static func suits(_ conv: OneDNN.Convolution) -> Bool {
        available && applies(conv) && conv.c >= 16 && conv.f >= 16
    }

    /// Whether the algorithm computes this convolution at all, with its largest buffer within
    /// the memory budget (`MemoryBudget`, per allocation): the transformed tensors are 2.25
    /// times the activations, so a layer whose input or output is near the budget runs on
    /// the direct kernels instead.
    static func applies(_ conv: OneDNN.Convolution) -> Bool {
        let g = conv.g
        return g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideY == 1 && g.strideX == 1
            && g.dilationY == 1 && g.dilationX == 1 && g.outputHeight > 0 && g.outputWidth > 0
            && largestBuffer(conv) <= MemoryBudget.bytes
    }

    /// Bytes of the largest transformed tensor a pass allocates: (36, tiles, max(C, F)) Floats.
    static func largestBuffer(_ conv: OneDNN.Convolution) -> Int {
        let t = Tiling(conv)
        let (product, overflow) = t.tiles.multipliedReportingOverflow(by: 36 * 4 * Swift.max(conv.c, conv.f))
        return overflow ? Int.max : product
    }

    /// The tiling of a convolution's output: tile rows per image, tiles per row, tile rows in
    /// all and tiles in all.
    struct Tiling {
        let th, tw, rows, tiles: Int
        init(_ conv: OneDNN.Convolution) {
            th = (conv.g.outputHeight + 3) / 4
            tw = (conv.g.outputWidth + 3) / 4
            rows = conv.n * th
            tiles = rows * tw
        }
    }

    /// The layout of the transformed inputs, outputs and their gradients: point-major
    /// (36, tiles, channels), so each of the 36 products reads and writes one dense matrix
    /// (tiles x channels). Returns the C transforms' tile and point strides and the matrices'
    /// (point, row, column) strides. Tile-major (tiles, 36, channels), where a tile's 36
    /// points are one contiguous block, made the transforms' writes contiguous but each
    /// matrix's rows 36 rows apart: oneDNN's products on it took 10-25% longer at 28x28x1
    /// (AMD EPYC, Zen 1).
    static func layout(_ t: Tiling, _ channels: Int) -> (ts: Int, ps: Int, strides: [Int]) {
        (channels, t.tiles * channels, [t.tiles * channels, channels, 1])
    }

    /// y (N,OH,OW,F) = conv(x, k) + bias (then ReLU), as `OneDNN.convolutionForward`.
    static func forward(_ conv: OneDNN.Convolution, x: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, relu: Bool, y: UnsafeMutablePointer<Float>) {
        let t = Tiling(conv)
        let (c, f, g) = (conv.c, conv.f, conv.g)
        let u = scratch(36 * c * f), v = scratch(t.tiles * 36 * c), m = scratch(t.tiles * 36 * f)
        defer { release(u); release(v); release(m) }
        cnn_winograd_kernel(kernel, Int32(c), Int32(f), u)
        inputTransform(conv, t, x, into: v)
        OneDNN.batchedMatmul(batch: 36, m: t.tiles, n: f, k: c,
                             a: .init(pointer: UnsafeMutableRawPointer(v), strides: layout(t, c).strides),
                             b: .init(pointer: UnsafeMutableRawPointer(u), strides: [c * f, f, 1]),
                             c: .init(pointer: UnsafeMutableRawPointer(m), strides: layout(t, f).strides))
        let box = UncheckedSendableBox(value: (m, bias, y))
        Parallel.forRanges(t.rows, minimumChunk: 1) { r in
            let (m, bias, y) = box.value
            cnn_winograd_output(m, bias, relu ? 1 : 0, Int32(g.outputHeight), Int32(g.outputWidth), Int32(f),
                                Int32(t.th), Int32(t.tw), Int32(r.lowerBound), Int32(r.upperBound), layout(t, f).ts, layout(t, f).ps, y)
        }
    }

    /// The gradients of a convolution: dx when `dx` is given, dK when `dk` is, dbias when `db`
    /// is, from dy (masked by the fused ReLU's output `reluY` when given, as
    /// `LargeArray.reluGradient` would).
    static func backward(_ conv: OneDNN.Convolution, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         reluY: UnsafePointer<Float>?, kernel: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                         dk: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?) {
        let t = Tiling(conv)
        let (c, f, g) = (conv.c, conv.f, conv.g)
        let dm = scratch(t.tiles * 36 * f)
        let rowSums = db == nil ? nil : scratch(t.rows * f)
        defer { release(dm); if let rowSums { release(rowSums) } }
        do {
            let box = UncheckedSendableBox(value: (dy, reluY, dm, rowSums))
            Parallel.forRanges(t.rows, minimumChunk: 1) { r in
                let (dy, reluY, dm, sums) = box.value
                cnn_winograd_output_gradient(dy, reluY, Int32(g.outputHeight), Int32(g.outputWidth), Int32(f),
                                             Int32(t.th), Int32(t.tw), Int32(r.lowerBound), Int32(r.upperBound), layout(t, f).ts, layout(t, f).ps, dm, sums)
            }
        }
        if let db, let rowSums {
            // Tile rows in order, in Double, rounded once.
            for j in 0..<f {
                var s = 0.0
                for r in 0..<t.rows { s += Double(rowSums[r * f + j]) }
                db[j] = Float(s)
            }
        }
        if let dx {
            let u = scratch(36 * c * f), dv = scratch(t.tiles * 36 * c)
            defer { release(u); release(dv) }
            cnn_winograd_kernel(kernel, Int32(c), Int32(f), u)
            OneDNN.batchedMatmul(batch: 36, m: t.tiles, n: c, k: f,
                                 a: .init(pointer: UnsafeMutableRawPointer(dm), strides: layout(t, f).strides),
                                 b: .init(pointer: UnsafeMutableRawPointer(u), strides: [c * f, 1, f]),
                                 c: .init(pointer: UnsafeMutableRawPointer(dv), strides: layout(t, c).strides))
            let count = conv.n * g.inputHeight * g.inputWidth * c
            dx.initialize(repeating: 0, count: count)
            let box = UncheckedSendableBox(value: (dv, dx))
            for parity: Int32 in [0, 1] {
                Parallel.forRanges(t.rows, minimumChunk: 2) { r in
                    let (dv, dx) = box.value
                    cnn_winograd_input_gradient(dv, Int32(g.inputHeight), Int32(g.inputWidth), Int32(c),
                                                Int32(g.padTop), Int32(g.padLeft), Int32(t.th), Int32(t.tw),
                                                Int32(r.lowerBound), Int32(r.upperBound), layout(t, c).ts, layout(t, c).ps, parity, dx)
                }
            }
        }
        if let dk {
            let v = scratch(t.tiles * 36 * c), du = scratch(36 * c * f)
            defer { release(v); release(du) }
            inputTransform(conv, t, x, into: v)
            OneDNN.batchedMatmul(batch: 36, m: c, n: f, k: t.tiles,
                                 a: .init(pointer: UnsafeMutableRawPointer(v), strides: [layout(t, c).ps, 1, layout(t, c).ts]),
                                 b: .init(pointer: UnsafeMutableRawPointer(dm), strides: layout(t, f).strides),
                                 c: .init(pointer: UnsafeMutableRawPointer(du), strides: [c * f, f, 1]))
            cnn_winograd_kernel_gradient(du, Int32(c), Int32(f), dk)
        }
    }

    /// V = B^T d B of every input tile, tile rows over the threads.
    static func inputTransform(_ conv: OneDNN.Convolution, _ t: Tiling, _ x: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>) {
        let g = conv.g
        let box = UncheckedSendableBox(value: (x, v))
        Parallel.forRanges(t.rows, minimumChunk: 1) { r in
            let (x, v) = box.value
            cnn_winograd_input(x, Int32(g.inputHeight), Int32(g.inputWidth), Int32(conv.c), Int32(g.padTop), Int32(g.padLeft),
                               Int32(t.th), Int32(t.tw), Int32(r.lowerBound), Int32(r.upperBound), layout(t, conv.c).ts, layout(t, conv.c).ps, v)
        }
    }

    /// A Float buffer of at least `count` elements from `pool` (give it back with `release`).
    static func scratch(_ count: Int) -> UnsafeMutablePointer<Float> { pool.take(count) }
    static func release(_ p: UnsafeMutablePointer<Float>) { pool.give(p) }

    /// The transforms' buffers, kept from one call to the next. A training step at 150x150x3
    /// asks for the same few sizes (up to 106 MB) every time; fresh ones came from mmap and
    /// the kernel zeroed every page on first touch: 5.8% of a step's time on an AMD EPYC
    /// (Zen 1) was `clear_page_rep`. At most `kept` idle buffers stay, the largest.
    final class Pool: @unchecked Sendable {
        let lock = NSLock()
        var idle: [(pointer: UnsafeMutablePointer<Float>, count: Int)] = []
        var sizes: [UnsafeMutablePointer<Float>: Int] = [:]
        let kept = 6

        func take(_ count: Int) -> UnsafeMutablePointer<Float> {
            let count = Swift.max(count, 16)
            lock.lock(); defer { lock.unlock() }
            if let i = idle.indices.filter({ idle[$0].count >= count }).min(by: { idle[$0].count < idle[$1].count }) {
                return idle.remove(at: i).pointer
            }
            let p = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
            sizes[p] = count
            return p
        }

        func give(_ p: UnsafeMutablePointer<Float>) {
            lock.lock(); defer { lock.unlock() }
            idle.append((p, sizes[p] ?? 0))
            if idle.count > kept {
                idle.sort { $0.count > $1.count }
                let dropped = idle.removeLast()
                sizes[dropped.pointer] = nil
                dropped.pointer.deallocate()
            }
        }
    }
    static let pool = Pool()
}
