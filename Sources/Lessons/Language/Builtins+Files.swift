import Foundation
import Tensor

/// `load` and `save` of numpy .npy files, relative to the lesson file's folder.
enum Files {
    static func path(_ a: CallArguments, _ i: Int, _ it: Interpreter) throws(LessonError) -> (String, SourceLocation) {
        guard let (v, loc) = a.value(i) else { throw LessonError("\(a.function) needs a file name", at: a.location) }
        let name = try a.string(v, "the file name", loc)
        guard name.hasSuffix(".npy") else {
            throw LessonError("\(a.function): '\(name)' is not a .npy file", at: loc, hint: "numpy arrays are saved as name.npy")
        }
        let full = name.hasPrefix("/") ? name : (it.baseDirectory as NSString).appendingPathComponent(name)
        return (full, loc)
    }

    static func load(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (p, loc) = try path(a, 0, it)
        guard FileManager.default.fileExists(atPath: p) else {
            throw LessonError("no such file: \(p)", at: loc, hint: "paths are relative to the lesson's folder")
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
        let (x, _) = try a.numeric(0, "x")
        let (p, loc) = try path(a, 1, it)
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
