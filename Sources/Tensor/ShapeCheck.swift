import Foundation

/// The one check every shape passes where it enters the program (a literal, a builtin's
/// result, a file header, a command-line flag), so that every later computation on it
/// (strides, offsets, element counts, products of any subset of its extents) fits in `Int`.
///
/// A valid shape has extents >= 0 and the product of its non-zero extents fits in `Int`
/// (a zero extent beside huge ones, `0x4294967296x4294967296`, would otherwise give 0
/// elements but overflowing strides).
public enum ShapeCheck {
    /// The element count of `shape`, or a `TensorError` naming the shape and `what`.
    public static func count(_ shape: [Int], _ what: String = "shape") throws(TensorError) -> Int {
        var nonZero = 1
        var hasZero = false
        for d in shape {
            guard d >= 0 else { throw .invalidArgument("\(what): negative extent in shape \(formatShape(shape))") }
            if d == 0 { hasZero = true; continue }
            let (m, o) = nonZero.multipliedReportingOverflow(by: d)
            guard !o else {
                throw .invalidArgument("\(what): shape \(formatShape(shape)) is too large (its extents multiply past \(Int.max))")
            }
            nonZero = m
        }
        return hasZero ? 0 : nonZero
    }

    /// The count of a shape, checked as above and against the memory budget for elements of
    /// `bytesPerElement` bytes.
    public static func budgeted(_ shape: [Int], bytesPerElement: Int, _ what: String) throws(TensorError) -> Int {
        let n = try count(shape, what)
        try MemoryBudget.check(elements: n, bytesPerElement: bytesPerElement, what, shape: shape)
        return n
    }

    /// `budgeted` for a tensor of `S`.
    public static func budgeted<S: TensorScalar>(_ shape: [Int], _: S.Type, _ what: String) throws(TensorError) -> Int {
        try budgeted(shape, bytesPerElement: MemoryLayout<S>.stride, what)
    }
}

/// The one allocation budget for any tensor or image the program makes: checked before the
/// allocation, so an input asking for terabytes gets an error naming the size, not an abort.
///
/// The default is 4 GiB; the CLI's `--max-memory SIZE` or else `CNNLEARN_MAX_MEMORY` (bytes,
/// or with a K/M/G suffix: `512M`, `8G`) sets it (every command that makes tensors applies
/// them first, and refuses a bad value; tests and fuzz targets use `scoped`).
public enum MemoryBudget {
    public static let defaultBytes = 4 << 30

    nonisolated(unsafe) private static var current: Int = fromEnvironment() ?? defaultBytes
    private static let lock = NSLock()

    /// A budget for the current task only (tests, a fuzz run), over the process-wide one.
    @TaskLocal public static var scoped: Int?

    /// The budget in bytes.
    public static var bytes: Int {
        get { if let s = scoped { return s }; lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }

    static func fromEnvironment() -> Int? {
        guard let text = ProcessInfo.processInfo.environment["CNNLEARN_MAX_MEMORY"] else { return nil }
        return parse(text)
    }

    /// Parses `4294967296`, `512M`, `8G`, `100K` (powers of 1024); nil for anything else.
    public static func parse(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("B") { t.removeLast() }
        var shift = 0
        if let last = t.last, let s = ["K": 10, "M": 20, "G": 30, "T": 40][String(last)] { shift = s; t.removeLast() }
        guard let n = Int(t), n > 0 else { return nil }
        let (v, o) = n.multipliedReportingOverflow(by: 1 << shift)
        return o ? nil : v
    }

    /// How to raise the budget, for error hints.
    public static let hint = "the memory budget is set by --max-memory or CNNLEARN_MAX_MEMORY (e.g. --max-memory 8G)"

    /// Bytes in human units: `116.4 TiB`, `3.4 GiB`, `512 bytes`.
    public static func describe(_ bytes: Double) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = bytes, u = 0
        while v >= 1024, u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(Int(v)) bytes" : String(format: "%.1f %@", v, units[u])
    }

    /// Throws when `elements` values of `bytesPerElement` bytes exceed the budget.
    public static func check(elements: Int, bytesPerElement: Int, _ what: String, shape: [Int]? = nil) throws(TensorError) {
        let asked = Double(elements) * Double(bytesPerElement)
        let budget = bytes
        guard asked <= Double(budget) else {
            let s = shape.map { " (\(formatShape($0)))" } ?? ""
            throw .overBudget("\(what)\(s) would need \(describe(asked)), over the memory budget of \(describe(Double(budget)))")
        }
    }
}
