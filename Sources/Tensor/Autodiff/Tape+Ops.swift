/// The differentiable operations, mirroring the `Tensor` API. Each runs the forward
/// computation and records a `Primitive` (or a few, joined by reshapes).
extension Tape {
    /// a + b with broadcasting.
    public func add(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
        try check(a, b)
        return append(.add(aShape: a.shape, bShape: b.shape), inputs: [a, b], value: try a.tensor.adding(b.tensor))
    }

    /// a - b with broadcasting.
    public func subtract(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
        try check(a, b)
        return append(.subtract(aShape: a.shape, bShape: b.shape), inputs: [a, b], value: try a.tensor.subtracting(b.tensor))
    }

    /// a * b element-wise with broadcasting.
    public func multiply(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
        try check(a, b)
        return append(.multiply(a.tensor, b.tensor), inputs: [a, b], value: try a.tensor.multiplying(b.tensor))
    }

    /// a / b element-wise with broadcasting.
    public func divide(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
        try check(a, b)
        return append(.divide(a.tensor, b.tensor), inputs: [a, b], value: try a.tensor.dividing(b.tensor))
    }

    /// Matrix product for ranks 1 and 2 (numpy rules), e.g. a dense layer (N,IN) x (IN,OUT).
    public func matmul(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
        try check(a, b)
        let a2 = a.tensor.rank == 1 ? try reshape(a, [1, a.shape[0]]) : a
        let b2 = b.tensor.rank == 1 ? try reshape(b, [b.shape[0], 1]) : b
        let y = try a2.tensor.matmul(b2.tensor)  // checks the shapes
        let v = append(.matmul(a2.tensor, b2.tensor), inputs: [a2, b2], value: y)
        // numpy drops the axes that 1-D operands had gained.
        let shape = (a.tensor.rank == 2 ? [y.shape[0]] : []) + (b.tensor.rank == 2 ? [y.shape[1]] : [])
        return shape == v.shape ? v : try reshape(v, shape)
    }

    /// conv2d of an image (H,W,C) or batch (N,H,W,C) with kernel (KH,KW,C,F) and optional
    /// bias (F); a plane (H,W) with kernel (KH,KW). See `Tensor.conv2d`.
    ///
    /// `relu` fuses max(y, 0) into the convolution (one node, the same values and gradients
    /// as `relu(conv2d(...))`): oneDNN applies it as each output block is written, and its
    /// gradient mask is applied before the convolution's own backward pass.
    public func conv2d(_ x: Variable, _ kernel: Variable, bias: Variable? = nil, stride: (Int, Int) = (1, 1),
                       padding: Padding = .valid, dilation: (Int, Int) = (1, 1), relu: Bool = false) throws(TensorError) -> Variable {
        try check(x, kernel)
        if let bias { try check(bias) }
        let (xs, ks) = (x.shape, kernel.shape)
        let x4 = xs.count == 2 ? try reshape(x, [1, xs[0], xs[1], 1]) : xs.count == 3 ? try reshape(x, [1] + xs) : x
        let k4 = ks.count == 2 ? try reshape(kernel, [ks[0], ks[1], 1, 1]) : kernel
        guard x4.tensor.rank == 4, k4.tensor.rank == 4, x4.shape[3] == k4.shape[2] else {
            throw .shapeMismatch("conv2d needs input (H,W) with kernel (KH,KW), or (H,W,C) or (N,H,W,C) with kernel (KH,KW,C,F) and the same C; got \(formatShape(xs)) and \(formatShape(ks))")
        }
        try x4.tensor.checkConvBias(bias?.tensor, filters: k4.shape[3])
        let g = try WindowGeometry(inputHeight: x4.shape[1], inputWidth: x4.shape[2], kernelHeight: k4.shape[0],
                                   kernelWidth: k4.shape[1], stride: stride, dilation: dilation, padding: padding)
        let inputs = bias.map { [x4, k4, $0] } ?? [x4, k4]
        let y = Conv2DKernels.forward(x4.tensor, k4.tensor, bias: bias?.tensor, g, relu: relu)
        let v = append(.conv2d(x: x4.tensor, kernel: k4.tensor, hasBias: bias != nil, g, reluOutput: relu ? y : nil),
                       inputs: inputs, value: y)
        switch xs.count {
        case 2: return try reshape(v, [y.shape[1], y.shape[2]])
        case 3: return try reshape(v, Array(y.shape.dropFirst()))
        default: return v
        }
    }

    /// conv2dTranspose of (N,OH,OW,F) or (OH,OW,F) with kernel (KH,KW,C,F). See `Tensor.conv2dTranspose`.
    public func conv2dTranspose(_ y: Variable, _ kernel: Variable, stride: (Int, Int) = (1, 1),
                                padding: Padding = .valid, dilation: (Int, Int) = (1, 1)) throws(TensorError) -> Variable {
        try check(y, kernel)
        let ys = y.shape
        let y4 = ys.count == 3 ? try reshape(y, [1] + ys) : y
        guard y4.tensor.rank == 4, kernel.tensor.rank == 4, kernel.shape[3] == y4.shape[3] else {
            throw .shapeMismatch("conv2dTranspose needs (OH,OW,F) or (N,OH,OW,F) with kernel (KH,KW,C,F) and the same F; got \(formatShape(ys)) and \(formatShape(kernel.shape))")
        }
        let g = try Tensor<Float>.transposeGeometry(outputHeight: y4.shape[1], outputWidth: y4.shape[2], kernelHeight: kernel.shape[0],
                                                    kernelWidth: kernel.shape[1], stride: stride, padding: padding, dilation: dilation)
        let x = Conv2DKernels.inputGradient(y4.tensor, kernel.tensor, g)
        let v = append(.conv2dTranspose(y: y4.tensor, kernel: kernel.tensor, g), inputs: [y4, kernel], value: x)
        return ys.count == 3 ? try reshape(v, Array(x.shape.dropFirst())) : v
    }

    /// Brings (H,W) or (H,W,C) to (N,H,W,C) for pooling, with the way back.
    func batched4(_ x: Variable, _ op: String) throws(TensorError) -> Variable {
        switch x.tensor.rank {
        case 2: return try reshape(x, [1, x.shape[0], x.shape[1], 1])
        case 3: return try reshape(x, [1] + x.shape)
        case 4: return x
        default: throw .shapeMismatch("\(op) needs (H,W), (H,W,C) or (N,H,W,C), got \(formatShape(x.shape))")
        }
    }

    /// Max pooling; the gradient goes to each window's winning cell. See `Tensor.maxPool`.
    public func maxPool(_ x: Variable, size: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) throws(TensorError) -> Variable {
        try check(x)
        let x4 = try batched4(x, "maxPool")
        let (t, g) = try x4.tensor.poolingLayout(size: size, stride: stride, padding: padding, "maxPool")
        let values: Tensor<Float>, winners: PoolWinners
        if Conv2DKernels.maxPoolUsesOneDNN && Conv2DKernels.poolingUsesOneDNN(t.shape, g) {
            let (y, workspace) = Conv2DKernels.poolingForward(t, g, max: true)
            (values, winners) = (y, .workspace(workspace!, g))
        } else {
            let (y, indices) = t.maxPoolWithIndices(g)
            (values, winners) = (y, .indices(indices))
        }
        let v = append(.maxPool(winners, inputShape: x4.shape), inputs: [x4], value: values)
        return x4.id == x.id ? v : try reshape(v, try x.tensor.restorePoolingRank(values).shape)
    }

    /// Average pooling over real cells. See `Tensor.avgPool`.
    public func avgPool(_ x: Variable, size: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) throws(TensorError) -> Variable {
        try check(x)
        let x4 = try batched4(x, "avgPool")
        let (_, g) = try x4.tensor.poolingLayout(size: size, stride: stride, padding: padding, "avgPool")
        let values = try x4.tensor.avgPool(size: size, stride: stride, padding: padding)
        let v = append(.avgPool(g, inputShape: x4.shape), inputs: [x4], value: values)
        return x4.id == x.id ? v : try reshape(v, try x.tensor.restorePoolingRank(values).shape)
    }

    /// max(x, 0) element-wise; the gradient passes where the output is positive.
    public func relu(_ x: Variable) throws(TensorError) -> Variable {
        try check(x)
        let y = x.tensor.relu()
        return append(.relu(output: y), inputs: [x], value: y)
    }

    /// 1 / (1 + exp(-x)) element-wise.
    public func sigmoid(_ x: Variable) throws(TensorError) -> Variable {
        try check(x)
        let y = x.tensor.sigmoid()
        return append(.sigmoid(output: y), inputs: [x], value: y)
    }

    /// tanh(x) element-wise.
    public func tanh(_ x: Variable) throws(TensorError) -> Variable {
        try check(x)
        let y = x.tensor.tanh()
        return append(.tanh(output: y), inputs: [x], value: y)
    }

    /// Stable softmax along `axis` (default the last). See `Tensor.softmax`.
    public func softmax(_ x: Variable, axis: Int = -1) throws(TensorError) -> Variable {
        try check(x)
        let y = try x.tensor.softmax(axis: axis)
        return append(.softmax(output: y, axis: axis), inputs: [x], value: y)
    }

    /// The sum over `axis`, or of everything (shape []) when nil.
    public func sum(_ x: Variable, axis: Int? = nil) throws(TensorError) -> Variable {
        try check(x)
        return append(.sum(axis: axis, inputShape: x.shape), inputs: [x], value: try x.tensor.sum(axis: axis))
    }

    /// The mean over `axis`, or of everything (shape []) when nil.
    public func mean(_ x: Variable, axis: Int? = nil) throws(TensorError) -> Variable {
        try check(x)
        return append(.mean(axis: axis, inputShape: x.shape), inputs: [x], value: try x.tensor.mean(axis: axis))
    }

    /// The same elements under `shape` (same element count).
    public func reshape(_ x: Variable, _ shape: [Int]) throws(TensorError) -> Variable {
        try check(x)
        return append(.reshape(inputShape: x.shape), inputs: [x], value: try x.tensor.reshaped(shape))
    }

    /// Permutes the axes (`nil`: reverse them, like `Tensor.transposed()`).
    public func transpose(_ x: Variable, axes: [Int]? = nil) throws(TensorError) -> Variable {
        try check(x)
        let p = axes ?? Array((0..<x.tensor.rank).reversed())
        return append(.permute(axes: p), inputs: [x], value: try x.tensor.permuted(p))
    }

    /// (N, ...) -> (N, product of the rest), as Keras' Flatten.
    public func flatten(_ x: Variable) throws(TensorError) -> Variable {
        guard x.tensor.rank >= 1 else { throw .shapeMismatch("flatten needs a batch axis, got a scalar") }
        return try reshape(x, [x.shape[0], x.shape.dropFirst().reduce(1, *)])
    }

    /// Inverted dropout with the seeded mask of `Tensor.dropoutMask`; identity (the same
    /// variable) when `training` is false.
    public func dropout(_ x: Variable, rate: Float, training: Bool = true, seed: UInt64 = Dropout.defaultSeed) throws(TensorError) -> Variable {
        try check(x)
        let mask = try Tensor<Float>.dropoutMask(shape: x.shape, rate: rate, seed: seed)
        guard training else { return x }
        return try dropout(x, mask: mask)
    }

    /// x times a dropout mask drawn elsewhere (0 or 1/(1-rate) per element, x's shape): for
    /// a part of a batch whose mask is that part of the whole batch's mask.
    public func dropout(_ x: Variable, mask: Tensor<Float>) throws(TensorError) -> Variable {
        try check(x)
        guard mask.shape == x.shape else {
            throw .shapeMismatch("dropout mask \(formatShape(mask.shape)) does not match its input \(formatShape(x.shape))")
        }
        return append(.dropout(mask: mask), inputs: [x], value: Tensor(shape: x.shape, scalars: LargeArray.zipMap(x.tensor.scalars, mask.scalars, FloatProduct.self)))
    }

    /// Mean binary cross-entropy of probabilities against targets (Keras clipping). Scalar.
    public func binaryCrossEntropy(_ predictions: Variable, _ targets: Variable) throws(TensorError) -> Variable {
        try check(predictions, targets)
        let y = try predictions.tensor.binaryCrossEntropy(targets: targets.tensor)
        return append(.binaryCrossEntropy(predictions: predictions.tensor, targets: targets.tensor), inputs: [predictions], value: y)
    }

    /// Mean categorical cross-entropy of logits (N,K) against target rows (N,K). Scalar.
    public func categoricalCrossEntropyFromLogits(_ logits: Variable, _ targets: Variable) throws(TensorError) -> Variable {
        try check(logits, targets)
        let y = try logits.tensor.categoricalCrossEntropyFromLogits(targets: targets.tensor)
        return append(.categoricalCrossEntropyFromLogits(logits: logits.tensor, targets: targets.tensor), inputs: [logits], value: y)
    }
}
