import NN
import Tensor

/// One layer's feature maps for one image: (H, W, C), the layer's output at inference.
public struct FeatureMaps: Sendable {
    public let layer: String
    public let maps: Tensor<Float>

    /// Channel `c` as a plane (H, W).
    public func channel(_ c: Int) -> Tensor<Float> {
        let (h, w, n) = (maps.shape[0], maps.shape[1], maps.shape[2])
        return Tensor(shape: [h, w], scalars: (0..<(h * w)).map { maps.scalars[$0 * n + c] })
    }

    /// A plane normalized as the tutorial's notebook shows each map: (x - mean) / std * 64 +
    /// 128, clipped to [0, 255]. A constant plane (std 0, where numpy's division gives NaN)
    /// is drawn at 128.
    public static func notebookNormalized(_ plane: Tensor<Float>) -> Tensor<Float> {
        let n = Double(plane.count)
        let mean = plane.scalars.reduce(0.0) { $0 + Double($1) } / n
        let variance = plane.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let std = variance.squareRoot()
        return Tensor(shape: plane.shape, scalars: plane.scalars.map { v in
            std > 0 ? Float(Swift.min(255, Swift.max(0, (Double(v) - mean) / std * 64 + 128))) : 128
        })
    }
}

extension TrainedModel {
    /// The feature maps of `layers` for an image x (1, H, W, C); each layer must output an
    /// image (H, W, C), as Conv2D and pooling layers do.
    public func featureMaps(_ x: Tensor<Float>, layers names: [String]) throws(InspectError) -> [FeatureMaps] {
        let indices = try names.map { (n) throws(InspectError) in try layerIndex(n) }
        guard x.rank == 4, x.shape[0] == 1 else { throw InspectError("feature maps need one image (1, H, W, C), got \(formatShape(x.shape))") }
        let acts: [Tensor<Float>]
        do { acts = try model.activations(of: x, weights: weights) } catch { throw InspectError("\(error)") }
        var out: [FeatureMaps] = []
        for (n, i) in zip(names, indices) {
            let a = acts[i]
            guard a.rank == 4 else {
                throw InspectError("layer \(n) (\(model.layers[i].typeName)) outputs \(formatShape(model.layers[i].outputShape)), not feature maps HxWxC")
            }
            do { out.append(FeatureMaps(layer: n, maps: try a.reshaped(Array(a.shape.dropFirst())))) } catch { throw InspectError("\(error)") }
        }
        return out
    }
}
