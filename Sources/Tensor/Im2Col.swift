import Foundation

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
                            copy(rowBase + firstX * c, to: dst, kw * c)
                            dst += kw * c
                            continue
                        }
                        for kx in 0..<kw {
                            let ix = g.inputColumn(ox, kx)
                            if ix < 0 || ix >= w {
                                dst.update(repeating: 0, count: c)
                            } else {
                                copy(rowBase + ix * c, to: dst, c)
                            }
                            dst += c
                        }
                    }
                }
            }
        }
    }

    /// Copies `count` floats; short runs (thin inputs: 3 floats for a 3-wide window on one
    /// channel) inline, four at a time, instead of a `memmove` call each.
    @inline(__always) static func copy(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 64 {
            dst.update(from: src, count: count)
            return
        }
        let (s, d) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(dst))
        var i = 0
        while i + 4 <= count {
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self), toByteOffset: i * 4, as: SIMD4<Float>.self)
            i += 4
        }
        while i < count { dst[i] = src[i]; i += 1 }
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
