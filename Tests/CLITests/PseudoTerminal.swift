import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `cnnlearn` on a pseudo-terminal, as a user at an 80x24 terminal would: the program
/// sees a TTY on stdin, stdout and stderr (its controlling terminal, so Ctrl-C is SIGINT), and
/// the test types bytes and reads what was drawn.
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t
    /// Everything the program wrote so far.
    private(set) var output: [UInt8] = []
    private var exitStatus: Int32?

    enum Failure: Error, CustomStringConvertible {
        case setup(String)
        case timeout(waitingFor: String, screen: String)
        var description: String {
            switch self {
            case .setup(let s): return "pty: \(s)"
            case let .timeout(w, screen): return "timed out waiting for \(w.debugDescription); output so far ends with:\n\(screen)"
            }
        }
    }

    init(_ executable: String, _ arguments: [String], cwd: String, environment: [String: String], columns: UInt16 = 80, rows: UInt16 = 24) throws {
        // posix_openpt, unlockpt and ptsname are not in Swift's Glibc module; these are what
        // they do on Linux: open the multiplexer, unlock the new terminal, ask its number.
        let m = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard m >= 0, ioctl(m, Self.TIOCSPTLCK, &unlock) == 0, ioctl(m, Self.TIOCGPTN, &number) == 0 else {
            throw Failure.setup("no pseudo-terminal")
        }
        let slave = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(m, UInt(TIOCSWINSZ), &size)
        master = m

        // The child starts a session (POSIX_SPAWN_SETSID), then opens the slave, which becomes
        // its controlling terminal; stdout and stderr are the same terminal. The shell changes
        // to `cwd` and then becomes the program.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, executable] + arguments
        // The sanitizers' settings pass through (scripts/sanitize: no leak check, reports to
        // files), so that a sanitized child behaves as the runner was told to.
        let sanitizers = ProcessInfo.processInfo.environment.filter { ["ASAN_", "UBSAN_", "LSAN_", "TSAN_"].contains(where: $0.key.hasPrefix) }
        do {
            pid = try spawnWithCleanSignals("/bin/sh", argv, environment: environment.merging(sanitizers) { given, _ in given }, flags: Self.POSIX_SPAWN_SETSID) { actions in
                posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
                posix_spawn_file_actions_adddup2(&actions, 0, 1)
                posix_spawn_file_actions_adddup2(&actions, 0, 2)
                posix_spawn_file_actions_addclose(&actions, m)
            }
        } catch {
            close(m)
            throw Failure.setup("\(error)")
        }
    }

    // From <asm-generic/ioctls.h> and <spawn.h> (x86-64 and arm64 Linux, glibc 2.26 or later),
    // which Swift imports only as function-like macros or not at all.
    static let TIOCGPTN: UInt = 0x8004_5430
    static let TIOCSPTLCK: UInt = 0x4004_5431
    static let POSIX_SPAWN_SETSID: Int16 = 0x80

    deinit {
        if exitStatus == nil { kill(pid, SIGKILL); var s: Int32 = 0; waitpid(pid, &s, 0) }
        close(master)
    }

    /// Types `text` (control keys as their bytes: "\r" Enter, "\u{1B}[B" Down, "\u{03}" Ctrl-C).
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(master, $0.baseAddress, $0.count) }
    }

    /// Changes the terminal's size, as dragging the window does: the program gets SIGWINCH.
    func resize(columns: UInt16, rows: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// The output as written, escape sequences included.
    var raw: String { String(decoding: output, as: UTF8.self) }

    /// What every wait here is multiplied by: `CNNLEARN_TEST_TIMEOUT_SCALE` (scripts/sanitize
    /// sets it for ASan, under which the program runs several times slower), else 1.
    static let timeoutScale: Double = {
        guard let t = ProcessInfo.processInfo.environment["CNNLEARN_TEST_TIMEOUT_SCALE"], let v = Double(t), v >= 1, v.isFinite else { return 1 }
        return v
    }()

    /// Reads for `seconds` (times `timeoutScale`), whatever comes.
    func drain(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds * Self.timeoutScale)
        while Date() < deadline, readSome(until: deadline) {}
    }

    /// The output as text with escape sequences removed.
    var text: String { Self.plain(String(decoding: output, as: UTF8.self)) }

    /// Reads until the output (without escape sequences) after offset `since` contains
    /// `needle`. Returns the offset just past the match, to wait for what comes after it.
    @discardableResult
    func wait(for needle: String, since: Int = 0, timeout: Double = 20) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout * Self.timeoutScale)
        while true {
            let plain = Array(text.utf8)
            let from = min(since, plain.count)
            if let r = String(decoding: plain[from...], as: UTF8.self).range(of: needle) {
                let tail = String(decoding: plain[from...], as: UTF8.self)
                return from + tail.utf8.distance(from: tail.startIndex, to: r.upperBound)
            }
            guard Date() < deadline, readSome(until: deadline) else {
                throw Failure.timeout(waitingFor: needle, screen: String(describing: String(decoding: output.suffix(1500), as: UTF8.self)))
            }
        }
    }

    /// Reads what is there within a short while; false at the end of output.
    private func readSome(until deadline: Date) -> Bool {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ms = Int32(max(1, min(200, deadline.timeIntervalSinceNow * 1000)))
        if poll(&fds, 1, ms) <= 0 { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buffer, buffer.count)
        if n <= 0 { return false }  // EIO: the child closed the terminal
        output += buffer[0..<n]
        return true
    }

    /// Whether the program is still running (it did not quit on a key it should ignore).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var s: Int32 = 0
        if waitpid(pid, &s, WNOHANG) == pid { exitStatus = s; return false }
        return true
    }

    /// Waits for the program to end; its exit status (128 + signal when killed).
    func status(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout * Self.timeoutScale)
        while isRunning {
            guard Date() < deadline else { throw Failure.timeout(waitingFor: "exit", screen: String(describing: String(decoding: output.suffix(1500), as: UTF8.self))) }
            _ = readSome(until: Date().addingTimeInterval(0.05))
        }
        let s = exitStatus ?? 0
        return s & 0x7F == 0 ? (s >> 8) & 0xFF : 128 + (s & 0x7F)
    }

    static func plain(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[ -/]*[@-~]", with: "", options: .regularExpression)
    }
}
