/// A lesson file's identity: number and name from `NN-name.md`.
public struct LessonName: Sendable, Equatable {
    public let number: Int
    public let name: String

    /// Parses `01-convolution.md` into (1, "convolution"); nil for other names.
    public init?(fileName: String) {
        guard fileName.hasSuffix(".md") else { return nil }
        let stem = fileName.dropLast(3)
        guard let dash = stem.firstIndex(of: "-"), let n = Int(stem[..<dash]) else { return nil }
        let rest = stem[stem.index(after: dash)...]
        guard !rest.isEmpty else { return nil }
        number = n
        name = String(rest)
    }
}
