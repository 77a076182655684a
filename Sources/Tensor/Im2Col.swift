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
    /// Packs images `n0..<n1` of `x` (N,H,W,C) into `cols` ((n1-n0)*OH*OW, KH*KW*C); padded
    /// cells are zero. Parallel over output rows.
    static func pack(_ x: UnsafePointer<Float>, channels c: Int, _ g: WindowGeometry,
                     images n0: Int, _ n1: Int, into cols: UnsafeMutablePointer<Float>, parallel: Bool = true) {
        let (h, w, oh, ow) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let kk = kh * kw * c
        let rowCount = (n1 - n0) * oh
        Parallel.forRanges(rowCount, minimumChunk: parallel ? 4 : Swift.max(rowCount, 1)) { rows in
            for r in rows {
                let (ln, oy) = (r / oh, r % oh)
                let n = n0 + ln
                for ox in 0..<ow {
                    var dst = cols + (r * ow + ox) * kk
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

    /// Adds the rows of `cols` ((n1-n0)*OH*OW, KH*KW*C) back into images `n0..<n1` of `dx`
    /// (N,H,W,C), which must hold zeros (or a value to add to) there; padded cells are dropped.
    /// Parallel over images; each image is summed in a fixed order.
    static func unpack(_ cols: UnsafePointer<Float>, channels c: Int, _ g: WindowGeometry,
                       images n0: Int, _ n1: Int, into dx: UnsafeMutablePointer<Float>, parallel: Bool = true) {
        let (h, w, oh, ow) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let kk = kh * kw * c
        let body = { (ln: Int) in
            let n = n0 + ln
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var src = cols + ((ln * oh + oy) * ow + ox) * kk
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
        if parallel { Parallel.forEach(n1 - n0, body) } else { for ln in 0..<(n1 - n0) { body(ln) } }
    }

    /// How many images to pack at once so a column buffer stays near 8M floats (32 MB).
    static func imagesPerChunk(_ g: WindowGeometry, channels c: Int, batch: Int, budget: Int = 8 << 20) -> Int {
        let perImage = Swift.max(1, g.outputHeight * g.outputWidth * g.kernelHeight * g.kernelWidth * c)
        return Swift.max(1, Swift.min(batch, budget / perImage))
    }
}
