import Foundation

/// Where a lesson's cells may read and write files (`load`, `save`, `model("file.txt")`,
/// `load_run`, `dataset("folder")`): under the lesson's own folder, and any folder the user
/// allows (`--allow-path DIR`). A lesson from the internet cannot read `~/.ssh` or overwrite
/// `~/.bashrc` through `../`, an absolute path or a symbolic link.
public struct FileAccess: Sendable, Equatable {
    /// The folders cells may use, resolved (symbolic links followed); nil = anywhere.
    public private(set) var folders: [String]?

    public static let anywhere = FileAccess(folders: nil)

    public static func within(_ folders: [String]) -> FileAccess {
        FileAccess(folders: folders.map { resolved(($0 as NSString).standardizingPath) })
    }

    /// Folders the user allowed for the whole program (`--allow-path`), added to every
    /// lesson's own folder. Set once at start, before any lesson runs.
    nonisolated(unsafe) public static var allowed: [String] = []

    /// The access a lesson in `folder` gets: that folder and the allowed ones.
    public static func lesson(in folder: String) -> FileAccess {
        .within([folder] + allowed)
    }

    /// The full path of `name` (relative to `base` unless absolute), or an error when it lies
    /// outside every allowed folder.
    public func resolve(_ name: String, base: String, at location: SourceLocation) throws(LessonError) -> String {
        let full = name.hasPrefix("/") ? name : (base as NSString).appendingPathComponent(name)
        guard let folders else { return full }
        let real = Self.resolved((full as NSString).standardizingPath)
        for f in folders where real == f || real.hasPrefix(f.hasSuffix("/") ? f : f + "/") { return full }
        throw LessonError("'\(name)' is outside the lesson's folder", at: location,
                          hint: "cells read and write files only under \(folders[0]); run with --allow-path DIR to allow another folder")
    }

    /// The path with every symbolic link in its existing part followed (the part that does not
    /// exist yet, such as a file about to be saved, is appended as written).
    static func resolved(_ path: String) -> String {
        var head = path
        var tail: [String] = []
        while !head.isEmpty, head != "/" {
            if let r = realpath(head, nil) {
                defer { free(r) }
                let base = String(cString: r)
                return tail.isEmpty ? base : (base as NSString).appendingPathComponent(tail.reversed().joined(separator: "/"))
            }
            tail.append((head as NSString).lastPathComponent)
            head = (head as NSString).deletingLastPathComponent
        }
        return path
    }
}
