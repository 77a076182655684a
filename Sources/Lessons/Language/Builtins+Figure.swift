import Figures
import Foundation
import Imaging
import Training
import Tensor

/// `figure("id", args...)`: the tutorial's figures, drawn by module Figures.
///
/// With a `FigureCollector` (from `cnnlearn figures`) the figure is made and collected, to be
/// written once every lesson has run; without one only the id is checked (an unknown id is an
/// error listing the known ids). It prints nothing either way, so doc-tests do not depend on
/// figure output.
enum FigureBuiltin {
    static func run(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (idValue, idLoc) = a.positional[0]
        let id = try a.string(idValue, "the figure id", idLoc)
        guard FigureCatalog.ids.contains(id) else { return try own(id, idLoc, a, it) }
        guard let collector = it.figures, collector.wants(id) else { return .nothing }
        var positional: [FigureArgument] = []
        for (v, loc) in a.positional.dropFirst() { positional.append(try argument(v, a, loc)) }
        var labelled: [String: FigureArgument] = [:]
        for (label, (v, loc)) in a.labelled { labelled[label] = try argument(v, a, loc) }
        let figure: Figure
        do {
            figure = try FigureCatalog.make(FigureRequest(id: id, positional: positional, labelled: labelled))
        } catch {
            // The catalog's errors name the figure.
            throw LessonError(error.message, at: a.location, hint: error.hint)
        }
        try collector.add(figure, at: a.location)
        return .nothing
    }

    /// `figure("my-map", x)`: a figure of the lesson's own, `x` drawn as a picture: a map (H,W)
    /// in the viridis colours from its smallest to its largest value, or (H,W,3) / (H,W,1)
    /// with values in [0, 1] as RGB or gray, scaled up by a whole factor to about 320 pixels.
    /// The id names its files (`my-map.png`, `my-map.svg`), so it is lower-case letters,
    /// digits, `-` and `_`. A call that is not of this form is a mistyped catalog id.
    static func own(_ id: String, _ idLoc: SourceLocation, _ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let near = closest(id, among: FigureCatalog.ids).map { "did you mean \"\($0)\"? " } ?? ""
        let usage = "a figure of your own takes one map: figure(\"my-map\", x) with x (H,W) or (H,W,3)"
        guard a.positional.count == 2, a.labelled.isEmpty, let (n, xLoc) = try? a.tensor(1, "x") else {
            throw LessonError("unknown figure id \"\(id)\"", at: idLoc,
                              hint: near + usage + "; known figures: \(FigureCatalog.ids.joined(separator: ", "))")
        }
        let valid = !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
            && id.first != "-" && id.first != "_"
        guard valid else {
            throw LessonError("figure id \"\(id)\" cannot name a file: use lower-case letters, digits, - and _", at: idLoc, hint: "e.g. figure(\"my-map\", x)")
        }
        let t = n.asFloat
        guard t.rank == 2 || (t.rank == 3 && (t.shape[2] == 1 || t.shape[2] == 3)), t.count > 0 else {
            throw LessonError("figure \"\(id)\": x must be a map (H,W) or a picture (H,W,3) or (H,W,1), got shape \(formatShape(t.shape))", at: xLoc,
                              hint: t.rank == 3 ? "pick a channel, x[:, :, 0], or lay the channels out with grid(x)" : usage)
        }
        if t.rank == 3, let bad = t.scalars.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw LessonError("figure \"\(id)\": a picture (H,W,C) has values in [0, 1], got \(bad)", at: xLoc, hint: "normalize(x) maps it to [0, 1]")
        }
        guard let collector = it.figures, collector.wants(id) else { return .nothing }
        let uri: String
        let (w, h): (Double, Double)
        do {
            let image = try TensorImage.raster(t)
            // Scaled up here, cell by cell: SVG renderers smooth a small embedded image.
            let k = max(1, 320 / max(image.width, image.height))
            let c = image.channels
            var px = [UInt8](repeating: 0, count: image.width * k * image.height * k * c)
            for y in 0..<(image.height * k) {
                for x in 0..<(image.width * k) {
                    let from = ((y / k) * image.width + x / k) * c, to = (y * image.width * k + x) * c
                    for j in 0..<c { px[to + j] = image.pixels[from + j] }
                }
            }
            let big = try RasterImage(width: image.width * k, height: image.height * k, channels: c, pixels: px)
            uri = try pngDataURI(big)
            (w, h) = (Double(big.width), Double(big.height))
        } catch let e as FigureError {
            throw LessonError("figure \"\(id)\": \(e.message)", at: a.location, hint: e.hint)
        } catch {
            throw LessonError("figure \"\(id)\": \(error)", at: a.location)
        }
        let what = "\(formatShape(t.shape)) \(t.rank == 2 ? "map, viridis from its smallest to its largest value" : "picture")"
        var doc = SVGDocument(width: w, height: h, title: id, desc: "\(id): a \(what), from \((a.location.file as NSString).lastPathComponent) line \(a.location.line)")
        doc.image(dataURI: uri, x: 0, y: 0, width: w, height: h)
        try collector.add(Figure(id: id, document: doc), at: a.location)
        return .nothing
    }

    /// Figures place numbers on a page: NaN, infinities and magnitudes past 1e12 cannot be
    /// placed or scaled, so the figure is refused with the reason (it never draws garbage,
    /// traps or loops on tick marks).
    static func finite(_ values: [Float], _ a: CallArguments, _ loc: SourceLocation) throws(LessonError) {
        guard let bad = values.first(where: { !$0.isFinite || abs($0) > 1e12 }) else { return }
        let what = bad.isNaN ? "NaN" : bad.isInfinite ? "an infinite value" : "a value as large as \(bad)"
        throw LessonError("figure: an argument holds \(what), which a figure cannot draw", at: loc,
                          hint: "figures need finite values of sensible size; check the computation that made it")
    }

    /// A cell value as a figure argument.
    static func argument(_ v: Value, _ a: CallArguments, _ loc: SourceLocation) throws(LessonError) -> FigureArgument {
        switch v {
        case .int(let i): return .int(i)
        case .float(let f):
            try finite([f], a, loc)
            return .float(Double(f))
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .intTensor(let t): return .intTensor(t)
        case .floatTensor(let t):
            try finite(t.scalars, a, loc)
            return .floatTensor(t)
        case .boolTensor(let t): return .intTensor(t)
        case .shape(let s): return .list(s.map { .int($0) })
        case .list(let items):
            var out: [FigureArgument] = []
            for i in items { out.append(try argument(i, a, loc)) }
            return .list(out)
        case .model(let m): return .model(FigureModel(m))
        case .network(let n): return .model(FigureModel(n.model))
        case .run(let r):
            let t = Curves.tensor(r.history)
            try finite(t.scalars, a, loc)
            return .floatTensor(t)
        case .dataset: throw a.wrongType("a figure argument", "a tensor, number, string or run", v, loc)
        case .nothing: throw a.wrongType("a figure argument", "a value", v, loc)
        }
    }
}
