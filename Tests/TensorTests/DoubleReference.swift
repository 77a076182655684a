import Testing
@testable import Tensor

/// Independent Double loops the Float kernels are checked against.
enum DoubleReference {
    /// x (N,H,W,C), k (KH,KW,C,F) -> (N,OH,OW,F) in Double.
    static func conv2d(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry) -> [Double] {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw, f) = (k.shape[0], k.shape[1], k.shape[3])
        var out = [Double]()
        for b in 0..<n { for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth { for fi in 0..<f {
            var acc = bias.map { Double($0.scalars[fi]) } ?? 0
            for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * g.strideY + ky * g.dilationY - g.padTop
                let ix = ox * g.strideX + kx * g.dilationX - g.padLeft
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                for ch in 0..<c {
                    acc += Double(x.scalars[((b * h + iy) * w + ix) * c + ch]) * Double(k.scalars[((ky * kw + kx) * c + ch) * f + fi])
                }
            } }
            out.append(acc)
        } } } }
        return out
    }
}

/// A seeded tensor uniform in [-1, 1).
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
    let u = Tensor<Float>.random(shape: shape, seed: seed)
    return Tensor(shape: shape, scalars: u.scalars.map { $0 * 2 - 1 })
}

/// A seeded Int tensor with elements in -r...r.
func randomIntTensor(_ shape: [Int], seed: UInt64, range r: Int = 4) -> Tensor<Int> {
    var g = SeededGenerator(seed: seed)
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Int.random(in: -r...r, using: &g) })
}

/// Largest |a - b| over the elements.
func maxAbsDifference(_ a: [Float], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs(Double($1.0) - $1.1)) }
}

/// Records an issue for every result of `all` (bit patterns) that differs between two calls,
/// or between the first thread count (`startingAt`, else the one in force) and each of
/// `threadCounts`. The thread count in force is restored afterwards.
func expectSameBitsRunAfterRunAndAt(_ threadCounts: [Int], startingAt start: Int? = nil, _ all: () -> [[UInt32]]) {
    let outer = Threads.count
    defer { Threads.set(outer) }
    if let start { Threads.set(start) }
    let before = Threads.count
    let first = all()
    #expect(all() == first)
    for n in threadCounts {
        Threads.set(n)
        let other = all()
        for (i, (a, o)) in zip(first, other).enumerated() where a != o {
            let differing = zip(a, o).filter { $0 != $1 }.count
            Issue.record("result \(i) at \(n) threads differs from \(before) threads in \(differing) of \(a.count) elements")
        }
    }
}
