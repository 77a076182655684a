import Figures
import Foundation

/// Collects the figures `figure(...)` cells make while lessons run with figure output on
/// (`cnnlearn figures`), with the cell that made each, so that nothing is written until every
/// lesson has run without an error.
public final class FigureCollector {
    /// The ids to make; nil makes every figure a lesson asks for.
    public let only: Set<String>?
    /// The figures made so far, in the order the cells ran.
    public private(set) var figures: [Figure] = []
    /// Where each figure was made, by id.
    public private(set) var sources: [String: SourceLocation] = [:]

    public init(only: Set<String>? = nil) {
        self.only = only
    }

    /// Where each figure was made, as "FOLDER/FILE.md" and the line, FOLDER being the last
    /// component of `lessonsFolder` (lessons/01-convolution.md, 54): what INDEX.md links to.
    public func sourceReferences(lessonsFolder: String) -> [String: FigureSource] {
        let folderName = (lessonsFolder as NSString).lastPathComponent
        return sources.mapValues { FigureSource(path: "\(folderName)/\(($0.file as NSString).lastPathComponent)", line: $0.line) }
    }

    /// Whether a `figure("id", ...)` call should make its figure.
    func wants(_ id: String) -> Bool { only?.contains(id) ?? true }

    /// Adds a figure made at `location`; a second figure with the same id is an error naming
    /// the first cell, since both would write the same files.
    func add(_ figure: Figure, at location: SourceLocation) throws(LessonError) {
        if let first = sources[figure.id] {
            throw LessonError("figure \"\(figure.id)\" was already made at \(first.file):\(first.line)", at: location,
                              hint: "each figure id is emitted by one cell; remove one of the two calls")
        }
        figures.append(figure)
        sources[figure.id] = location
    }
}
