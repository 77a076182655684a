import Foundation

/// Reads a whole file; a missing or unreadable file is an `ImagingError` naming the path.
public func readFileBytes(path: String) throws(ImagingError) -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else {
        throw ImagingError(path: path, message: "no such file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ImagingError(path: path, message: "cannot read the file")
    }
    return [UInt8](data)
}

/// Writes `bytes` to `path` all at once: first to a hidden temporary name in the same folder,
/// then renamed into place, so a reader never sees a half-written file.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(ImagingError) {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent()
    let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
        try Data(bytes).write(to: temp)
    } catch {
        throw ImagingError(path: path, message: "cannot write the file (\(reason(error)))",
                           hint: "check that the folder \(dir.path) exists and is writable")
    }
    // rename(2) replaces an existing file atomically on the same file system.
    if rename(temp.path, url.path) != 0 {
        let code = errno
        try? FileManager.default.removeItem(at: temp)
        throw ImagingError(path: path, message: "cannot move the file into place (\(String(cString: strerror(code))))")
    }
}

private func reason(_ error: Error) -> String {
    let ns = error as NSError
    if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(u.code)))
    }
    return ns.localizedDescription
}
