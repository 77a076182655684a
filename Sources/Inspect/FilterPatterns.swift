import Foundation
import NN
import Tensor

/// Regularized activation maximization (keras-vis' `visualize_activation`, Lucid's
/// transforms): gradient steps in input space that raise one filter's mean activation (or one
/// class score), from a seeded noise image.
///
/// The image u lives in keras-vis' 0-255 units and the model sees u * `inputScale` (1/255 for
/// cnnlearn's models, trained on bytes / 255; 1 for the raw 0-255 input of Keras' VGG16).
/// Each step, as keras-vis' optimizer does: jitter (a random wrap-around shift, not undone),
/// the total loss = -activation + lp * LPNorm(p) + tv * TotalVariation(beta) (both of the
/// model's input x, as keras-vis takes them of `model.input`), its gradient
/// normalized to an RMS of 1, then u -= g / sqrt(cache + 1e-7) with cache = 0.95 cache +
/// 0.05 g² (RMSProp without a learning rate); with blur on, a 3x3 Gaussian every 4th step.
/// The image with the lowest total loss is kept.
public struct ActivationMaximization: Sendable, Equatable {
    public var steps = 200
    public var seed: UInt64 = 1
    /// Weight of LPNorm: (sum |x|^p)^(1/p) / (H*W*C); 0 turns it off.
    public var lpWeight: Float = 10
    public var p: Float = 6
    /// Weight of TotalVariation: sum over pixels of (dx² + dy²)^(beta/2) / (H*W*C) of x; 0 turns it off.
    public var tvWeight: Float = 10
    public var beta: Float = 2
    /// Largest shift in pixels per step (keras-vis' Jitter(0.05) is 5% of the side); 0 = off.
    public var jitter = 0
    /// A 3x3 Gaussian blur every 4th step (Lucid's robustness transform; not in keras-vis).
    public var blur = false
    public var inputScale: Float = 1.0 / 255

    public init() {}

    /// keras-vis' defaults (lp 10, tv 10, 200 steps) with the notebook's Jitter(0.05).
    public static func kerasVis(side: Int) -> ActivationMaximization {
        var s = ActivationMaximization()
        s.jitter = Int(0.05 * Double(side))
        return s
    }

    /// keras-vis' regularizers at a hundredth of their weight (LP norm 0.1, total variation
    /// 0.1) with the same jitter: keras-vis' weights were set for VGG16's raw 0-255 input,
    /// whose activations run to the hundreds; on a model that sees [0, 1] (activations around
    /// 0.01-0.1) they outweigh the activation and the ascent lowers it. The default.
    public static func light(side: Int) -> ActivationMaximization {
        var s = kerasVis(side: side)
        s.lpWeight = 0.1
        s.tvWeight = 0.1
        return s
    }

    /// Only the activation: no regularizer, no jitter, no blur.
    public static var plain: ActivationMaximization {
        var s = ActivationMaximization()
        s.lpWeight = 0
        s.tvWeight = 0
        return s
    }

    /// The settings in words, for figure descriptions and the CLI.
    public var summary: String {
        "\(steps) steps, seed \(seed), LP norm \(lpWeight == 0 ? "off" : "weight \(lpWeight) p=\(p)"), total variation \(tvWeight == 0 ? "off" : "weight \(tvWeight) beta=\(beta)"), jitter \(jitter == 0 ? "off" : "\(jitter) px"), blur \(blur ? "on" : "off")"
    }
}

/// What one run of gradient ascent found.
public struct FilterPattern: Sendable {
    public let layer: String
    public let unit: Int
    /// The best image (lowest total loss) in 0-255 units, (H, W, C).
    public let raw: Tensor<Float>
    /// That image as keras-vis shows it: (u - mean) / std * 0.1 + 0.5, clipped to [0, 1].
    public let image: Tensor<Float>
    /// The total loss before each step, and the activation (mean of the unit) before each step.
    public let losses: [Float]
    public let activations: [Float]
    public let bestStep: Int
}

extension TrainedModel {
    /// Gradient ascent on unit `unit` of layer `layer` (a conv filter's mean activation, or a
    /// Dense unit; for the output layer use `withLinearHead()` first for the class score).
    public func filterPattern(layer name: String, unit: Int, settings s: ActivationMaximization) throws(InspectError) -> FilterPattern {
        let layer = try layerIndex(name)
        guard model.inputShape.count == 3 else { throw InspectError("filter patterns need an image input HxWxC") }
        let (h, w, c) = (model.inputShape[0], model.inputShape[1], model.inputShape[2])
        let n = h * w * c
        // keras-vis' seed: uniform noise rescaled to mean 127.5 and std 0.05 * 255.
        let r = Tensor<Float>.random(shape: [n], seed: s.seed).scalars
        let rm = r.reduce(0, +) / Float(n)
        let rs = (r.reduce(0) { $0 + ($1 - rm) * ($1 - rm) } / Float(n)).squareRoot()
        var u = r.map { ($0 - rm) / Swift.max(rs, 1e-7) * 12.75 + 127.5 }
        var cache = [Float](repeating: 0, count: n)
        var rng = SeededGenerator(seed: s.seed &+ 0x5EED)
        var best = u, bestLoss = Float.infinity, bestStep = 0
        var losses: [Float] = [], acts: [Float] = []
        for step in 0..<s.steps {
            if s.jitter > 0 {
                let dy = Int(rng.next() % UInt64(2 * s.jitter + 1)) - s.jitter
                let dx = Int(rng.next() % UInt64(2 * s.jitter + 1)) - s.jitter
                u = Self.rolled(u, h: h, w: w, c: c, dy: dy, dx: dx)
            }
            let x = Tensor(shape: [1, h, w, c], scalars: u.map { $0 * s.inputScale })
            let (a, gx) = try unitGradient(x, layer: layer, unit: unit)
            // Minimized: -activation (+ regularizers); d/du = d/dx * inputScale.
            // The regularizers act on what the model sees, x, as keras-vis' act on model.input.
            var gx2 = gx.scalars.map { -$0 }
            var loss = -a
            if s.lpWeight != 0 { loss += Self.lpNorm(x.scalars, p: s.p, weight: s.lpWeight, gradient: &gx2) }
            if s.tvWeight != 0 { loss += Self.totalVariation(x.scalars, h: h, w: w, c: c, beta: s.beta, weight: s.tvWeight, gradient: &gx2) }
            let g = gx2.map { $0 * s.inputScale }
            losses.append(loss)
            acts.append(a)
            if loss < bestLoss { bestLoss = loss; best = u; bestStep = step }
            let rms = (g.reduce(0) { $0 + $1 * $1 } / Float(n)).squareRoot()
            for i in 0..<n {
                let gi = g[i] / (rms + 1e-7)
                cache[i] = 0.95 * cache[i] + 0.05 * gi * gi
                u[i] -= gi / (cache[i] + 1e-7).squareRoot()
            }
            if s.blur, step % 4 == 3 { u = Self.blurred(u, h: h, w: w, c: c) }
        }
        let raw = Tensor(shape: [h, w, c], scalars: best)
        return FilterPattern(layer: name, unit: unit, raw: raw, image: Self.deprocessed(raw), losses: losses, activations: acts, bestStep: bestStep)
    }

    /// keras-vis' deprocess_input: (u - mean) / (std + 1e-7) * 0.1 + 0.5, clipped to [0, 1].
    public static func deprocessed(_ t: Tensor<Float>) -> Tensor<Float> {
        let n = Float(t.count)
        let m = t.scalars.reduce(0, +) / n
        let sd = (t.scalars.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        return Tensor(shape: t.shape, scalars: t.scalars.map { Swift.min(1, Swift.max(0, ($0 - m) / (sd + 1e-7) * 0.1 + 0.5)) })
    }

    /// weight * (sum |u|^p)^(1/p) / N, its gradient added to `g`.
    static func lpNorm(_ u: [Float], p: Float, weight: Float, gradient g: inout [Float]) -> Float {
        let n = Float(u.count)
        let s = u.reduce(0.0) { $0 + pow(Double(abs($1)), Double(p)) }
        guard s > 0 else { return 0 }
        let norm = pow(s, 1 / Double(p))
        // d/du_i = norm^(1-p) * |u_i|^(p-1) * sign(u_i)
        let k = Double(weight) / Double(n) * pow(norm, 1 - Double(p))
        for i in 0..<u.count { g[i] += Float(k * pow(Double(abs(u[i])), Double(p - 1)) * (u[i] < 0 ? -1 : 1)) }
        return weight * Float(norm) / n
    }

    /// weight * sum over (y < H-1, x < W-1) of ((u[y,x+1]-u[y,x])² + (u[y+1,x]-u[y,x])²)^(beta/2) / N
    /// (keras-vis' TotalVariation), its gradient added to `g`.
    static func totalVariation(_ u: [Float], h: Int, w: Int, c: Int, beta: Float, weight: Float, gradient g: inout [Float]) -> Float {
        let n = Float(u.count)
        var total: Double = 0
        for y in 0..<(h - 1) {
            for x in 0..<(w - 1) {
                for ch in 0..<c {
                    let i = (y * w + x) * c + ch, right = i + c, down = i + w * c
                    let a = Double(u[right] - u[i]), b = Double(u[down] - u[i])
                    let q = a * a + b * b
                    total += pow(q, Double(beta) / 2)
                    // d q^(beta/2) = beta/2 q^(beta/2-1) * dq
                    let k = q > 0 || beta >= 2 ? Double(beta) / 2 * pow(q, Double(beta) / 2 - 1) : 0
                    let scale = Double(weight) / Double(n) * (q == 0 && beta < 2 ? 0 : k)
                    g[right] += Float(scale * 2 * a)
                    g[down] += Float(scale * 2 * b)
                    g[i] -= Float(scale * 2 * (a + b))
                }
            }
        }
        return weight * Float(total) / n
    }

    /// The image shifted by (dy, dx) with wrap-around (scipy.ndimage.shift mode='wrap', order 0).
    static func rolled(_ u: [Float], h: Int, w: Int, c: Int, dy: Int, dx: Int) -> [Float] {
        var out = u
        for y in 0..<h {
            let sy = ((y - dy) % h + h) % h
            for x in 0..<w {
                let sx = ((x - dx) % w + w) % w
                for ch in 0..<c { out[(y * w + x) * c + ch] = u[(sy * w + sx) * c + ch] }
            }
        }
        return out
    }

    /// A 3x3 Gaussian blur ([1 2 1] x [1 2 1] / 16), edges clamped.
    static func blurred(_ u: [Float], h: Int, w: Int, c: Int) -> [Float] {
        var out = u
        let k: [Float] = [1, 2, 1]
        for y in 0..<h {
            for x in 0..<w {
                for ch in 0..<c {
                    var s: Float = 0
                    for j in -1...1 {
                        for i in -1...1 {
                            let yy = Swift.min(h - 1, Swift.max(0, y + j)), xx = Swift.min(w - 1, Swift.max(0, x + i))
                            s += k[j + 1] * k[i + 1] * u[(yy * w + xx) * c + ch]
                        }
                    }
                    out[(y * w + x) * c + ch] = s / 16
                }
            }
        }
        return out
    }
}
