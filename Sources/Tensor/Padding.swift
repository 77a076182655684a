/// How a sliding-window operation pads its input.
///
/// - `valid`: no padding; windows that would leave the input are dropped (floor).
/// - `same`: the Keras/TensorFlow rule: output = ceil(input / stride); the total padding
///   `max((out - 1) * stride + effectiveKernel - input, 0)` is split with the smaller half on
///   top/left and the extra row/column at the bottom/right.
/// - `explicit`: the given number of cells on each side.
public enum Padding: Sendable, Equatable, CustomStringConvertible {
    case valid
    case same
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// The same padding on every side.
    public static func uniform(_ p: Int) -> Padding { .explicit(top: p, bottom: p, left: p, right: p) }

    public var description: String {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        case let .explicit(t, b, l, r): return "[\(t), \(b), \(l), \(r)]"
        }
    }
}

/// The geometry of one 2-D sliding-window operation: the input plane, the window, the step,
/// the padding actually applied on each side and the output plane it gives.
public struct WindowGeometry: Sendable, Equatable {
    public let inputHeight, inputWidth: Int
    public let kernelHeight, kernelWidth: Int
    public let strideY, strideX: Int
    public let dilationY, dilationX: Int
    public let padTop, padBottom, padLeft, padRight: Int
    public let outputHeight, outputWidth: Int

    /// Works out padding and output size, or throws when the window does not fit or an
    /// argument is out of range.
    public init(inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int,
                stride: (Int, Int) = (1, 1), dilation: (Int, Int) = (1, 1),
                padding: Padding = .valid) throws(TensorError) {
        guard stride.0 >= 1, stride.1 >= 1 else { throw .invalidArgument("stride must be at least 1, got [\(stride.0), \(stride.1)]") }
        guard dilation.0 >= 1, dilation.1 >= 1 else { throw .invalidArgument("dilation must be at least 1, got [\(dilation.0), \(dilation.1)]") }
        guard kernelHeight >= 1, kernelWidth >= 1 else { throw .invalidArgument("window must be at least 1x1, got \(kernelHeight)x\(kernelWidth)") }
        self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideY = stride.0; self.strideX = stride.1
        self.dilationY = dilation.0; self.dilationX = dilation.1
        let effH = (kernelHeight - 1) * dilation.0 + 1
        let effW = (kernelWidth - 1) * dilation.1 + 1
        switch padding {
        case .valid:
            (padTop, padBottom, padLeft, padRight) = (0, 0, 0, 0)
        case .same:
            let oh = (inputHeight + stride.0 - 1) / stride.0
            let ow = (inputWidth + stride.1 - 1) / stride.1
            let ph = max((oh - 1) * stride.0 + effH - inputHeight, 0)
            let pw = max((ow - 1) * stride.1 + effW - inputWidth, 0)
            (padTop, padBottom, padLeft, padRight) = (ph / 2, ph - ph / 2, pw / 2, pw - pw / 2)
        case let .explicit(t, b, l, r):
            guard t >= 0, b >= 0, l >= 0, r >= 0 else {
                throw .invalidArgument("padding must not be negative, got [\(t), \(b), \(l), \(r)]")
            }
            (padTop, padBottom, padLeft, padRight) = (t, b, l, r)
        }
        let ph = inputHeight + padTop + padBottom
        let pw = inputWidth + padLeft + padRight
        guard ph >= effH, pw >= effW else {
            throw .shapeMismatch("window \(effH)x\(effW) does not fit in the padded input \(ph)x\(pw)")
        }
        outputHeight = (ph - effH) / stride.0 + 1
        outputWidth = (pw - effW) / stride.1 + 1
    }

    /// The input row of window row `oy`, kernel row `ky`, in unpadded coordinates (may be outside).
    @inlinable public func inputRow(_ oy: Int, _ ky: Int) -> Int { oy * strideY + ky * dilationY - padTop }
    /// The input column of window column `ox`, kernel column `kx`, in unpadded coordinates (may be outside).
    @inlinable public func inputColumn(_ ox: Int, _ kx: Int) -> Int { ox * strideX + kx * dilationX - padLeft }
}
