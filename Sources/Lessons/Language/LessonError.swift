/// A place in a lesson file: 1-based line and column.
public struct SourceLocation: Sendable, Equatable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A learner's mistake in a lesson: a syntax error in a cell, a bad argument, a shape mismatch.
///
/// Printed as `file:line:column: error: message`, then the source line and a caret under the
/// column, then an optional `hint:` line.
public struct LessonError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public var hint: String?

    public init(_ message: String, at location: SourceLocation, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    /// `file:line:column: error: message` on one line.
    public var description: String {
        "\(location.file):\(location.line):\(location.column): error: \(message)"
    }

    /// The full report: the headline, the source line with a caret, and the hint.
    /// - Parameter sourceLines: the lines of the file, 0-based (line N is `sourceLines[N-1]`).
    public func rendered(sourceLines: [String]) -> String {
        var out = description + "\n"
        let i = location.line - 1
        if i >= 0, i < sourceLines.count {
            let src = sourceLines[i]
            out += src + "\n"
            // Keep tabs so the caret lines up under the same column in a terminal.
            let prefix = src.prefix(max(location.column - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined()
            out += prefix + "^\n"
        }
        if let hint { out += "hint: \(hint)\n" }
        return out
    }
}
