import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the user's editor on a file, with the terminal given back to it for the time.
enum CellEditor {
    /// Runs `editor` (a command line, as $EDITOR may be `code --wait` or `vim -u NONE`) on
    /// `file` through /bin/sh, the path passed as an argument so no quoting of it is needed.
    /// Returns the editor's exit status (127 when it could not be started).
    ///
    /// Spawned directly rather than through Foundation's `Process`, which puts the child in a
    /// process group of its own: the terminal's foreground group is then still ours, and an
    /// editor reading the terminal from the background is stopped or told EIO (vim exits 1).
    static func run(_ editor: String, file: String) -> Int32 {
        KeyReader.restore()
        defer { KeyReader.enterRawMode() }
        FileHandle.standardOutput.write(Data("\u{1B}[H\u{1B}[2J".utf8))
        let argv = ["/bin/sh", "-c", editor + " \"$1\"", "sh", file]
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, &cArgs, environ) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 127 }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }
}
