import CKernels

/// The direct convolution for thin inputs (module CKernels): when a window holds few
/// numbers (K = KH*KW*C <= 64, e.g. 27 for a 3x3 kernel on RGB), packing every window for
/// `cblas_sgemm` moves more memory than the product needs, and a GEMM with K = 27 runs at a
/// fraction of OpenBLAS' speed. The C kernels read each output row's windows in place from a
/// zero-padded copy of the input rows under it (no packing) and multiply them with AVX2 fused
/// multiply-adds. Used only when the CPU has AVX2 and FMA and F is a multiple of 8; otherwise
/// the im2col + sgemm path runs.
/// Tested against the plain reference loops like every other fast kernel.
enum DirectConv {
    /// Whether this CPU runs the AVX2 + FMA kernels (checked once).
    static let available = cnn_direct_conv_available() != 0

    /// Largest window (KH*KW*C) the direct kernels take.
    static let maximumWindow = Int(CNN_DIRECT_CONV_MAX_WINDOW)

    /// Whether a convolution of `c` input channels and `f` filters runs directly.
    static func applies(_ g: WindowGeometry, channels c: Int, filters f: Int) -> Bool {
        available && f > 0 && f % 8 == 0 && g.outputWidth > 0
            && g.kernelHeight * g.kernelWidth * c <= maximumWindow
    }

    /// The C geometry of a convolution of `c` channels into `f` filters.
    static func geometry(_ g: WindowGeometry, channels c: Int, filters f: Int) -> cnn_conv_geometry {
        cnn_conv_geometry(height: Int32(g.inputHeight), width: Int32(g.inputWidth), channels: Int32(c),
                          kernel_height: Int32(g.kernelHeight), kernel_width: Int32(g.kernelWidth), filters: Int32(f),
                          out_height: Int32(g.outputHeight), out_width: Int32(g.outputWidth),
                          stride_y: Int32(g.strideY), stride_x: Int32(g.strideX),
                          dilation_y: Int32(g.dilationY), dilation_x: Int32(g.dilationX),
                          pad_top: Int32(g.padTop), pad_left: Int32(g.padLeft))
    }

    /// Scratch floats per forward call: one output row's windows.
    static func scratch(_ g: WindowGeometry, channels c: Int, filters f: Int) -> Int {
        withUnsafePointer(to: geometry(g, channels: c, filters: f)) { Int(cnn_direct_conv_scratch($0)) }
    }

    /// y rows `rows` (r = n*OH + oy) = bias + windows * kernel, with ReLU when `relu`; with
    /// `keep`, ReLU's keep bits too (bit e % 8 of keep[e / 8] set where output e is kept);
    /// `stream`: y written by non-temporal stores (same values).
    static func forward(_ geometry: cnn_conv_geometry, _ x: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, relu: Bool, rows: Range<Int>,
                        into y: UnsafeMutablePointer<Float>, keep: UnsafeMutablePointer<UInt8>?, stream: Bool,
                        scratch: UnsafeMutablePointer<Float>) {
        withUnsafePointer(to: geometry) { gp in
            cnn_direct_conv_forward(gp, x, kernel, bias, relu ? 1 : 0, Int32(rows.lowerBound), Int32(rows.upperBound),
                                    y, keep, stream ? 1 : 0, scratch)
        }
    }

    /// Outputs of at least this many bytes are written with non-temporal stores: far larger
    /// than the caches, they would only push everything else out, and skipping the read of
    /// each destination line halves the forward pass' memory traffic.
    static let streamingBytes = 32 << 20

    /// Scratch floats per `backward` call: one output row's windows and one of gradients.
    static func backwardScratch(_ g: WindowGeometry, channels c: Int, filters f: Int) -> Int {
        withUnsafePointer(to: geometry(g, channels: c, filters: f)) { Int(cnn_direct_conv_backward_scratch($0)) }
    }

    /// dk (K, F) += windows^T * dy and, with `db`, db (F) += the row sums of dy, over output
    /// rows `rows`, dy masked by the fused ReLU's keep bits when `keep` is given.
    static func backward(_ geometry: cnn_conv_geometry, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         keep: UnsafePointer<UInt8>?, rows: Range<Int>, kernel dk: UnsafeMutablePointer<Float>,
                         bias db: UnsafeMutablePointer<Double>?, scratch: UnsafeMutablePointer<Float>) {
        withUnsafePointer(to: geometry) { gp in
            cnn_direct_conv_backward(gp, x, dy, keep, Int32(rows.lowerBound), Int32(rows.upperBound), dk, db, scratch)
        }
    }
}
