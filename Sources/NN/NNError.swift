import Tensor

/// An error a user can cause through the model layer: a model that cannot be built for an
/// input shape, an unknown model name, a bad shape string, or a weights file that does not fit.
public enum NNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer cannot take the shape it is given; the payload names the layer and both shapes.
    case invalidModel(String)
    /// A name that is not in the model zoo; `known` lists the names that are.
    case unknownModel(name: String, known: [String])
    /// A malformed argument such as an input shape string.
    case invalidArgument(String)
    /// A weights file that cannot be read or does not fit the model; the payload names the path.
    case checkpoint(path: String, message: String)
    /// An engine error raised while running the model.
    case tensor(TensorError)

    public var description: String {
        switch self {
        case .invalidModel(let m): return m
        case let .unknownModel(name, known):
            return "unknown model '\(name)'; known models: \(known.joined(separator: ", "))"
        case .invalidArgument(let m): return m
        case let .checkpoint(path, message): return "\(path): \(message)"
        case .tensor(let e): return e.description
        }
    }
}

/// Parses a per-example shape written as `HxWxC` (e.g. `150x150x3`) or `N` for flat inputs.
///
/// Throws `NNError.invalidArgument` naming the text when a part is not a positive integer.
public func parseShape(_ text: String) throws(NNError) -> [Int] {
    guard let dims = shapeDimensions(text) else {
        throw .invalidArgument("bad shape '\(text)': expected positive integers joined by 'x', e.g. 150x150x3")
    }
    // The one shape check where a shape enters from a flag: an input no example could have
    // (100000000x100000000x3 is 120 PB of Floats) is refused before any layer works on it.
    do { _ = try ShapeCheck.budgeted(dims, Float.self, "an input") } catch {
        throw .invalidArgument("bad shape '\(text)': \(error); \(MemoryBudget.hint)")
    }
    return dims
}

/// The extents of a shape written `HxWxC` or `N`, or nil when a part is not a positive
/// integer (no budget check: `parseShape` and the model file's input line add it).
public func shapeDimensions(_ text: String) -> [Int]? {
    var dims: [Int] = []
    for p in text.split(separator: "x", omittingEmptySubsequences: false) {
        guard let d = Int(p), d > 0 else { return nil }
        dims.append(d)
    }
    return dims
}
