import Foundation

/// The lessons folder: finding it, listing its lessons and looking one up by name.
public struct LessonLibrary: Sendable {
    /// One lesson as the list shows it.
    public struct Entry: Sendable, Equatable {
        public var number: Int
        public var name: String
        public var title: String
        public var path: String
    }

    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// Finds the lessons folder: `override` (from `--lessons`) first, then `CNNLEARN_LESSONS`,
    /// then a `lessons/` folder in the current directory or one above it, then one beside or
    /// above the executable, or the `share/cnnlearn/lessons` of the prefix it is installed in.
    /// A folder given explicitly must hold lessons: an empty one is an error, not an empty list.
    public static func locate(override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath,
                              executable: String = CommandLine.arguments.first ?? "") throws(LessonError) -> LessonLibrary {
        let fm = FileManager.default
        func isFolder(_ p: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: p, isDirectory: &d) && d.boolValue
        }
        for (p, source) in [(override, "--lessons"), (environment["CNNLEARN_LESSONS"], "CNNLEARN_LESSONS")] {
            guard let p, !p.isEmpty else { continue }
            guard isFolder(p) else {
                throw LessonError("lessons folder not found (given by \(source))", at: SourceLocation(file: p, line: 1, column: 1))
            }
            let library = LessonLibrary(folder: p)
            guard !library.entries().isEmpty else {
                throw LessonError("no lessons in this folder (given by \(source))", at: SourceLocation(file: p, line: 1, column: 1),
                                  hint: "lesson files are named NN-name.md, e.g. 01-convolution.md")
            }
            return library
        }
        var starts = [currentDirectory]
        if !executable.isEmpty {
            let exe = URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: currentDirectory)).resolvingSymlinksInPath()
            starts.append(exe.deletingLastPathComponent().path)
        }
        for (n, start) in starts.enumerated() {
            var dir = URL(fileURLWithPath: start).standardizedFileURL
            while true {
                let candidate = dir.appendingPathComponent("lessons").path
                if isFolder(candidate) { return LessonLibrary(folder: candidate) }
                // Installed by `make install PREFIX=...`: PREFIX/bin/cnnlearn and
                // PREFIX/share/cnnlearn/lessons.
                let installed = dir.appendingPathComponent("share/cnnlearn/lessons").path
                if n > 0, isFolder(installed) { return LessonLibrary(folder: installed) }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        throw LessonError("cannot find the lessons folder", at: SourceLocation(file: currentDirectory, line: 1, column: 1))
    }

    /// The lessons in the folder, by number.
    public func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var out: [Entry] = []
        for file in names.sorted() {
            guard let n = LessonName(fileName: file) else { continue }
            let path = (folder as NSString).appendingPathComponent(file)
            let title = (try? LessonDocument(contentsOf: path))?.title ?? n.name
            out.append(Entry(number: n.number, name: n.name, title: title, path: path))
        }
        return out.sorted { ($0.number, $0.name) < ($1.number, $1.name) }
    }

    /// The `lessons` listing: number, name and title, aligned.
    public func listing() -> String {
        let es = entries()
        let w = es.map(\.name.count).max() ?? 0
        return es.map { e in
            let num = e.number < 10 ? "0\(e.number)" : "\(e.number)"
            return "\(num)  \(e.name.padding(toLength: w, withPad: " ", startingAt: 0))  \(e.title)"
        }.joined(separator: "\n")
    }

    /// Lessons renumbered when the course was put in the tutorial's order: old number -> name.
    /// Names did not change; old `NN-name` stems still find the lesson, with a note.
    public static let renumbered: [Int: String] = [11: "vgg16", 13: "overfitting"]

    /// A note for a query that uses a number from before the renumbering ("11", "11-vgg16"),
    /// naming the lesson it meant and its number now; nil for any other query.
    public func renumberingNote(for query: String) -> String? {
        let q = query.lowercased()
        let numberPart = q.split(separator: "-", maxSplits: 1).first.map(String.init) ?? q
        guard let old = Int(numberPart), let oldName = Self.renumbered[old],
              let now = entries().first(where: { $0.name == oldName }), now.number != old else { return nil }
        let stem = "\(old < 10 ? "0" : "")\(old)-\(oldName)"
        let nowStem = "\(now.number < 10 ? "0" : "")\(now.number)-\(now.name)"
        if q == stem { return "note: lesson \(stem) is now \(nowStem) (the lessons follow the tutorial's order); running it" }
        if q == numberPart {
            let current = entries().first(where: { $0.number == old }).map { "\(old) is now \($0.name); " } ?? ""
            return "note: lessons were renumbered to follow the tutorial's order: \(current)\(oldName) was \(old) and is now \(now.number) (cnnlearn lesson \(oldName))"
        }
        return nil
    }

    /// A lesson by name, number or unambiguous prefix of its name.
    public func find(_ query: String) throws(LessonError) -> Entry {
        let es = entries()
        let where_ = SourceLocation(file: folder, line: 1, column: 1)
        if let n = Int(query), let e = es.first(where: { $0.number == n }) { return e }
        let q = query.lowercased()
        if let e = es.first(where: { $0.name.lowercased() == q || "\($0.number < 10 ? "0" : "")\($0.number)-\($0.name)" == q }) { return e }
        // An old NN-name stem of a renumbered lesson ("11-vgg16") finds it by its name.
        for (old, name) in Self.renumbered where q == "\(old < 10 ? "0" : "")\(old)-\(name)" {
            if let e = es.first(where: { $0.name == name }) { return e }
        }
        let matches = es.filter { $0.name.lowercased().hasPrefix(q) }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw LessonError("'\(query)' matches several lessons: \(matches.map(\.name).joined(separator: ", "))", at: where_,
                              hint: "type more of the name")
        }
        let list = es.isEmpty ? "(none)" : es.map { "\($0.number) \($0.name)" }.joined(separator: ", ")
        throw LessonError("no lesson named '\(query)'; the lessons are: \(list)", at: where_, hint: "run 'cnnlearn lessons' to list them")
    }
}
