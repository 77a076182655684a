import CLibSixel
import Foundation
import Imaging

/// Pictures drawn in the terminal itself, for figure cells: the kitty graphics protocol, iTerm2's
/// inline images, or sixel, whichever the terminal is found to speak. Nothing is assumed: with
/// none found (or inside tmux or screen without sixel, which do not pass images on) the player
/// prints the figure's path instead.
public enum ImageProtocol: String, Sendable, Equatable {
    case kitty, iterm2, sixel

    /// The protocol the terminal speaks, from its environment (kitty and iTerm2 name
    /// themselves: KITTY_WINDOW_ID or TERM=xterm-kitty; TERM_PROGRAM=iTerm.app or WezTerm, or
    /// LC_TERMINAL=iTerm2), else from its answer to the primary device attributes query (DA1,
    /// `ESC [ c`): attribute 4 in `ESC [ ? 62 ; 4 ; ... c` is sixel graphics. `ask` sends the
    /// query and returns the answer, or nil when none came in time. Inside tmux or screen the
    /// environment names the outer terminal, whose images the multiplexer would not pass on,
    /// so only the multiplexer's own answer counts. CNNLEARN_IMAGES=none|kitty|iterm2|sixel
    /// overrides the detection.
    public static func detect(environment env: [String: String], ask: () -> String?) -> ImageProtocol? {
        if let forced = env["CNNLEARN_IMAGES"], !forced.isEmpty {
            return ImageProtocol(rawValue: forced)
        }
        let term = env["TERM"] ?? ""
        if term == "dumb" { return nil }
        let multiplexed = env["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux")
        if !multiplexed {
            if env["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" { return .kitty }
            if ["iTerm.app", "WezTerm"].contains(env["TERM_PROGRAM"] ?? "") || env["LC_TERMINAL"] == "iTerm2" { return .iterm2 }
        }
        guard let answer = ask() else { return nil }
        return deviceAttributes(answer).contains(4) ? .sixel : nil
    }

    /// The attributes of a DA1 answer `ESC [ ? 62 ; 4 ; 22 c` -> [62, 4, 22] (empty if it is not one).
    static func deviceAttributes(_ answer: String) -> [Int] {
        guard let start = answer.range(of: "\u{1B}[?"), let end = answer[start.upperBound...].firstIndex(of: "c") else { return [] }
        return answer[start.upperBound..<end].split(separator: ";").compactMap { Int($0) }
    }

    /// Sends DA1 to the terminal (stdin in raw mode, stdout a terminal) and reads the answer,
    /// waiting at most `milliseconds` in all. Bytes that are not part of the answer (a key
    /// pressed meanwhile) are lost; the player asks once, before its first page.
    static func askTerminal(milliseconds: Int = 250) -> String? {
        FileHandle.standardOutput.write(Data("\u{1B}[c".utf8))
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
        while Date() < deadline {
            let left = Int(deadline.timeIntervalSinceNow * 1000)
            guard left > 0, KeyReader.waitForInput(left) else { break }
            var chunk = [UInt8](repeating: 0, count: 64)
            let n = Glibc.read(STDIN_FILENO, &chunk, chunk.count)
            guard n > 0 else { break }
            bytes += chunk[0..<n]
            if let text = String(bytes: bytes, encoding: .utf8), text.contains("\u{1B}[?"), text.hasSuffix("c") { return text }
        }
        return nil
    }

    /// The escape sequence that draws `png` (the bytes of a PNG file, `image` decoded) over a
    /// box of `columns` x `rows` cells at the cursor, leaving the cursor where it was for kitty.
    /// `cell` is a cell's size in pixels (for sixel, which is drawn in pixels).
    func sequence(png: [UInt8], image: RasterImage, columns: Int, rows: Int, cell: (width: Int, height: Int)) -> String? {
        switch self {
        case .kitty:
            // f=100: PNG data; a=T: transmit and show; c, r: the cell box; C=1: keep the cursor;
            // q=2: no replies. The base64 goes in chunks of at most 4096 bytes (m=1: more follow).
            let b64 = Array(Data(png).base64EncodedString().utf8)
            var out = ""
            var i = 0
            while i < b64.count || i == 0 {
                let chunk = String(decoding: b64[i..<min(i + 4096, b64.count)], as: UTF8.self)
                let more = i + 4096 < b64.count ? 1 : 0
                out += "\u{1B}_G" + (i == 0 ? "f=100,a=T,q=2,C=1,c=\(columns),r=\(rows)," : "") + "m=\(more);" + chunk + "\u{1B}\\"
                i += 4096
                if b64.isEmpty { break }
            }
            return out
        case .iterm2:
            return "\u{1B}]1337;File=inline=1;size=\(png.count);width=\(columns);height=\(rows);preserveAspectRatio=1:"
                + Data(png).base64EncodedString() + "\u{07}"
        case .sixel:
            let scaled = Self.fit(image, width: columns * cell.width, height: rows * cell.height)
            return Self.sixel(scaled)
        }
    }

    /// `image` as RGB, scaled by nearest neighbour to fit `width` x `height` pixels (aspect kept).
    static func fit(_ image: RasterImage, width: Int, height: Int) -> (pixels: [UInt8], width: Int, height: Int) {
        let s = min(Double(width) / Double(max(image.width, 1)), Double(height) / Double(max(image.height, 1)))
        let w = max(1, Int(Double(image.width) * s)), h = max(1, Int(Double(image.height) * s))
        var out = [UInt8](repeating: 255, count: w * h * 3)
        let c = image.channels
        for y in 0..<h {
            let sy = min(image.height - 1, y * image.height / h)
            for x in 0..<w {
                let sx = min(image.width - 1, x * image.width / w)
                let p = (sy * image.width + sx) * c
                let rgb: (UInt8, UInt8, UInt8) = c >= 3 ? (image.pixels[p], image.pixels[p + 1], image.pixels[p + 2])
                                                       : (image.pixels[p], image.pixels[p], image.pixels[p])
                // Alpha over white, as the figures are drawn on white.
                let a = c == 4 || c == 2 ? Int(image.pixels[p + c - 1]) : 255
                func over(_ v: UInt8) -> UInt8 { UInt8((Int(v) * a + 255 * (255 - a)) / 255) }
                let q = (y * w + x) * 3
                out[q] = over(rgb.0); out[q + 1] = over(rgb.1); out[q + 2] = over(rgb.2)
            }
        }
        return (out, w, h)
    }

    /// RGB pixels as sixel, through libsixel (a 256-colour palette chosen from the image).
    static func sixel(_ image: (pixels: [UInt8], width: Int, height: Int)) -> String? {
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        var output: OpaquePointer?
        var dither: OpaquePointer?
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        guard sixel_output_new(&output, { data, size, priv in
            guard let data, let priv, size > 0 else { return 0 }
            let s = Unmanaged<Sink>.fromOpaque(priv).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) { s.bytes += UnsafeBufferPointer(start: $0, count: Int(size)) }
            return size
        }, box.toOpaque(), nil) == SIXEL_OK, let output else { return nil }
        defer { sixel_output_unref(output) }
        guard sixel_dither_new(&dither, 256, nil) == SIXEL_OK, let dither else { return nil }
        defer { sixel_dither_unref(dither) }
        var pixels = image.pixels
        let ok = pixels.withUnsafeMutableBufferPointer { p -> Bool in
            guard sixel_dither_initialize(dither, p.baseAddress, Int32(image.width), Int32(image.height), SIXEL_PIXELFORMAT_RGB888,
                                          SIXEL_LARGE_AUTO, SIXEL_REP_AUTO, SIXEL_QUALITY_AUTO) == SIXEL_OK else { return false }
            return sixel_encode(p.baseAddress, Int32(image.width), Int32(image.height), 3, dither, output) == SIXEL_OK
        }
        return ok ? String(decoding: sink.bytes, as: UTF8.self) : nil
    }
}

/// A figure placed on a page: the PNG's path and the box of rows it takes (the first row of the
/// box carries the marker, the others are blank until the picture is drawn over them).
struct PlacedImage: Equatable {
    var path: String
    var rows: Int
    var columns: Int

    /// Rows of a page that stand for a picture start with this mark (never in lesson text).
    static let mark = "\u{0}image:"

    /// The marker row for `path`.
    static func markerRow(_ path: String, rows: Int, columns: Int) -> String { "\(mark)\(rows):\(columns):\(path)" }

    /// The picture a page row stands for, if it is a marker row.
    init?(row: String) {
        guard row.hasPrefix(Self.mark) else { return nil }
        let parts = row.dropFirst(Self.mark.count).split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, let r = Int(parts[0]), let c = Int(parts[1]) else { return nil }
        (rows, columns, path) = (r, c, parts[2])
    }

    /// The box of cells a `width` x `height` pixel picture takes: at most `maxRows` rows and
    /// `maxColumns` columns, its aspect kept with cells twice as tall as wide.
    static func box(width: Int, height: Int, maxRows: Int, maxColumns: Int) -> (rows: Int, columns: Int) {
        guard width > 0, height > 0 else { return (1, 1) }
        var rows = maxRows
        var columns = Int((Double(rows) * 2 * Double(width) / Double(height)).rounded())
        if columns > maxColumns {
            columns = maxColumns
            rows = max(1, Int((Double(columns) * Double(height) / (2 * Double(width))).rounded()))
        }
        return (rows, max(1, columns))
    }
}
