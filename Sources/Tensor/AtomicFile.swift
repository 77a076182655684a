import Foundation

/// Why a file could not be written: the path and the system's reason.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot write the file (\(reason))" }
}

/// The program's one way of writing a file: to an exclusive temporary name with an
/// unpredictable suffix in the same folder (`O_CREAT | O_EXCL | O_NOFOLLOW`, so never through
/// a planted symlink), every byte written, `fsync`, then `rename` over the target and `fsync`
/// of the folder. A reader sees the old file or the whole new one, never half of one, also
/// after a crash or a kill; on any failure (full disk, permissions) the temporary file is
/// removed and the target is left as it was.
///
/// An existing target keeps its permission bits; a read-only target (no write bit) is refused,
/// not silently replaced. With `followingSymlink`, a target that is a symlink is written
/// through to the file it names (the link stays a link).
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to given: String, followingSymlink: Bool = false) throws(FileWriteError) {
        var path = given
        var st = stat()
        if followingSymlink, lstat(given, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            guard let real = realpath(given, nil) else {
                throw FileWriteError(path: given, reason: "it is a symlink to a missing file")
            }
            path = String(cString: real)
            free(real)
        }
        var mode: mode_t = 0o644
        var existing = false
        if lstat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw FileWriteError(path: given, reason: String(cString: strerror(EISDIR))) }
            existing = true
            mode = st.st_mode & 0o7777
            guard mode & 0o222 != 0 else {
                throw FileWriteError(path: given, reason: "it is read-only (mode \(String(mode, radix: 8))); make it writable (chmod u+w) to let cnnlearn replace it")
            }
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            temp = folder + "/." + url.lastPathComponent + "." + suffix + ".tmp"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
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
        // The final permissions: the target's own, or 0644 less the umask for a new file.
        if !existing { let mask = umask(0); umask(mask); mode &= ~mask }
        guard fchmod(fd, mode) == 0 else { throw fail(errno) }
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
