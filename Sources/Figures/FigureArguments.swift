import Tensor

/// Typed access to a request's arguments: each is found by position or by label, and a
/// missing or ill-typed one is a `FigureError` naming the figure and the argument.
struct FigureArguments {
    let request: FigureRequest

    init(_ request: FigureRequest) { self.request = request }

    private func find(_ position: Int?, _ label: String) -> FigureArgument? {
        if let v = request.labelled[label] { return v }
        if let position, position < request.positional.count { return request.positional[position] }
        return nil
    }

    private func bad(_ label: String, _ expected: String) -> FigureError {
        FigureError("figure \"\(request.id)\": argument \(label) must be \(expected)")
    }

    /// A 2-D matrix of numbers (Int or Float tensor of shape (H,W), or (H,W,1)); nil when absent.
    func matrix(_ position: Int?, _ label: String) throws(FigureError) -> NumberMatrix? {
        guard let v = find(position, label) else { return nil }
        switch v {
        case .intTensor(let t): if let m = NumberMatrix(t) { return m }
        case .floatTensor(let t): if let m = NumberMatrix(t) { return m }
        default: break
        }
        throw bad(label, "a 2-D tensor (H,W)")
    }

    /// The shape of a tensor argument; nil when absent.
    func shape(_ position: Int?, _ label: String) throws(FigureError) -> [Int]? {
        guard let v = find(position, label) else { return nil }
        switch v {
        case .intTensor(let t): return t.shape
        case .floatTensor(let t): return t.shape
        case .list(let items):
            var dims = [Int]()
            for item in items {
                guard case .int(let d) = item, d > 0 else { throw bad(label, "a tensor or a list of positive sizes") }
                dims.append(d)
            }
            return dims
        default: throw bad(label, "a tensor or a list of sizes")
        }
    }

    func int(_ position: Int?, _ label: String) throws(FigureError) -> Int? {
        guard let v = find(position, label) else { return nil }
        if case .int(let i) = v { return i }
        throw bad(label, "an integer")
    }

    func double(_ position: Int?, _ label: String) throws(FigureError) -> Double? {
        guard let v = find(position, label) else { return nil }
        if case .float(let d) = v { return d }
        if case .int(let i) = v { return Double(i) }
        throw bad(label, "a number")
    }

    func bool(_ position: Int?, _ label: String) throws(FigureError) -> Bool? {
        guard let v = find(position, label) else { return nil }
        if case .bool(let b) = v { return b }
        throw bad(label, "true or false")
    }

    func string(_ position: Int?, _ label: String) throws(FigureError) -> String? {
        guard let v = find(position, label) else { return nil }
        if case .string(let s) = v { return s }
        throw bad(label, "a string")
    }

    /// Labels that no figure parameter uses are errors, so a typo does not pass silently.
    func rejectUnknownLabels(_ known: Set<String>) throws(FigureError) {
        for label in request.labelled.keys.sorted() where !known.contains(label) {
            throw FigureError("figure \"\(request.id)\" has no argument \(label)",
                              hint: "its arguments are: \(known.sorted().joined(separator: ", "))")
        }
    }
}

/// A 2-D grid of numbers with their printed form: exact integers print as integers, floats
/// with at most two decimals.
struct NumberMatrix: Equatable {
    let rows: Int, cols: Int
    let values: [Double]
    let texts: [String]

    init?(_ t: Tensor<Int>) {
        guard let (r, c) = NumberMatrix.plane(t.shape) else { return nil }
        rows = r; cols = c
        values = t.scalars.map(Double.init)
        texts = t.scalars.map(String.init)
    }

    init?(_ t: Tensor<Float>) {
        guard let (r, c) = NumberMatrix.plane(t.shape) else { return nil }
        rows = r; cols = c
        values = t.scalars.map(Double.init)
        texts = t.scalars.map { fmt(Double($0)) }
    }

    subscript(r: Int, c: Int) -> Double { values[r * cols + c] }
    func text(_ r: Int, _ c: Int) -> String { texts[r * cols + c] }

    static func plane(_ shape: [Int]) -> (Int, Int)? {
        if shape.count == 2, shape[0] > 0, shape[1] > 0 { return (shape[0], shape[1]) }
        if shape.count == 3, shape[2] == 1, shape[0] > 0, shape[1] > 0 { return (shape[0], shape[1]) }
        return nil
    }
}
