/// A key as the lesson player sees it, decoded from the bytes a terminal sends.
public enum PlayerKey: Equatable, Sendable {
    case enter, space, backspace, escape, tab
    case up, down, left, right, pageUp, pageDown, home, end
    /// Ctrl-D, or the end of input (the terminal went away): both leave.
    case endOfInput
    /// A printable character (letters, digits, `?`).
    case character(Character)
    /// A byte sequence no key above sends (function keys, Ctrl combinations): ignored.
    case unknown
    /// Not a key: the terminal window changed size (SIGWINCH), so the screen is laid out again.
    case resize
}

/// Turns the bytes read from a terminal into keys.
///
/// Terminals send cursor and paging keys as escape sequences: `ESC [ A` for Up, `ESC [ 5 ~` for
/// PageUp, and `ESC O H` or `ESC [ 1 ~` for Home depending on the terminal and its mode. A key
/// pressed quickly after another (or sent by `tmux send-keys`) arrives in the same read, so the
/// decoder takes one key off the front of a buffer and leaves the rest. A lone ESC is the Esc
/// key only once no more bytes follow it (`final`), since it is also how every sequence starts.
public enum KeyDecoder {
    /// Decodes the first key in `bytes`. Returns nil when the bytes so far are the start of a
    /// sequence that may still be completed and `final` is false (more bytes may be on the way).
    public static func decode(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: PlayerKey, length: Int)? {
        guard let first = bytes.first else { return nil }
        switch first {
        case 27: return escape(bytes, final: final)
        case 10, 13: return (.enter, 1)
        case 32: return (.space, 1)
        case 8, 127: return (.backspace, 1)
        case 9: return (.tab, 1)
        case 4: return (.endOfInput, 1)
        case 33...126: return (.character(Character(Unicode.Scalar(first))), 1)
        case 0x80...:
            // A UTF-8 character of several bytes (a key on a non-English layout): not a key the
            // player uses, but it must be taken whole so its continuation bytes are not misread.
            let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
            if bytes.count < length && !final { return nil }
            return (.unknown, min(length, bytes.count))
        default: return (.unknown, 1)
        }
    }

    /// Decodes every complete key in `bytes`, in order; the bytes of an incomplete trailing
    /// sequence are left in place when `final` is false.
    public static func decodeAll(_ bytes: inout [UInt8], final: Bool) -> [PlayerKey] {
        var keys: [PlayerKey] = []
        var start = 0
        while start < bytes.count, let (key, length) = decode(bytes[start...], final: final) {
            keys.append(key)
            start += length
        }
        bytes.removeFirst(start)
        return keys
    }

    /// `ESC [ ...` (CSI) and `ESC O ...` (SS3) sequences, or Esc itself.
    static func escape(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: PlayerKey, length: Int)? {
        let b = Array(bytes.prefix(16))
        guard b.count >= 2 else { return final ? (.escape, 1) : nil }
        switch b[1] {
        case UInt8(ascii: "O"):
            guard b.count >= 3 else { return final ? (.escape, 1) : nil }
            return (letterKey(b[2]) ?? .unknown, 3)
        case UInt8(ascii: "["):
            // Parameters (digits and ';') then one final byte in 0x40...0x7E.
            var i = 2
            while i < b.count, (0x30...0x3F).contains(b[i]) { i += 1 }
            guard i < b.count else {
                // Still within the sequence; at the end of input it is taken as unknown whole.
                return final ? (.unknown, b.count) : nil
            }
            let params = String(decoding: b[2..<i], as: UTF8.self)
            let length = i + 1
            if b[i] == UInt8(ascii: "~") {
                switch params.split(separator: ";").first {
                case "1", "7": return (.home, length)
                case "4", "8": return (.end, length)
                case "5": return (.pageUp, length)
                case "6": return (.pageDown, length)
                default: return (.unknown, length)
                }
            }
            return (letterKey(b[i]) ?? .unknown, length)
        default:
            // Esc followed by another key in the same read (Esc pressed twice, Esc then q, or
            // Alt+key): Esc is a key of its own and the next byte starts the next key.
            return (.escape, 1)
        }
    }

    static func letterKey(_ b: UInt8) -> PlayerKey? {
        switch b {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        case UInt8(ascii: "H"): .home
        case UInt8(ascii: "F"): .end
        default: nil
        }
    }
}
