/// A failure reading or writing an image or dataset file: the path and what was wrong.
public struct ImagingError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let message: String
    public let hint: String?

    public init(path: String, message: String, hint: String? = nil) {
        self.path = path
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var s = "\(path): error: \(message)"
        if let hint { s += "\nhint: \(hint)" }
        return s
    }
}
