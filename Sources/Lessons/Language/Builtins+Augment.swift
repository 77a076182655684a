import Imaging
import Tensor

/// `augment(image, rotation: 30, shift_x: 0.1, ...)`: Keras ImageDataGenerator's transforms
/// (module Imaging) on an image tensor (H,W) or (H,W,C) of pixels 0...255.
///
/// Without a seed the labels are one exact transform (`rotation: 90` turns by exactly 90
/// degrees); with `seed:` they are the ranges to draw from, Keras-style (`rotation: 30` draws
/// from [-30, 30]), and `spec: "tutorial"` starts from a whole spec string. `epoch:` and
/// `index:` pick the draw of one image in one epoch (default 0), as training will.
/// An Int image gives Ints (each result rounded to the nearest, halves away from zero), a
/// Float image Floats on the same 0...255 scale (Keras augments before the 1/255 rescale).
enum AugmentBuiltin {
    static let labels = AugmentSettings.keys + ["spec", "seed", "epoch", "index"]
    static let signature = "augment(image, rotation: r, shift_x: f, shift_y: f, shear: deg, zoom: z, flip: true, fill: \"nearest\", order: \"bilinear\", ..., seed: n)"

    static func run(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, xLoc) = try a.tensor(0, "image")
        let shape = x.shape
        guard shape.count == 2 || shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw LessonError("augment: the image must be (H,W) or (H,W,C), got \(formatShape(shape))", at: xLoc)
        }
        guard shape.reduce(1, *) <= CallArguments.maxElements else {
            throw LessonError("augment: the image \(formatShape(shape)) is too large", at: xLoc)
        }
        let (h, w) = (shape[0], shape[1])
        let image = Tensor<Float>(shape: [h, w, shape.count == 3 ? shape[2] : 1], scalars: x.asFloat.scalars)

        var settings: [(String, AugmentValue)] = []
        if let (v, loc) = a.labelled["spec"] {
            let text = try a.string(v, "spec", loc)
            do { settings = try AugmentSettings.parse(text) } catch { throw LessonError("augment: \(error.message)", at: loc, hint: error.hint) }
        }
        // Labels in the order the table lists them, so a label overrides the spec string.
        for key in AugmentSettings.keys {
            guard let (v, loc) = a.labelled[key] else { continue }
            settings.append((key, try setting(v, key, a, loc)))
        }

        let transform: AugmentTransform, resampling: Resampling
        do {
            if let (s, sLoc) = a.labelled["seed"] {
                let seed = try a.int(s, "seed", sLoc)
                guard seed >= 0 else { throw LessonError("augment: seed must not be negative, got \(seed)", at: sLoc) }
                let epoch = try a.labelled("epoch", default: 0, a.int), index = try a.labelled("index", default: 0, a.int)
                let spec = try AugmentSpec(settings: settings)
                transform = spec.draw(height: h, width: w, seed: UInt64(seed), epoch: epoch, index: index)
                resampling = spec.resampling
            } else {
                for label in ["spec", "epoch", "index"] where a.labelled[label] != nil {
                    throw LessonError("augment: \(label) needs a seed (without one the labels are one exact transform)", at: a.labelled[label]!.1,
                                      hint: "add seed: 1 to draw from ranges")
                }
                (transform, resampling) = try AugmentTransform.exact(settings: settings, height: h, width: w)
            }
        } catch let e as AugmentError {
            throw LessonError("augment: \(e.message)", at: a.location, hint: e.hint ?? "usage: \(signature)")
        } catch let e as LessonError {
            throw e
        } catch {
            throw LessonError("augment: \(error)", at: a.location)
        }

        let out: Tensor<Float>
        do { out = try transform.apply(to: image, resampling: resampling) } catch {
            throw LessonError("augment: \(error.message)", at: a.location, hint: error.hint)
        }
        let result = Tensor<Float>(shape: shape, scalars: out.scalars)
        if case .int = x {
            return Value.wrap(Tensor<Int>(shape: shape, scalars: result.scalars.map { Int($0.rounded()) }))
        }
        return Value.wrap(result)
    }

    /// A labelled argument as a spec setting: numbers, true/false, words for fill and order,
    /// and `[low, high]` for the zoom and brightness ranges.
    static func setting(_ v: Value, _ key: String, _ a: CallArguments, _ loc: SourceLocation) throws(LessonError) -> AugmentValue {
        switch v {
        // Through the shortest decimal text, so 0.1 stays 0.1 and not 0.10000000149.
        case .float(let f): return .number(Double("\(f)") ?? Double(f))
        case .int(let i): return .number(Double(i))
        case .bool(let b): return .flag(b)
        case .string(let s) where key == "fill" || key == "order": return .word(s.lowercased())
        case .list(let items) where items.count == 2:
            if let lo = number(items[0]), let hi = number(items[1]) { return .range(lo, hi) }
        case .floatTensor(let t) where t.shape == [2]:
            return .range(Double("\(t.scalars[0])") ?? 0, Double("\(t.scalars[1])") ?? 0)
        case .intTensor(let t) where t.shape == [2]:
            return .range(Double(t.scalars[0]), Double(t.scalars[1]))
        default: break
        }
        let want = key == "fill" ? "\"nearest\", \"constant\", \"reflect\" or \"wrap\"" : key == "order" ? "\"nearest\" or \"bilinear\"" : key == "flip" || key == "vflip" ? "true or false" : "a number (or [low, high] for zoom and brightness)"
        throw a.wrongType(key, want, v, loc)
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let f): return Double("\(f)") ?? Double(f)
        default: return nil
        }
    }
}
