import Foundation
import Imaging
import Tensor

/// `load` and `save`, relative to the lesson file's folder: numpy .npy files, and images.
///
/// `load("photo.png")` (or .jpg/.jpeg) gives the pixels as exact Ints 0...255 (0...65535 for a
/// 16-bit PNG, as stored), shape (H,W,C)
/// with C = 1 (gray), 3 (RGB) or 4 (RGBA), decoded by libpng or libjpeg-turbo.
/// `save(x, "map.png")` writes x of shape (H,W) or (H,W,C) through libpng: Ints must be in
/// 0...255, Floats in [0, 1] (times 255, rounded).
enum Files {
    enum Kind { case npy, image, png }

    static let imageExtensions = [".png", ".jpg", ".jpeg"]

    static func path(_ a: CallArguments, _ i: Int, _ it: Interpreter, saving: Bool) throws(LessonError) -> (String, SourceLocation, Kind) {
        guard let (v, loc) = a.value(i) else { throw LessonError("\(a.function) needs a file name", at: a.location) }
        let name = try a.string(v, "the file name", loc)
        let lower = name.lowercased()
        let kind: Kind
        if lower.hasSuffix(".npy") {
            kind = .npy
        } else if saving, lower.hasSuffix(".png") {
            kind = .png
        } else if !saving, imageExtensions.contains(where: { lower.hasSuffix($0) }) {
            kind = .image
        } else {
            throw LessonError("\(a.function): '\(name)' is not a \(saving ? ".npy or .png" : ".npy, .png or .jpg") file", at: loc,
                              hint: saving ? "save writes numpy arrays (name.npy) and PNG images (name.png)" : "load reads numpy arrays (name.npy) and images (name.png, name.jpg)")
        }
        let full = try it.fileAccess.resolve(name, base: it.baseDirectory, at: loc)
        return (full, loc, kind)
    }

    static func load(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (p, loc, kind) = try path(a, 0, it, saving: false)
        guard FileManager.default.fileExists(atPath: p) else {
            throw LessonError("no such file: \(p)", at: loc, hint: "paths are relative to the lesson's folder")
        }
        if kind == .image {
            do {
                return Value.wrap(try readImageSamples(path: p).intTensor)
            } catch {
                throw LessonError("cannot read the image \(p): \(error.message)", at: loc, hint: error.hint)
            }
        }
        do {
            switch try NPY.read(path: p) {
            case .int(let t), .bool(let t): return Value.wrap(t)
            case .float(let t): return Value.wrap(t)
            }
        } catch let e as NPYError {
            throw LessonError("malformed .npy file \(p): \(e.message)", at: loc)
        } catch {
            throw LessonError("cannot read \(p): \(error)", at: loc)
        }
    }

    static func save(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (given, xLoc) = try a.numeric(0, "x")
        let (p, loc, kind) = try path(a, 1, it, saving: true)
        var x = given
        if let (f, fLoc) = a.labelled["scale"] {
            guard kind == .png else { throw LessonError("save: scale: is for PNG images, not .npy arrays", at: fLoc) }
            guard let n = Numeric(try PictureBuiltins.upscale(x, xLoc, factor: try a.int(f, "scale", fLoc), fLoc, function: "save")) else {
                throw LessonError("save: cannot scale x", at: fLoc)
            }
            x = n
        }
        if kind == .png {
            try savePNG(x, xLoc, to: p, loc)
            // Four channels are written as RGBA, the fourth as transparency: right for a
            // loaded RGBA picture, but a feature volume of four maps then looks blank.
            if x.shape.count == 3, x.shape[2] == 4 {
                let name = (p as NSString).lastPathComponent
                it.emit("save: wrote \(name) as RGBA, channel 3 as transparency; 4 feature maps may look blank: save(x[:, :, 0], \"\(name)\") saves one, save(normalize(grid(x)), \"\(name)\") all four")
            }
            return .nothing
        }
        let array: NPYArray
        switch x {
        case .int(let t): array = .int(t)
        case .float(let t): array = .float(t)
        }
        do {
            try NPY.write(array, path: p)
        } catch {
            throw LessonError("cannot write \(p): \(error)", at: loc)
        }
        return .nothing
    }

    static func savePNG(_ x: Numeric, _ xLoc: SourceLocation, to p: String, _ loc: SourceLocation) throws(LessonError) {
        let image: RasterImage
        do throws(ImagingError) {
            switch x {
            case .int(let t):
                image = try RasterImage(t)
            case .float(let t):
                if let i = t.scalars.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                    throw ImagingError(path: p, message: "a Float image needs values in [0, 1]; \(ValueFormatter().number(t.scalars[i])) at \(Assertions.describe(i, t.shape)) is not",
                                       hint: "scale it first, e.g. (x + max(-x)) / (max(x) + max(-x))")
                }
                image = try RasterImage(normalized: t)
            }
        } catch {
            throw LessonError("save: \(error.message)", at: xLoc, hint: error.hint)
        }
        do {
            try PNGCodec.write(image, to: p)
        } catch {
            throw LessonError("cannot write \(p): \(error.message)", at: loc)
        }
    }
}

/// `assert_equal` and `assert_close`: a failure names the worst index and both values.
enum Assertions {
    static func operands(_ a: CallArguments) throws(LessonError) -> (Numeric, Numeric) {
        let (x, _) = try a.numeric(0, "a")
        let (y, yLoc) = try a.numeric(1, "b")
        guard x.shape == y.shape else {
            throw LessonError("\(a.function) failed: shapes differ: \(formatShape(x.shape)) and \(formatShape(y.shape))", at: yLoc)
        }
        return (x, y)
    }

    static func doubles(_ n: Numeric) -> [Double] {
        switch n {
        case .int(let t): return t.scalars.map(Double.init)
        case .float(let t): return t.scalars.map(Double.init)
        }
    }

    static func describe(_ flat: Int, _ shape: [Int]) -> String {
        var idx = [Int](repeating: 0, count: shape.count)
        var r = flat
        for ax in stride(from: shape.count - 1, through: 0, by: -1) where shape[ax] > 0 {
            idx[ax] = r % shape[ax]
            r /= shape[ax]
        }
        return "[" + idx.map(String.init).joined(separator: ", ") + "]"
    }

    static func equal(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, y) = try operands(a)
        let p = doubles(x), q = doubles(y)
        let bad = p.indices.filter { p[$0] != q[$0] }
        guard let first = bad.max(by: { abs(p[$0] - q[$0]) < abs(p[$1] - q[$1]) }) else { return .nothing }
        let fmt = ValueFormatter()
        func show(_ v: Double, _ n: Numeric) -> String { if case .int = n { return String(Int(v)) } else { return fmt.number(Float(v)) } }
        throw LessonError("assert_equal failed: \(bad.count) of \(p.count) values differ; the largest difference is at \(describe(first, x.shape)): \(show(p[first], x)) vs \(show(q[first], y))", at: a.location)
    }

    static func close(_ a: CallArguments) throws(LessonError) -> Value {
        let (x, y) = try operands(a)
        let (tv, tLoc) = a.positional[2]
        let tol = Double(try a.float(tv, "tol", tLoc))
        guard tol >= 0 else { throw LessonError("assert_close: tol must not be negative", at: tLoc) }
        let p = doubles(x), q = doubles(y)
        var worst: Int?
        var worstExcess = 0.0
        var failures = 0
        for i in p.indices {
            let limit = tol * (1 + abs(q[i]))
            let err = abs(p[i] - q[i])
            if !(err <= limit) {
                failures += 1
                let excess = err.isNaN ? .infinity : err - limit
                if worst == nil || excess > worstExcess { worst = i; worstExcess = excess }
            }
        }
        guard let w = worst else { return .nothing }
        throw LessonError("assert_close failed: \(failures) of \(p.count) values differ by more than \(tol) * (1 + |b|); the worst is at \(describe(w, x.shape)): \(p[w]) vs \(q[w])", at: a.location)
    }
}
