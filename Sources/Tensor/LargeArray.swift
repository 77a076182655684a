import Foundation

/// Allocation of large arrays for the kernels.
///
/// A fresh multi-megabyte array is new memory from the kernel, and touching it 4 KB page by
/// page costs more than the arithmetic of a convolution layer on this machine (81 ms against
/// 17 ms for 92 MB, measured). Asking for transparent huge pages (`MADV_HUGEPAGE`) before
/// the first touch makes those faults 512 times rarer. Contents are the same either way.
///
/// Training allocates the same large activations every step. glibc serves blocks over 32 MB
/// (and, until its threshold adapts, over 128 KB) with fresh `mmap` memory and unmaps it on
/// free, or trims the heap, so every step would fault and zero its activations again (44% of
/// a pooling benchmark was the kernel's `clear_page`). The first allocation here of 64 KB or
/// more therefore tells glibc (`mallopt`) to serve all blocks from the heap and keep freed
/// memory for reuse, as TensorFlow's own allocator does.
enum LargeArray {
    /// Done once, before the first allocation of 64 KB or more.
    static let heapForLargeBlocks: Bool = {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(sym, to: MallOpt.self)
        let mmapMax: Int32 = -4, trimThreshold: Int32 = -1  // M_MMAP_MAX, M_TRIM_THRESHOLD in <malloc.h>
        return mallopt(mmapMax, 0) == 1 && mallopt(trimThreshold, Int32.max) == 1
    }()

    /// Arrays of at least this many bytes are advised to use huge pages.
    static let hugePageThreshold = 4 << 20

    /// An array of `count` trivial values (Int, Float), every one of which `fill` must write.
    static func make<T>(_ count: Int, _ fill: (UnsafeMutablePointer<T>) -> Void) -> [T] {
        if count == 0 { return [] }
        if count * MemoryLayout<T>.stride >= 1 << 16 { _ = heapForLargeBlocks }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            adviseHugePages(UnsafeMutableRawPointer(base), count * MemoryLayout<T>.stride)
            fill(base)
            initialized = count
        }
    }

    /// Like `make`, for a `fill` that may throw; on a throw no array is made.
    static func make<T>(_ count: Int, throwing fill: (UnsafeMutablePointer<T>) throws(TensorError) -> Void) throws(TensorError) -> [T] {
        var failure: TensorError?
        let out: [T] = make(count) { p in
            do throws(TensorError) { try fill(p) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    /// An array of `count` floats with unspecified contents: the caller writes every element
    /// before reading it (scratch buffers, sgemm outputs with beta 0).
    static func uninitializedFloats(_ count: Int) -> [Float] { make(count) { _ in } }

    /// An array of `count` zeros, zeroed on both cores when large.
    static func zeros(_ count: Int) -> [Float] {
        make(count) { (p: UnsafeMutablePointer<Float>) in
            let box = UncheckedSendableBox(value: p)
            Parallel.forRanges(count, minimumChunk: 1 << 18) { r in
                (box.value + r.lowerBound).initialize(repeating: 0, count: r.count)
            }
        }
    }

    /// `f` applied element-wise to `a`, in parallel over both cores.
    @inline(__always) static func map(_ a: [Float], _ f: (Float) -> Float) -> [Float] {
        a.withUnsafeBufferPointer { pa in
            let src = UncheckedSendableBox(value: pa)
            return make(a.count) { (p: UnsafeMutablePointer<Float>) in
                let dst = UncheckedSendableBox(value: p)
                Parallel.forRanges(a.count, minimumChunk: 1 << 16) { r in
                    for i in r { dst.value[i] = f(src.value[i]) }
                }
            }
        }
    }

    /// `Op` applied to `a` and `b` (same count) element-wise, in parallel over both cores.
    /// The operation is a type, not a closure: the loop is specialised for it and vectorised
    /// (a closure reached the loop through the parallel split's context and was called element
    /// by element: 2% of a 28x28x1 training step for summing two halves' gradients).
    static func zipMap<Op: FloatPairOperation>(_ a: [Float], _ b: [Float], _: Op.Type) -> [Float] {
        precondition(a.count == b.count, "zipMap of \(a.count) and \(b.count) elements")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let src = UncheckedSendableBox(value: (pa, pb))
                return make(a.count) { (p: UnsafeMutablePointer<Float>) in
                    let dst = UncheckedSendableBox(value: p)
                    Parallel.forRanges(a.count, minimumChunk: 1 << 16) { r in
                        let (x, y, d) = (src.value.0, src.value.1, dst.value)
                        for i in r { d[i] = Op.apply(x[i], y[i]) }
                    }
                }
            }
        }
    }

    /// max(x, 0) element-wise, on both cores (a plain loop the compiler vectorises).
    static func relu(_ a: [Float]) -> [Float] {
        a.withUnsafeBufferPointer { pa in
            let src = UncheckedSendableBox(value: pa)
            return make(a.count) { (p: UnsafeMutablePointer<Float>) in
                let dst = UncheckedSendableBox(value: p)
                Parallel.forRanges(a.count, minimumChunk: 1 << 16) { r in
                    let (s, d) = (src.value, dst.value)
                    for i in r { d[i] = Swift.max(s[i], 0) }
                }
            }
        }
    }

    /// g where y > 0, else 0: ReLU's gradient from its output, on both cores.
    static func reluGradient(_ g: [Float], _ y: [Float]) -> [Float] {
        precondition(g.count == y.count, "reluGradient of \(g.count) and \(y.count) elements")
        return g.withUnsafeBufferPointer { pg in
            y.withUnsafeBufferPointer { py in
                let src = UncheckedSendableBox(value: (pg, py))
                return make(g.count) { (p: UnsafeMutablePointer<Float>) in
                    let dst = UncheckedSendableBox(value: p)
                    Parallel.forRanges(g.count, minimumChunk: 1 << 16) { r in
                        let (gs, ys) = src.value
                        let d = dst.value
                        // Eight at a time with a vector select: a branch per element would
                        // mispredict about half the time.
                        var i = r.lowerBound
                        if let gr = UnsafeRawPointer(gs.baseAddress), let yr = UnsafeRawPointer(ys.baseAddress) {
                            let dr = UnsafeMutableRawPointer(d)
                            while i + 8 <= r.upperBound {
                                let gv = gr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                                let yv = yr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                                dr.storeBytes(of: gv.replacing(with: 0, where: yv .<= 0), toByteOffset: i * 4, as: SIMD8<Float>.self)
                                i += 8
                            }
                        }
                        while i < r.upperBound { d[i] = ys[i] <= 0 ? 0 : gs[i]; i += 1 }
                    }
                }
            }
        }
    }

    static func adviseHugePages(_ p: UnsafeMutableRawPointer, _ bytes: Int) {
        guard bytes >= hugePageThreshold else { return }
        let huge: UInt = 2 << 20
        let start = UInt(bitPattern: p)
        let lo = (start + huge - 1) & ~(huge - 1)
        let hi = (start + UInt(bytes)) & ~(huge - 1)
        if hi > lo, let raw = UnsafeMutableRawPointer(bitPattern: lo) {
            _ = madvise(raw, Int(hi - lo), MADV_HUGEPAGE)
        }
    }
}

/// An element-wise operation on two Floats, for `LargeArray.zipMap`.
protocol FloatPairOperation { static func apply(_ a: Float, _ b: Float) -> Float }

/// a + b.
enum FloatSum: FloatPairOperation { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
/// a * b.
enum FloatProduct: FloatPairOperation { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
/// The sigmoid's gradient from the upstream gradient g and the output y: g * y * (1 - y).
enum SigmoidGradient: FloatPairOperation { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }
/// tanh's gradient from the upstream gradient g and the output y: g * (1 - y * y).
enum TanhGradient: FloatPairOperation { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }
