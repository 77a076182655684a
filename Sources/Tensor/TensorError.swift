/// An error a caller can recover from: bad shapes or arguments handed in by a user, or
/// an exact integer result that does not fit in `Int`.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two shapes that an operation cannot combine, e.g. `conv2d: input 5x5x3 and kernel 3x3x2x1`.
    case shapeMismatch(String)
    /// An exact integer operation overflowed `Int`; the payload names the operation.
    case overflow(String)
    /// An argument out of its domain (a zero stride, an index out of range, a bad axis).
    case invalidArgument(String)
    /// Data that would exceed the memory budget (`MemoryBudget`), checked before allocating.
    case overBudget(String)
    /// The work was stopped: the cell's time limit passed or the user pressed Ctrl-C.
    case interrupted(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .overflow(let m): return "integer overflow in \(m)"
        case .invalidArgument(let m): return m
        case .overBudget(let m): return m
        case .interrupted(let m): return m
        }
    }
}

/// Formats a shape as lessons print it: `32x32x3`; a scalar is `scalar`.
public func formatShape(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
}
