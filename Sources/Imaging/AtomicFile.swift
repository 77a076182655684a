import Foundation
import Tensor

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

/// Writes `bytes` to `path` atomically (the engine's one writer, `AtomicFile`); a failure is an
/// `ImagingError` naming the path, with a hint about the folder.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(ImagingError) {
    do { try AtomicFile.write(bytes, to: path) } catch {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        throw ImagingError(path: path, message: "cannot write the file (\(error.reason))",
                           hint: "check that the folder \(dir) exists and is writable")
    }
}

/// Writes `files` as one set (`AtomicFile.write(set:)`): a failure or a kill leaves every
/// target as it was, or, once all are complete, every one new.
public func writeFilesAtomically(_ files: [(path: String, bytes: [UInt8])]) throws(ImagingError) {
    do { try AtomicFile.write(set: files) } catch {
        let dir = URL(fileURLWithPath: error.path).deletingLastPathComponent().path
        throw ImagingError(path: error.path, message: "cannot write the file (\(error.reason))",
                           hint: "check that the folder \(dir) exists and is writable")
    }
}
