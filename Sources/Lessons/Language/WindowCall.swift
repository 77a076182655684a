import Tensor

/// The parsed arguments of a sliding-window builtin (conv2d, conv2d_transpose, maxpool,
/// avgpool), shared by the builtin itself and by `step`, which walks the same windows.
struct WindowCall {
    enum Kind: String { case conv2d, conv2dTranspose = "conv2d_transpose", maxPool = "maxpool", avgPool = "avgpool" }

    let kind: Kind
    let location: SourceLocation
    /// Input (H,W), (H,W,C) or (N,H,W,C).
    let input: Numeric
    /// Kernel (KH,KW) or (KH,KW,C,F) for the convolutions; nil for pooling.
    let kernel: Numeric?
    /// Bias (F) for conv2d.
    let bias: Numeric?
    /// Pool window (vertical, horizontal); the kernel's extent for convolutions.
    let size: (Int, Int)
    let stride: (Int, Int)
    let dilation: (Int, Int)
    let padding: Padding

    init(_ a: CallArguments, kind: Kind) throws(LessonError) {
        self.kind = kind
        location = a.location
        let (x, xLoc) = try a.tensor(0, "x")
        input = x
        guard (2...4).contains(x.shape.count) else {
            throw LessonError("\(a.function): x must be (H,W), (H,W,C) or (N,H,W,C), got shape \(formatShape(x.shape))", at: xLoc)
        }
        switch kind {
        case .conv2d, .conv2dTranspose:
            let (k, kLoc) = try a.tensor(1, "k")
            guard k.shape.count == 2 || k.shape.count == 4 else {
                throw LessonError("\(a.function): k must be (KH,KW) or (KH,KW,C,F), got shape \(formatShape(k.shape))", at: kLoc)
            }
            kernel = k
            size = (k.shape[0], k.shape[1])
            if let (b, bLoc) = a.labelled["bias"] {
                guard let n = Numeric(b), n.shape.count == 1 else { throw a.wrongType("bias", "a tensor of shape F", b, bLoc) }
                bias = n
            } else {
                bias = nil
            }
            dilation = try a.labelled("dilation", default: (1, 1), a.pair)
            stride = try a.labelled("stride", default: (1, 1), a.pair)
        case .maxPool, .avgPool:
            kernel = nil
            bias = nil
            dilation = (1, 1)
            guard let (s, sLoc) = a.labelled["size"] else {
                throw LessonError("\(a.function) needs the window size", at: a.location, hint: "usage: \(a.signature)")
            }
            size = try a.pair(s, "size", sLoc)
            stride = try a.labelled("stride", default: size, a.pair)
        }
        if let (p, pLoc) = a.labelled["padding"] {
            padding = try a.padding(p, pLoc)
        } else {
            padding = .valid
        }
    }

    /// True when every operand is an Int tensor (the exact path).
    var isExact: Bool {
        for n in [input, kernel, bias].compactMap({ $0 }) { if case .float = n { return false } }
        return true
    }

    /// Checks that a transposed convolution's output, which grows with its stride and
    /// kernel, stays a sane size before the engine allocates it. (Convolution and pooling
    /// outputs are at most the padded input, and padding is capped.)
    func checkSize() throws(LessonError) {
        guard kind == .conv2dTranspose, let k = kernel else { return }
        let s = input.shape
        let (h, w) = s.count == 4 ? (s[1], s[2]) : (s[0], s[1])
        let batch = s.count == 4 ? s[0] : 1
        let channels = k.shape.count == 4 ? k.shape[2] : 1
        let (oh, ow) = (h * stride.0 + size.0 * dilation.0, w * stride.1 + size.1 * dilation.1)
        let (a, o1) = oh.multipliedReportingOverflow(by: ow)
        let (b, o2) = a.multipliedReportingOverflow(by: channels * batch)
        if o1 || o2 || b > CallArguments.maxElements {
            throw LessonError("\(kind.rawValue): the output would have more than \(CallArguments.maxElements) values", at: location,
                              hint: "use a smaller stride, kernel or input")
        }
    }

    /// Runs the engine's operation: exact Int when every operand is Int, else Float.
    func evaluate() throws(LessonError) -> Value {
        try checkSize()
        if isExact, case .int(let x) = input {
            let k: Tensor<Int>? = { if case .int(let t)? = kernel { return t } else { return nil } }()
            let b: Tensor<Int>? = { if case .int(let t)? = bias { return t } else { return nil } }()
            return try run(x, k, b, wrap: { .intTensor($0) })
        }
        return try run(input.asFloat, kernel?.asFloat, bias?.asFloat, wrap: { .floatTensor($0) })
    }

    private func run<S: TensorScalar>(_ x: Tensor<S>, _ k: Tensor<S>?, _ b: Tensor<S>?, wrap: (Tensor<S>) -> Value) throws(LessonError) -> Value {
        let (s, d, p, size) = (stride, dilation, padding, size)
        return try engine(at: location) { () throws(TensorError) -> Value in
            switch (kind, k) {
            case (.conv2d, let k?): return wrap(try x.conv2d(k, bias: b, stride: s, padding: p, dilation: d))
            case (.conv2dTranspose, let k?): return wrap(try x.conv2dTranspose(k, stride: s, padding: p, dilation: d))
            case (.maxPool, _): return wrap(try x.maxPool(size: size, stride: s, padding: p))
            case (.avgPool, _): return .floatTensor(try x.avgPool(size: size, stride: s, padding: p))
            case (.conv2d, nil), (.conv2dTranspose, nil): throw .invalidArgument("\(kind.rawValue) needs a kernel")
            }
        }
    }
}
