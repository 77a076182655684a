/// Text a cell prints reaches the terminal as text: control characters (ESC and the other C0
/// controls except new line and tab, DEL, and the C1 controls such as CSI U+009B) are shown
/// escaped as `\u{1b}`, so a lesson cannot clear the screen, set the window title or write
/// the clipboard (OSC 52) by printing.
enum TerminalSafety {
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v == 0x0A || v == 0x09 { return false }
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v)
    }

    /// `text` with every control character written as `\u{XX}`.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if isControl(s) {
                out.append(contentsOf: "\\u{\(String(s.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }
}
