/// An error a user can cause while looking inside a model: a weight file that cannot be read
/// or does not fit the model, a layer or filter that does not exist, a bad option.
public struct InspectError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong, naming the file or layer.
    public let message: String
    /// What to try instead, or nil.
    public let hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { message + (hint.map { "\nhint: \($0)" } ?? "") }
}
