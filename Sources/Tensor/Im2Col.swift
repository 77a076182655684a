import Dispatch
import Foundation

/// Runs loops over both cores, with each iteration writing only its own part of the output,
/// so results never depend on thread timing.
enum Parallel {
    static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body(i)` for `i` in `0..<n`, concurrently when there is more than one core.
    static func forEach(_ n: Int, _ body: (Int) -> Void) {
        if n <= 1 || cores == 1 {
            for i in 0..<n { body(i) }
            return
        }
        // Each iteration writes a disjoint part of the output; the box only tells the compiler.
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendableBox(value: escapable)
            DispatchQueue.concurrentPerform(iterations: n) { box.value($0) }
        }
    }

    /// Splits `0..<n` into about `cores * 4` contiguous ranges and runs them concurrently.
    static func forRanges(_ n: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let pieces = Swift.max(1, Swift.min(cores * 4, n / Swift.max(minimumChunk, 1)))
        forEach(pieces) { p in
            let lo = n * p / pieces, hi = n * (p + 1) / pieces
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// Carries a value into a concurrent loop whose iterations touch disjoint memory.
struct UncheckedSendableBox<T>: @unchecked Sendable { let value: T }

/// Patch packing for convolution: `im2col` lays every window out as a row, `col2im` adds the
/// rows back into the image. They are each other's adjoint, which gives the convolution
/// gradients.
///
/// The column layout is (N*OH*OW, KH*KW*C) with the window index ordered (ky, kx, c), which
/// matches a kernel (KH,KW,C,F) read as a (KH*KW*C, F) matrix.
enum Im2Col {
    /// Packs output rows `rows` (global row r = n*OH + oy) of input `x` (N,H,W,C) into `cols`
    /// (rows.count*OW, KH*KW*C); padded cells are zero. Parallel over rows when `parallel`.
    static func pack(_ x: UnsafePointer<Float>, channels c: Int, _ g: WindowGeometry,
                     rows: Range<Int>, into cols: UnsafeMutablePointer<Float>, parallel: Bool = true) {
        let (h, w, oh, ow) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let kk = kh * kw * c
        let r0 = rows.lowerBound
        Parallel.forRanges(rows.count, minimumChunk: parallel ? 4 : Swift.max(rows.count, 1)) { local in
            for lr in local {
                let (n, oy) = ((r0 + lr) / oh, (r0 + lr) % oh)
                for ox in 0..<ow {
                    var dst = cols + (lr * ow + ox) * kk
                    for ky in 0..<kh {
                        let iy = g.inputRow(oy, ky)
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: kw * c)
                            dst += kw * c
                            continue
                        }
                        let rowBase = x + (n * h + iy) * w * c
                        let firstX = g.inputColumn(ox, 0), lastX = g.inputColumn(ox, kw - 1)
                        if g.dilationX == 1 && firstX >= 0 && lastX < w {
                            // The whole window row is inside: one contiguous run of KW*C floats.
                            dst.update(from: rowBase + firstX * c, count: kw * c)
                            dst += kw * c
                            continue
                        }
                        for kx in 0..<kw {
                            let ix = g.inputColumn(ox, kx)
                            if ix < 0 || ix >= w {
                                dst.update(repeating: 0, count: c)
                            } else {
                                dst.update(from: rowBase + ix * c, count: c)
                            }
                            dst += c
                        }
                    }
                }
            }
        }
    }

    /// Adds `cols` (rows.count*OW, KH*KW*C) for output rows `rows` back into `dx` (N,H,W,C),
    /// in row order; padded cells are dropped. Sequential: windows of neighbouring rows overlap.
    static func unpack(_ cols: UnsafePointer<Float>, channels c: Int, _ g: WindowGeometry,
                       rows: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let (h, w, oh, ow) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let kk = kh * kw * c
        for r in rows {
            let (n, oy) = (r / oh, r % oh)
            for ox in 0..<ow {
                var src = cols + ((r - rows.lowerBound) * ow + ox) * kk
                for ky in 0..<kh {
                    let iy = g.inputRow(oy, ky)
                    if iy < 0 || iy >= h { src += kw * c; continue }
                    let rowBase = dx + (n * h + iy) * w * c
                    let firstX = g.inputColumn(ox, 0), lastX = g.inputColumn(ox, kw - 1)
                    if g.dilationX == 1 && firstX >= 0 && lastX < w {
                        let d = rowBase + firstX * c
                        for i in 0..<(kw * c) { d[i] += src[i] }
                        src += kw * c
                        continue
                    }
                    for kx in 0..<kw {
                        let ix = g.inputColumn(ox, kx)
                        if ix >= 0 && ix < w {
                            let d = rowBase + ix * c
                            for ch in 0..<c { d[ch] += src[ch] }
                        }
                        src += c
                    }
                }
            }
        }
    }

    /// How many output rows to pack at once so a column buffer holds about `budget` floats.
    static func rowsPerChunk(_ g: WindowGeometry, channels c: Int, budget: Int) -> Int {
        let perRow = Swift.max(1, g.outputWidth * g.kernelHeight * g.kernelWidth * c)
        return Swift.max(1, budget / perRow)
    }
}
