import Figures
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
        guard FigureCatalog.ids.contains(id) else {
            let hint = closest(id, among: FigureCatalog.ids).map { "did you mean \"\($0)\"? " } ?? ""
            throw LessonError("unknown figure id \"\(id)\"", at: idLoc, hint: hint + "known figures: \(FigureCatalog.ids.joined(separator: ", "))")
        }
        guard let collector = it.figures, collector.wants(id) else { return .nothing }
        var positional: [FigureArgument] = []
        for (v, loc) in a.positional.dropFirst() { positional.append(try argument(v, a, loc)) }
        var labelled: [String: FigureArgument] = [:]
        for (label, (v, loc)) in a.labelled { labelled[label] = try argument(v, a, loc) }
        let figure: Figure
        do {
            figure = try FigureCatalog.make(FigureRequest(id: id, positional: positional, labelled: labelled))
        } catch {
            throw LessonError("figure \"\(id)\": \(error.message)", at: a.location, hint: error.hint)
        }
        try collector.add(figure, at: a.location)
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
        case .shape(let s): return .list(s.map { .int($0) })
        case .list(let items):
            var out: [FigureArgument] = []
            for i in items { out.append(try argument(i, a, loc)) }
            return .list(out)
        case .model(let m): return .string(m.name)
        case .run(let r):
            let t = Curves.tensor(r.history)
            try finite(t.scalars, a, loc)
            return .floatTensor(t)
        case .dataset: throw a.wrongType("a figure argument", "a tensor, number, string or run", v, loc)
        case .nothing: throw a.wrongType("a figure argument", "a value", v, loc)
        }
    }
}
