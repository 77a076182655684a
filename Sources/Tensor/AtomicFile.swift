import Foundation

/// Why a file could not be written: the path and the system's reason.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot write the file (\(reason))" }
}

/// The engine's one way of writing a file: to an exclusive temporary name with an
/// unpredictable suffix in the same folder (`O_CREAT | O_EXCL`, mode 0644), every byte
/// written, `fsync`, then `rename` over the target and `fsync` of the folder. A reader sees
/// the old file or the whole new one, never half of one, also after a crash or a kill; on any
/// failure the temporary file is removed and the target is left as it was.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            temp = folder + "/." + url.lastPathComponent + "." + suffix + ".tmp"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
        func fail(_ code: Int32) -> FileWriteError {
            close(fd)
            unlink(temp)
            return FileWriteError(path: path, reason: String(cString: strerror(code)))
        }
        var done = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
        guard ok else { throw fail(errno) }
        guard fsync(fd) == 0 else { throw fail(errno) }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temp)
            throw FileWriteError(path: path, reason: String(cString: strerror(code)))
        }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw FileWriteError(path: path, reason: String(cString: strerror(code)))
        }
        // The rename itself is durable once the folder is synced.
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }
}
