import Foundation
import NN
import Tensor

/// Grad-CAM of one image and class: the map and the channel weights it was made from.
public struct GradCAM: Sendable {
    public let layer: String
    public let classIndex: Int
    /// alpha_k: the mean over positions of d(class score)/d(A_k), one per channel of the layer.
    public let channelWeights: [Float]
    /// ReLU(sum_k alpha_k A_k) at the layer's resolution (h, w), divided by its maximum (all
    /// zeros when nothing is positive).
    public let coarse: Tensor<Float>
    /// `coarse` resized to the input (H, W), bilinear with aligned corners.
    public let map: Tensor<Float>
}

extension TrainedModel {
    /// The output unit and sign of a class's score: class c is unit c, except under a single
    /// sigmoid unit (two classes), whose logit z scores class 1 and -z class 0.
    func scoreUnit(_ classIndex: Int) throws(InspectError) -> (unit: Int, sign: Float) {
        let classes = head == .sigmoid ? 2 : (model.outputShape.first ?? 0)
        guard classIndex >= 0, classIndex < classes else {
            throw InspectError("the model has \(classes) classes (0-\(classes - 1)), not \(classIndex)")
        }
        return head == .sigmoid ? (0, classIndex == 1 ? 1 : -1) : (classIndex, 1)
    }

    /// The class score (pre-softmax) and its gradient in the input, for x (1, H, W, C).
    func classGradient(_ x: Tensor<Float>, classIndex: Int) throws(InspectError) -> (value: Float, gradient: Tensor<Float>) {
        let (unit, sign) = try scoreUnit(classIndex)
        let linear = try withLinearHead()
        let (v, g) = try linear.unitGradient(x, layer: linear.model.layers.count - 1, unit: unit)
        return (sign * v, sign == 1 ? g : Tensor(shape: g.shape, scalars: g.scalars.map { -$0 }))
    }

    /// Vanilla saliency (Simonyan et al.): |d(class score)/d(input)|, the largest over the
    /// channels, as a map (H, W).
    public func saliency(_ x: Tensor<Float>, classIndex: Int) throws(InspectError) -> Tensor<Float> {
        Self.channelMax(abs: try classGradient(x, classIndex: classIndex).gradient)
    }

    /// SmoothGrad (Smilkov et al.): the saliency averaged over `samples` copies of x with
    /// Gaussian noise of std `noise` * (max - min of x), drawn from `seed`.
    public func smoothGrad(_ x: Tensor<Float>, classIndex: Int, samples: Int = 25, noise: Float = 0.15, seed: UInt64 = 1) throws(InspectError) -> Tensor<Float> {
        let span = (x.scalars.max() ?? 1) - (x.scalars.min() ?? 0)
        let sigma = noise * (span > 0 ? span : 1)
        var rng = SeededGenerator(seed: seed)
        var sum: Tensor<Float>?
        for _ in 0..<Swift.max(1, samples) {
            let noisy = x.scalars.map { v -> Float in
                // Box-Muller from two unit floats.
                let u1 = Swift.max(rng.nextUnitFloat(), 1e-7), u2 = rng.nextUnitFloat()
                return v + sigma * (-2 * log(u1)).squareRoot() * cos(2 * Float.pi * u2)
            }
            let m = try saliency(Tensor(shape: x.shape, scalars: noisy), classIndex: classIndex)
            sum = sum.map { Tensor(shape: m.shape, scalars: zip($0.scalars, m.scalars).map(+)) } ?? m
        }
        let total = sum!
        return Tensor(shape: total.shape, scalars: total.scalars.map { $0 / Float(Swift.max(1, samples)) })
    }

    /// Grad-CAM (Selvaraju et al.) at conv layer `layer` (default: the last Conv2D).
    public func gradCAM(_ x: Tensor<Float>, classIndex: Int, layer: String? = nil) throws(InspectError) -> GradCAM {
        let linear = try withLinearHead()
        guard let name = layer ?? lastConv else { throw InspectError("model \(model.name) has no Conv2D layer for Grad-CAM") }
        let li = try layerIndex(name)
        let out = linear.model.layers.count - 1
        let (tape, _, outs) = try linear.tapeForward(x, through: out)
        let a = outs[li]
        guard a.shape.count == 4 else { throw InspectError("Grad-CAM needs a layer with feature maps; \(name) outputs \(formatShape(model.layers[li].outputShape))") }
        let (unit, sign) = try scoreUnit(classIndex)
        var seed = [Float](repeating: 0, count: outs[out].shape.last ?? 0)
        seed[unit] = sign
        let dA: Tensor<Float>
        do { dA = try tape.gradients(of: outs[out], seed: Tensor(shape: outs[out].shape, scalars: seed), wrt: [a])[0] } catch { throw InspectError("\(error)") }
        let (h, w, k) = (a.shape[1], a.shape[2], a.shape[3])
        var alpha = [Float](repeating: 0, count: k)
        for p in 0..<(h * w) { for ch in 0..<k { alpha[ch] += dA.scalars[p * k + ch] } }
        alpha = alpha.map { $0 / Float(h * w) }
        var cam = [Float](repeating: 0, count: h * w)
        for p in 0..<(h * w) {
            var s: Float = 0
            for ch in 0..<k { s += alpha[ch] * a.tensor.scalars[p * k + ch] }
            cam[p] = Swift.max(0, s)
        }
        let top = cam.max() ?? 0
        if top > 0 { cam = cam.map { $0 / top } }
        let coarse = Tensor(shape: [h, w], scalars: cam)
        return GradCAM(layer: name, classIndex: classIndex, channelWeights: alpha, coarse: coarse,
                       map: Self.resized(coarse, to: model.inputShape[0], model.inputShape[1]))
    }

    /// The largest |value| over the last axis of (1, H, W, C): (H, W).
    static func channelMax(abs g: Tensor<Float>) -> Tensor<Float> {
        let (h, w, c) = (g.shape[1], g.shape[2], g.shape[3])
        return Tensor(shape: [h, w], scalars: (0..<(h * w)).map { p in
            (0..<c).reduce(0) { Swift.max($0, Swift.abs(g.scalars[p * c + $1])) }
        })
    }

    /// A plane (h, w) resized to (H, W), bilinear, corners aligned.
    public static func resized(_ t: Tensor<Float>, to H: Int, _ W: Int) -> Tensor<Float> {
        let (h, w) = (t.shape[0], t.shape[1])
        var out = [Float](repeating: 0, count: H * W)
        for y in 0..<H {
            let fy = H > 1 ? Float(y) * Float(h - 1) / Float(H - 1) : 0
            let y0 = Int(fy), y1 = Swift.min(h - 1, y0 + 1), ty = fy - Float(y0)
            for x in 0..<W {
                let fx = W > 1 ? Float(x) * Float(w - 1) / Float(W - 1) : 0
                let x0 = Int(fx), x1 = Swift.min(w - 1, x0 + 1), tx = fx - Float(x0)
                let top = t.scalars[y0 * w + x0] * (1 - tx) + t.scalars[y0 * w + x1] * tx
                let bottom = t.scalars[y1 * w + x0] * (1 - tx) + t.scalars[y1 * w + x1] * tx
                out[y * W + x] = top * (1 - ty) + bottom * ty
            }
        }
        return Tensor(shape: [H, W], scalars: out)
    }
}

/// Spearman's rank correlation of two equally long lists: Pearson's correlation of their
/// ranks, tied values sharing their mean rank. 1: same order; 0: unrelated; nil when either
/// list is constant.
public func rankCorrelation(_ a: [Float], _ b: [Float]) -> Double? {
    precondition(a.count == b.count, "rank correlation of \(a.count) and \(b.count) values")
    func ranks(_ v: [Float]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] || (v[$0] == v[$1] && $0 < $1) }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, v[order[j + 1]] == v[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = mean }
            i = j + 1
        }
        return r
    }
    let ra = ranks(a), rb = ranks(b)
    let n = Double(a.count)
    let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for i in 0..<a.count {
        sab += (ra[i] - ma) * (rb[i] - mb)
        saa += (ra[i] - ma) * (ra[i] - ma)
        sbb += (rb[i] - mb) * (rb[i] - mb)
    }
    guard saa > 0, sbb > 0 else { return nil }
    return sab / (saa * sbb).squareRoot()
}
