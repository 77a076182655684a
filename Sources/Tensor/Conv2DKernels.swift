import Foundation

/// The Float convolution and pooling kernels: oneDNN (`OneDNN`) for work large enough to pay
/// for a primitive, the plain reference loops below that (a lesson's 5x5 example, a 3x3 kernel
/// on a 28x28 image in a cell), so that lessons start as fast as before and print what the
/// loops they can read compute.
///
/// Shapes: input x (N,H,W,C), kernel (KH,KW,C,F), output y (N,OH,OW,F).
/// - forward:          y = conv(x, K) + bias, optionally max(., 0) (oneDNN's ReLU post-op)
/// - input gradient:   dx = conv^T(dy, K)  (also the forward pass of `conv2dTranspose`)
/// - kernel gradient:  dK[ky,kx,c,f] = sum over (n, oy, ox) of x[.., c] * dy[.., f]; db = sum dy
///
/// 3x3 stride-1 layers run Winograd F(4x4, 3x3) where it pays: oneDNN's on AVX-512
/// (`OneDNN+Winograd.swift`), the engine's own transforms around oneDNN's matrix products on
/// AVX2 (`Winograd4x3`).
///
/// oneDNN's results are within 1e-5 * (terms summed) of the Double reference for |x|, |k| < 1
/// (tested over the conv tests' shape cases), the same bits run after run, and the same bits at
/// any thread count for the primitives training uses (tested).
enum Conv2DKernels {
    /// Below this many multiply-adds a convolution runs on the plain loops: creating a
    /// oneDNN primitive (just-in-time code generation) costs about a millisecond, while the
    /// loops do 2^20 multiply-adds in a few. A 5x5x3 kernel with 10 filters on a 32x32x3
    /// image (lesson 02) is below it; every layer of the tutorial model at 28x28x1 is above.
    static let smallWork = 1 << 20

    static func multiplyAdds(_ n: Int, _ g: WindowGeometry, channels c: Int, filters f: Int) -> Int {
        n * g.outputHeight * g.outputWidth * f * g.kernelHeight * g.kernelWidth * c
    }

    /// Which implementation runs: by the amount of work and the shape, or one of them (tests
    /// hold each to the others and to a Double reference). `oneDNN` is its direct kernels;
    /// `winograd` Winograd F(4x4, 3x3): oneDNN's where it has it for the shape and CPU, else
    /// the engine's transforms (`Winograd4x3`) where they run, else direct; `engineWinograd`
    /// the engine's transforms alone (else direct).
    enum Path { case automatic, oneDNN, winograd, engineWinograd, reference }

    static func usesOneDNN(_ n: Int, _ g: WindowGeometry, channels c: Int, filters f: Int, _ path: Path = .automatic) -> Bool {
        switch path {
        case .automatic: return !Engine.portable && multiplyAdds(n, g, channels: c, filters: f) >= smallWork
        case .oneDNN, .winograd, .engineWinograd: return true
        case .reference: return false
        }
    }

    /// Whether a oneDNN convolution tries Winograd first: always on that path, by the shape
    /// (`suitsWinograd`) on the automatic one.
    static func triesWinograd(_ conv: OneDNN.Convolution, _ path: Path) -> Bool {
        path == .winograd || (path == .automatic && conv.suitsWinograd)
    }

    /// Whether a convolution runs on the engine's Winograd transforms (after oneDNN's Winograd,
    /// where `triesWinograd`, declined): on the Winograd paths wherever they compute it, by
    /// `Winograd4x3.suits` on the automatic one.
    static func usesEngineWinograd(_ conv: OneDNN.Convolution, _ path: Path) -> Bool {
        switch path {
        case .winograd, .engineWinograd: return Winograd4x3.available && Winograd4x3.applies(conv)
        case .automatic: return Winograd4x3.suits(conv)
        case .oneDNN, .reference: return false
        }
    }

    /// input (N,H,W,C), kernel (KH,KW,C,F), bias (F) or nil -> (N,OH,OW,F); with `relu`,
    /// max(y, 0) of that, fused into the convolution.
    static func forward(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry,
                        relu: Bool = false, path: Path = .automatic) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], k.shape[3])
        guard usesOneDNN(n, g, channels: c, filters: f, path) else {
            let y = PlainConv.forward(x, k, bias: bias, g)
            return relu ? y.relu() : y
        }
        var out = LargeArray.uninitializedFloats(n * g.outputHeight * g.outputWidth * f)
        let conv = OneDNN.Convolution(n: n, c: c, f: f, g: g)
        let winograd = path != .engineWinograd && triesWinograd(conv, path)
        withPointers(x.scalars, k.scalars, bias?.scalars ?? []) { px, pk, pb in
            out.withUnsafeMutableBufferPointer { po in
                let b = bias == nil ? nil : pb
                if winograd, OneDNN.winogradConvolutionForward(conv, x: px, kernel: pk, bias: b, relu: relu, y: po.baseAddress!) {
                    return
                }
                if usesEngineWinograd(conv, path) {
                    Winograd4x3.forward(conv, x: px, kernel: pk, bias: b, relu: relu, y: po.baseAddress!)
                    return
                }
                OneDNN.convolutionForward(conv, x: px, kernel: pk, bias: b, relu: relu, y: po.baseAddress!)
            }
        }
        return Tensor(shape: [n, g.outputHeight, g.outputWidth, f], scalars: out)
    }

    /// The adjoint of `forward` in x: dy (N,OH,OW,F), kernel (KH,KW,C,F) -> dx (N,H,W,C).
    static func inputGradient(_ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry,
                              path: Path = .automatic) -> Tensor<Float> {
        let (n, c, f) = (dy.shape[0], k.shape[2], k.shape[3])
        guard usesOneDNN(n, g, channels: c, filters: f, path) else {
            return PlainConv.inputGradient(dy, k, g)
        }
        var dx = LargeArray.uninitializedFloats(n * g.inputHeight * g.inputWidth * c)
        let conv = OneDNN.Convolution(n: n, c: c, f: f, g: g)
        withPointers(dy.scalars, k.scalars, []) { pdy, pk, _ in
            dx.withUnsafeMutableBufferPointer { pdx in
                OneDNN.convolutionBackwardData(conv, dy: pdy, kernel: pk, dx: pdx.baseAddress!)
            }
        }
        return Tensor(shape: [n, g.inputHeight, g.inputWidth, c], scalars: dx)
    }

    /// The gradients in the kernel and, when `bias`, in the bias: x (N,H,W,C), dy (N,OH,OW,F)
    /// -> dK (KH,KW,C,F), db (F).
    static func kernelGradient(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ g: WindowGeometry,
                               bias: Bool = false, path: Path = .automatic) -> (kernel: Tensor<Float>, bias: Tensor<Float>?) {
        let (n, c, f) = (x.shape[0], x.shape[3], dy.shape[3])
        guard usesOneDNN(n, g, channels: c, filters: f, path) else {
            let dk = PlainConv.kernelGradient(x, dy, g)
            return (dk, bias ? biasGradientReference(dy) : nil)
        }
        if path == .automatic, ThinKernelGradient.applies(channels: c, filters: f, g),
           let thin = ThinKernelGradient.compute(x, dy, g) {
            return (thin.kernel, bias ? thin.bias : nil)
        }
        var dk = LargeArray.uninitializedFloats(g.kernelHeight * g.kernelWidth * c * f)
        var db = bias ? [Float](repeating: 0, count: f) : []
        let conv = OneDNN.Convolution(n: n, c: c, f: f, g: g)
        withPointers(x.scalars, dy.scalars, []) { px, pdy, _ in
            dk.withUnsafeMutableBufferPointer { pk in
                db.withUnsafeMutableBufferPointer { pb in
                    OneDNN.convolutionBackwardWeights(conv, x: px, dy: pdy, dk: pk.baseAddress!, db: bias ? pb.baseAddress : nil)
                }
            }
        }
        return (Tensor(shape: [g.kernelHeight, g.kernelWidth, c, f], scalars: dk),
                bias ? Tensor(shape: [f], scalars: db) : nil)
    }

    /// The gradients a training step asks of a convolution, together: dx when `input`, dK
    /// when `kernel`, db when `bias`. Winograd (where it applies) reorders dy once for all of
    /// them; otherwise this is `inputGradient` and `kernelGradient`.
    ///
    /// With `reluOutput` (the output of a fused ReLU) `dy` is the gradient of the ReLU's output
    /// and is masked by it first: inside the thin-input kernel gradient when that is the only
    /// work (the first layer: no input gradient), saving a pass over the layer's largest
    /// tensor; else by `LargeArray.reluGradient`. The same bits either way.
    static func backward(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry,
                         input: Bool, kernel: Bool, bias: Bool, reluOutput: Tensor<Float>? = nil, path: Path = .automatic)
        -> (input: Tensor<Float>?, kernel: Tensor<Float>?, bias: Tensor<Float>?) {
        let (n, c, f) = (x.shape[0], x.shape[3], dy.shape[3])
        if let y = reluOutput {
            if !input, path == .automatic, usesOneDNN(n, g, channels: c, filters: f, path),
               ThinKernelGradient.applies(channels: c, filters: f, g),
               let thin = ThinKernelGradient.compute(x, dy, g, reluOutput: y) {
                return (nil, kernel ? thin.kernel : nil, bias ? thin.bias : nil)
            }
            // The engine's Winograd masks dy as it transforms it.
            if usesOneDNN(n, g, channels: c, filters: f, path), (input || kernel || bias),
               usesEngineWinograd(OneDNN.Convolution(n: n, c: c, f: f, g: g), path) {
                return engineWinogradBackward(x, dy, k, g, reluOutput: y, input: input, kernel: kernel, bias: bias)
            }
            let masked = Tensor(shape: dy.shape, scalars: LargeArray.reluGradient(dy.scalars, y.scalars))
            return backward(x, masked, k, g, input: input, kernel: kernel, bias: bias, path: path)
        }
        if usesOneDNN(n, g, channels: c, filters: f, path), (input || kernel || bias) {
            let conv = OneDNN.Convolution(n: n, c: c, f: f, g: g)
            if path != .engineWinograd, triesWinograd(conv, path) {
                var dx = input ? LargeArray.uninitializedFloats(n * g.inputHeight * g.inputWidth * c) : []
                var dk = kernel ? LargeArray.uninitializedFloats(g.kernelHeight * g.kernelWidth * c * f) : []
                var db = bias ? [Float](repeating: 0, count: f) : []
                let done = withPointers(x.scalars, dy.scalars, k.scalars) { px, pdy, pk in
                    dx.withUnsafeMutableBufferPointer { pdx in
                        dk.withUnsafeMutableBufferPointer { pdk in
                            db.withUnsafeMutableBufferPointer { pdb in
                                OneDNN.winogradConvolutionBackward(conv, x: px, dy: pdy, kernel: pk!, dx: input ? pdx.baseAddress : nil,
                                                                   dk: kernel ? pdk.baseAddress : nil, db: bias ? pdb.baseAddress : nil)
                            }
                        }
                    }
                }
                if done {
                    return (input ? Tensor(shape: [n, g.inputHeight, g.inputWidth, c], scalars: dx) : nil,
                            kernel ? Tensor(shape: [g.kernelHeight, g.kernelWidth, c, f], scalars: dk) : nil,
                            bias ? Tensor(shape: [f], scalars: db) : nil)
                }
            }
        }
        if usesOneDNN(n, g, channels: c, filters: f, path), (input || kernel || bias),
           usesEngineWinograd(OneDNN.Convolution(n: n, c: c, f: f, g: g), path) {
            return engineWinogradBackward(x, dy, k, g, reluOutput: nil, input: input, kernel: kernel, bias: bias)
        }
        let direct: Path = path == .winograd || path == .engineWinograd ? .oneDNN : path
        let (dk, db) = kernel || bias ? kernelGradient(x, dy, g, bias: bias, path: direct) : (nil, nil)
        return (input ? inputGradient(dy, k, g, path: direct) : nil, kernel ? dk : nil, db)
    }

    /// `backward` by the engine's Winograd transforms (`Winograd4x3`), dy masked by
    /// `reluOutput` when given.
    static func engineWinogradBackward(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry,
                                       reluOutput: Tensor<Float>?, input: Bool, kernel: Bool, bias: Bool)
        -> (input: Tensor<Float>?, kernel: Tensor<Float>?, bias: Tensor<Float>?) {
        let (n, c, f) = (x.shape[0], x.shape[3], dy.shape[3])
        let conv = OneDNN.Convolution(n: n, c: c, f: f, g: g)
        var dx = input ? LargeArray.uninitializedFloats(n * g.inputHeight * g.inputWidth * c) : []
        var dk = kernel ? LargeArray.uninitializedFloats(9 * c * f) : []
        var db = bias ? [Float](repeating: 0, count: f) : []
        let relu = reluOutput?.scalars ?? []
        withPointers(x.scalars, dy.scalars, k.scalars) { px, pdy, pk in
            relu.withUnsafeBufferPointer { py in
                dx.withUnsafeMutableBufferPointer { pdx in
                    dk.withUnsafeMutableBufferPointer { pdk in
                        db.withUnsafeMutableBufferPointer { pdb in
                            Winograd4x3.backward(conv, x: px, dy: pdy, reluY: reluOutput == nil ? nil : py.baseAddress,
                                                 kernel: pk!, dx: input ? pdx.baseAddress : nil,
                                                 dk: kernel ? pdk.baseAddress : nil, db: bias ? pdb.baseAddress : nil)
                        }
                    }
                }
            }
        }
        return (input ? Tensor(shape: [n, g.inputHeight, g.inputWidth, c], scalars: dx) : nil,
                kernel ? Tensor(shape: [3, 3, c, f], scalars: dk) : nil,
                bias ? Tensor(shape: [f], scalars: db) : nil)
    }

    /// The gradient in the bias by the plain loop: dy (N,OH,OW,F) -> (F), each channel summed
    /// in row order in Double, then rounded once.
    static func biasGradientReference(_ dy: Tensor<Float>) -> Tensor<Float> {
        let f = Swift.max(dy.shape.last ?? 1, 1)
        var sums = [Double](repeating: 0, count: f)
        for (i, v) in dy.scalars.enumerated() { sums[i % f] += Double(v) }
        return Tensor(shape: [f], scalars: sums.map { Float($0) })
    }

    /// Pooling of (N,H,W,C) through oneDNN when it is worth a primitive: at least `smallWork`
    /// input cells times window cells.
    static func poolingUsesOneDNN(_ x: [Int], _ g: WindowGeometry) -> Bool {
        !Engine.portable && x.reduce(1, *) * g.kernelHeight * g.kernelWidth >= smallWork
    }

    /// Max pooling stays on the engine's own loops (`maxPoolWithIndices`: eight channels at a
    /// time with vector selects, rows on all cores): measured on this machine (Xeon, family 6
    /// model 207, AVX-512) at the tutorial's 32x150x150x32, oneDNN 2.6.3's max pooling on nhwc
    /// took 37 ms forward and 83 ms forward+backward, the loops 12 and 25, and training ran at
    /// 43 against 82 images/s. (oneDNN's max pooling is still tested against them.)
    static let maxPoolUsesOneDNN = false
    // (Pooling tests call `poolingForward` and `poolingBackward` directly for the oneDNN path.)

    /// Max or average pooling forward through oneDNN: y (N,OH,OW,C) and, for max pooling, the
    /// workspace its backward pass needs.
    static func poolingForward(_ x: Tensor<Float>, _ g: WindowGeometry, max: Bool) -> (Tensor<Float>, OneDNN.PoolingWorkspace?) {
        let (n, c) = (x.shape[0], x.shape[3])
        var out = LargeArray.uninitializedFloats(n * g.outputHeight * g.outputWidth * c)
        let pool = OneDNN.Pooling(n: n, c: c, g: g, max: max)
        let workspace = x.scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in OneDNN.poolingForward(pool, x: px.baseAddress!, y: po.baseAddress!) }
        }
        return (Tensor(shape: [n, g.outputHeight, g.outputWidth, c], scalars: out), workspace)
    }

    /// The pooling's gradient through oneDNN: dy (N,OH,OW,C) -> dx of `inputShape`.
    static func poolingBackward(_ dy: Tensor<Float>, _ g: WindowGeometry, inputShape: [Int], max: Bool,
                                workspace: OneDNN.PoolingWorkspace?) -> Tensor<Float> {
        var dx = LargeArray.uninitializedFloats(inputShape.reduce(1, *))
        let pool = OneDNN.Pooling(n: inputShape[0], c: inputShape[3], g: g, max: max)
        dy.scalars.withUnsafeBufferPointer { pdy in
            dx.withUnsafeMutableBufferPointer { pdx in
                OneDNN.poolingBackward(pool, dy: pdy.baseAddress!, workspace: workspace, dx: pdx.baseAddress!)
            }
        }
        return Tensor(shape: inputShape, scalars: dx)
    }

    /// Base addresses of three arrays for a oneDNN call (the engine's shapes are never empty
    /// on these paths: `usesOneDNN` needs work).
    static func withPointers<R>(_ a: [Float], _ b: [Float], _ c: [Float],
                                _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?) -> R) -> R {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeBufferPointer { pc in body(pa.baseAddress!, pb.baseAddress!, pc.baseAddress) }
            }
        }
    }
}

/// Engine-wide choices.
public enum Engine {
    /// Whether every Float kernel called from this thread runs on the plain loops instead of
    /// oneDNN: their results depend only on IEEE arithmetic in a fixed order, so they are the
    /// same bits on every x86-64 CPU, where oneDNN picks kernels (and so summation orders) by
    /// the CPU's vector width. Lessons train in this mode so that the numbers their cells print
    /// are checked on any machine. Per thread: a lesson training in this mode never changes
    /// what another thread's training computes (the kernels decide on the calling thread).
    public static var portable: Bool { pthread_getspecific(portableKey) != nil }

    /// Runs `body` with `portable` on for this thread.
    public static func portably<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let outer = pthread_getspecific(portableKey)
        pthread_setspecific(portableKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(portableKey, outer) }
        return try body()
    }
}

private let portableKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()
