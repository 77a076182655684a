import Foundation

/// Where the repository's top folder is, found from this source file's path.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `../shared` beside the checkout, or nil (tests that use it skip with a printed notice).
public var sharedFolder: URL? {
    let u = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: u.path) ? u : nil
}
