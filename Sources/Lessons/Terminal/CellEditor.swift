import Foundation

/// Runs the user's editor on a file, with the terminal given back to it for the time.
enum CellEditor {
    /// Runs `editor` (a command line, as $EDITOR may be `code --wait` or `vim -u NONE`) on
    /// `file` through /bin/sh, the path passed as an argument so no quoting of it is needed.
    /// Returns the editor's exit status (127 when it could not be started).
    static func run(_ editor: String, file: String) -> Int32 {
        KeyReader.restore()
        defer { KeyReader.enterRawMode() }
        FileHandle.standardOutput.write(Data("\u{1B}[H\u{1B}[2J".utf8))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", editor + " \"$1\"", "sh", file]
        do { try p.run() } catch { return 127 }
        p.waitUntilExit()
        return p.terminationReason == .exit ? p.terminationStatus : 128 + p.terminationStatus
    }
}
