import Foundation
import Synchronization

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
///
/// A SIGINT, SIGTERM or SIGHUP that would end the process while a temporary file exists removes
/// it first (`TemporaryFiles`). `write(set:)` writes several files as one set: all are staged
/// in a private folder beside them, and only when every one is complete are they renamed in,
/// with those signals held off for the few renames, so a kill leaves the old set or the new.
public enum AtomicFile {
    /// What `write` and `write(set:)` decide about a target before any byte is written.
    private struct Target {
        var path: String
        var mode: mode_t
        var existing: Bool
        var folder: String
        var name: String
    }

    private static func target(_ given: String, followingSymlink: Bool) throws(FileWriteError) -> Target {
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
        // The final permissions: the target's own, or 0644 less the umask for a new file.
        if !existing { let mask = umask(0); umask(mask); mode &= ~mask }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        return Target(path: path, mode: mode, existing: existing, folder: folder.isEmpty ? "." : folder, name: url.lastPathComponent)
    }

    /// Writes every byte to `fd`, sets `mode` and syncs; false (errno set) on failure.
    private static func fill(_ fd: Int32, _ bytes: [UInt8], mode: mode_t) -> Bool {
        var done = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
        return ok && fchmod(fd, mode) == 0 && fsync(fd) == 0
    }

    private static func syncFolder(_ folder: String) {
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }

    public static func write(_ bytes: [UInt8], to given: String, followingSymlink: Bool = false) throws(FileWriteError) {
        let t = try target(given, followingSymlink: followingSymlink)
        TemporaryFiles.begin()
        defer { TemporaryFiles.end() }
        var fd: Int32 = -1
        var temp = ""
        var slot = -1
        var code: Int32 = 0
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            temp = t.folder + "/." + t.name + "." + suffix + ".tmp"
            // Made and registered with the ending signals held, so no signal falls between.
            TemporaryFiles.holdingSignals {
                fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                code = errno
                if fd >= 0 { slot = TemporaryFiles.register(temp, directory: false) }
            }
            if fd >= 0 || code != EEXIST { break }
        }
        guard fd >= 0 else { throw FileWriteError(path: t.path, reason: String(cString: strerror(code))) }
        defer { TemporaryFiles.unregister(slot) }
        guard fill(fd, bytes, mode: t.mode) else {
            let code = errno
            close(fd)
            unlink(temp)
            throw FileWriteError(path: t.path, reason: String(cString: strerror(code)))
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temp)
            throw FileWriteError(path: t.path, reason: String(cString: strerror(code)))
        }
        guard rename(temp, t.path) == 0 else {
            let code = errno
            unlink(temp)
            throw FileWriteError(path: t.path, reason: String(cString: strerror(code)))
        }
        // The rename itself is durable once the folder is synced.
        syncFolder(t.folder)
    }

    /// Writes `files` as one set: every target is checked (folder, read-only) before anything
    /// is written; each file is written and synced in a private staging folder (`mkdtemp`,
    /// mode 0700) beside its target; only then are they renamed into place, one after another
    /// with SIGINT, SIGTERM and SIGHUP held until the last rename (a signal arriving then ends
    /// the process right after it). A failure or a signal before the renames leaves every
    /// target as it was and no staged file behind. Targets are not followed through symlinks.
    public static func write(set files: [(path: String, bytes: [UInt8])]) throws(FileWriteError) {
        var targets: [Target] = []
        var seen = Set<String>()
        for f in files {
            let t = try target(f.path, followingSymlink: false)
            guard seen.insert(t.path).inserted else { throw FileWriteError(path: f.path, reason: "it is named twice in one set of files") }
            targets.append(t)
        }
        if targets.isEmpty { return }
        TemporaryFiles.begin()
        defer { TemporaryFiles.end() }
        var slots: [Int] = []
        var stages: [String: String] = [:]   // folder -> staging folder
        var staged: [String] = []
        func cleanUp() {
            for p in staged { unlink(p) }
            for s in stages.values { rmdir(s) }
            for s in slots { TemporaryFiles.unregister(s) }
        }
        for (t, f) in zip(targets, files) {
            if stages[t.folder] == nil {
                var template = Array((t.folder + "/.cnnlearn-staging.XXXXXX").utf8CString)
                var stage: String?, code: Int32 = 0
                TemporaryFiles.holdingSignals {
                    if let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) {
                        stage = String(cString: made)
                        slots.append(TemporaryFiles.register(stage!, directory: true))
                    } else {
                        code = errno
                    }
                }
                guard let stage else {
                    cleanUp()
                    throw FileWriteError(path: t.path, reason: "cannot make a staging folder in \(t.folder) (\(String(cString: strerror(code))))")
                }
                stages[t.folder] = stage
            }
            let path = stages[t.folder]! + "/" + t.name
            var fd: Int32 = -1, code: Int32 = 0
            TemporaryFiles.holdingSignals {
                fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                code = errno
                if fd >= 0 { slots.append(TemporaryFiles.register(path, directory: false)) }
            }
            guard fd >= 0 else {
                cleanUp()
                throw FileWriteError(path: t.path, reason: String(cString: strerror(code)))
            }
            staged.append(path)
            let ok = fill(fd, f.bytes, mode: t.mode)
            let fillCode = errno
            if close(fd) != 0 || !ok {
                let reason = String(cString: strerror(ok ? errno : fillCode))
                cleanUp()
                throw FileWriteError(path: t.path, reason: reason)
            }
        }
        for s in stages.values { syncFolder(s) }
        // Every file is complete: rename them in with the ending signals held.
        var failure: FileWriteError?
        TemporaryFiles.holdingSignals {
            for (t, path) in zip(targets, staged) where rename(path, t.path) != 0 {
                failure = failure ?? FileWriteError(path: t.path, reason: String(cString: strerror(errno)))
            }
            for folder in stages.keys { syncFolder(folder) }
            cleanUp()
        }
        if let failure { throw failure }
    }
}

/// The temporary files and staging folders that exist while `AtomicFile` writes, and the
/// signal handler that removes them when SIGINT, SIGTERM or SIGHUP is about to end the process.
///
/// The handler is installed only while a write is under way (`begin`/`end`, counted across
/// threads) and chains to the handler it replaced: if that was the default action, the files
/// are removed and the signal is raised again with the default action (so the exit status
/// still says which signal ended the process); if it was a handler of the program's own (the
/// lesson runner's Ctrl-C, which stops the cell), that handler runs, and the files are removed
/// only if it set the default action to end the process; an ignored signal stays ignored. The
/// handler only reads preallocated memory and calls async-signal-safe functions (unlink, rmdir,
/// sigaction, raise).
enum TemporaryFiles {
    static let capacity = 8192
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Each slot holds a `strdup`ed path (as its address, plus 1 for a folder), 0 when free.
    nonisolated(unsafe) private static let paths: UnsafeMutablePointer<Atomic<Int>> = {
        let p = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: capacity)
        for i in 0..<capacity { (p + i).initialize(to: Atomic(0)) }
        return p
    }()
    /// The actions replaced by ours, by signal number.
    nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = {
        let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        p.initialize(repeating: sigaction(), count: 65)
        return p
    }()
    private static let held = Atomic<Int>(0)
    private static let pending = Atomic<Int32>(0)
    private static let lock = NSLock()
    nonisolated(unsafe) private static var writers = 0

    private static let handler: @convention(c) (Int32) -> Void = { sig in TemporaryFiles.handle(sig) }

    /// Installs the handler for the first writer.
    static func begin() {
        _ = paths; _ = previous; _ = handler
        lock.lock(); defer { lock.unlock() }
        writers += 1
        guard writers == 1 else { return }
        for sig in signals {
            // Already ours (a handler of the program's that saved ours while a write was under
            // way put it back): keep the action saved then, or ours would chain to itself.
            var current = sigaction()
            sigaction(sig, nil, &current)
            if isOurs(current) { continue }
            var ours = sigaction()
            ours.__sigaction_handler.sa_handler = handler
            sigemptyset(&ours.sa_mask)
            for s in signals { sigaddset(&ours.sa_mask, s) }
            ours.sa_flags = Int32(SA_RESTART)
            sigaction(sig, &ours, previous + Int(sig))
        }
    }

    /// Puts the replaced handlers back after the last writer (unless the program installed
    /// another meanwhile, which then stays).
    static func end() {
        lock.lock(); defer { lock.unlock() }
        writers -= 1
        guard writers == 0 else { return }
        for sig in signals {
            var current = sigaction()
            sigaction(sig, nil, &current)
            if isOurs(current) { sigaction(sig, previous + Int(sig), nil) }
        }
    }

    private static func address(_ a: sigaction) -> Int {
        unsafeBitCast(a.__sigaction_handler.sa_handler, to: Int.self)
    }
    private static func isOurs(_ a: sigaction) -> Bool {
        a.sa_flags & Int32(SA_SIGINFO) == 0 && address(a) == unsafeBitCast(handler, to: Int.self)
    }

    /// Records `path`; returns its slot (-1 if every slot is taken: then a signal leaves it).
    static func register(_ path: String, directory: Bool) -> Int {
        guard let copy = strdup(path) else { return -1 }
        // malloc's addresses are even, so the low bit is free to mark a folder.
        let bits = Int(bitPattern: copy) | (directory ? 1 : 0)
        for i in 0..<capacity {
            if paths[i].compareExchange(expected: 0, desired: bits, ordering: .sequentiallyConsistent).exchanged { return i }
        }
        free(copy)
        return -1
    }

    static func unregister(_ slot: Int) {
        guard slot >= 0 else { return }
        let bits = paths[slot].exchange(0, ordering: .sequentiallyConsistent)
        if let p = UnsafeMutablePointer<CChar>(bitPattern: bits & ~1) { free(p) }
    }

    /// Removes every registered file, then every registered folder (async-signal-safe).
    static func removeAll() {
        for folders in 0...1 {
            for i in 0..<capacity {
                let bits = paths[i].load(ordering: .sequentiallyConsistent)
                guard bits & 1 == folders, let p = UnsafePointer<CChar>(bitPattern: bits & ~1) else { continue }
                if folders == 0 { unlink(p) } else { rmdir(p) }
            }
        }
    }

    /// Runs `body` with the ending signals held: one that arrives meanwhile is acted on after.
    static func holdingSignals(_ body: () -> Void) {
        held.add(1, ordering: .sequentiallyConsistent)
        body()
        if held.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 {
            let sig = pending.exchange(0, ordering: .sequentiallyConsistent)
            if sig != 0 { handle(sig) }
        }
    }

    private static func handle(_ sig: Int32) {
        if held.load(ordering: .sequentiallyConsistent) > 0 {
            pending.store(sig, ordering: .sequentiallyConsistent)
            return
        }
        let prev = previous[Int(sig)]
        let bits = address(prev)
        if prev.sa_flags & Int32(SA_SIGINFO) == 0, bits == 1 { return }   // SIG_IGN
        if prev.sa_flags & Int32(SA_SIGINFO) == 0, bits == 0 {            // SIG_DFL: clean up, then die of it
            removeAll()
            var dfl = sigaction()
            sigemptyset(&dfl.sa_mask)
            sigaction(sig, &dfl, nil)
            raise(sig)
            return
        }
        if prev.sa_flags & Int32(SA_SIGINFO) != 0 {
            prev.__sigaction_handler.sa_sigaction?(sig, nil, nil)
        } else {
            prev.__sigaction_handler.sa_handler?(sig)
        }
        var now = sigaction()
        sigaction(sig, nil, &now)
        if now.sa_flags & Int32(SA_SIGINFO) == 0, address(now) == 0 { removeAll() }
    }
}
