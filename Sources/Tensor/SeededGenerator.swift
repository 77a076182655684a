/// The one random number generator of cnnlearn: SplitMix64 (Steele, Lea and Flood, 2014).
///
/// State is a 64-bit counter advanced by 0x9E3779B97F4A7C15 per draw; each output is the
/// state mixed by two xor-shift-multiply rounds. The same seed gives the same sequence on
/// every machine. Every random draw in the project (initializers, dropout masks, shuffles,
/// augmentation) takes its seed and goes through this generator.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A Float uniform in [0, 1): the top 24 bits of `next()` times 2^-24 (exact, no rounding).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }
}

/// A permutation of 0..<n by Fisher-Yates from the engine's seeded generator (j = next() % (i+1)).
///
/// It lives here, beside the generator, so that both the trainer (NN) and the datasets
/// (Imaging, through `BatchStream`) shuffle with the same one.
public func seededPermutation(_ n: Int, seed: UInt64) -> [Int] {
    var g = SeededGenerator(seed: seed)
    var p = Array(0..<n)
    var i = n - 1
    while i > 0 {
        let j = Int(g.next() % UInt64(i + 1))
        p.swapAt(i, j)
        i -= 1
    }
    return p
}

extension Tensor where Scalar == Float {
    /// A tensor of `shape` with elements uniform in [0, 1), drawn in row-major order with
    /// `SeededGenerator(seed:).nextUnitFloat()`.
    public static func random(shape: [Int], seed: UInt64) -> Tensor<Float> {
        var g = SeededGenerator(seed: seed)
        let n = shape.reduce(1, *)
        var out = [Float]()
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(g.nextUnitFloat()) }
        return Tensor(shape: shape, scalars: out)
    }
}

/// Inverted dropout's defaults.
public enum Dropout {
    /// The seed used when a caller gives none: 0x5EED (24301).
    public static let defaultSeed: UInt64 = 0x5EED
}

extension Tensor {
    /// Inverted dropout: each element is kept with probability 1 - rate and scaled by
    /// 1 / (1 - rate), or set to 0; identity when `training` is false. The mask is
    /// `Tensor.dropoutMask(shape:rate:seed:)`, so the same seed drops the same elements.
    /// Throws when `rate` is outside [0, 1).
    @_specialize(exported: true, where Scalar == Float)
    public func dropout(rate: Float, training: Bool = true, seed: UInt64 = Dropout.defaultSeed) throws(TensorError) -> Tensor<Float> {
        let x = Tensor<Float>(shape: shape, scalars: scalars.map(\.floatValue))
        guard training else { return x }
        let mask = try Tensor<Float>.dropoutMask(shape: shape, rate: rate, seed: seed)
        return Tensor<Float>(shape: shape, scalars: zip(x.scalars, mask.scalars).map { $0 * $1 })
    }
}

extension Tensor where Scalar == Float {
    /// The dropout mask: element i (row-major) is 0 when the i-th `nextUnitFloat()` of
    /// `SeededGenerator(seed:)` is below `rate`, else 1 / (1 - rate).
    public static func dropoutMask(shape: [Int], rate: Float, seed: UInt64) throws(TensorError) -> Tensor<Float> {
        guard rate >= 0, rate < 1 else { throw .invalidArgument("dropout rate must be in [0, 1), got \(rate)") }
        let u = random(shape: shape, seed: seed)
        let scale = 1 / (1 - rate)
        return Tensor(shape: shape, scalars: u.scalars.map { $0 < rate ? 0 : scale })
    }
}
