import Foundation

/// One `key=value` of an augmentation spec, from a string (`"rotation=10,flip"`) or from a
/// cell's labelled arguments, before it is read as a range or as an exact parameter.
public enum AugmentValue: Sendable, Equatable {
    case number(Double)
    /// `low:high` (zoom, brightness).
    case range(Double, Double)
    case flag(Bool)
    case word(String)
}

/// The names an augmentation spec understands, and reading a list of settings either as the
/// ranges to draw from (`AugmentSpec`) or as one exact transform (`AugmentTransform`).
///
/// Spec strings are comma-separated: `tutorial`, `none`, `key=value` or a bare flag.
/// - `rotation=DEG`, `shift=F` (both axes), `shift_x=F`, `shift_y=F` (a fraction of the size
///   below 1, pixels from 1), `shear=DEG`, `zoom=Z` (both, as [1 - Z, 1 + Z] for ranges or the
///   factor for exact), `zoom_x=`, `zoom_y=`, `flip` (horizontal), `vflip`,
///   `brightness=LOW:HIGH` (or B: [1 - B, 1 + B]; exact: the factor), `channel_shift=S`,
///   `fill=nearest|constant|reflect|wrap`, `cval=V`, `order=nearest|bilinear` (or 0, 1).
/// - As ranges every value is the extent Keras' generator draws from; as exact parameters
///   (`cnnlearn augment --apply`, `augment(...)` without a seed) each is the value itself.
public enum AugmentSettings {
    /// Every key, in the order help lists them.
    public static let keys = ["rotation", "shift", "shift_x", "shift_y", "shear", "zoom", "zoom_x", "zoom_y",
                              "flip", "vflip", "brightness", "channel_shift", "fill", "cval", "order"]
    /// Whole-spec words.
    public static let presets = ["tutorial", "none"]

    static var validList: String { (presets + keys).joined(separator: ", ") }

    /// Splits a spec string into settings. A bad item is an error naming it and listing the
    /// valid keys.
    public static func parse(_ text: String) throws(AugmentError) -> [(String, AugmentValue)] {
        var out = [(String, AugmentValue)]()
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !(items.count == 1 && items[0].isEmpty) else {
            throw AugmentError("the augmentation spec is empty", hint: "give e.g. \"tutorial\" or \"rotation=10,shift=0.1,flip\"; keys: \(validList)")
        }
        for item in items {
            guard !item.isEmpty else {
                throw AugmentError("empty item in the augmentation spec \"\(text)\"", hint: "items are separated by single commas")
            }
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let key = parts[0].lowercased()
            if parts.count == 1 {
                if presets.contains(key) || key == "flip" || key == "vflip" {
                    out.append((key, .flag(true)))
                    continue
                }
                try checkKey(key, in: text)
                throw AugmentError("\(key) needs a value (\(key)=...) in the augmentation spec \"\(text)\"", hint: "only flip and vflip stand alone")
            }
            if presets.contains(key) {
                throw AugmentError("\(key) stands alone in the augmentation spec \"\(text)\", without a value", hint: "e.g. \"\(key),fill=reflect\"")
            }
            try checkKey(key, in: text)
            out.append((key, try value(parts[1], key: key)))
        }
        return out
    }

    static func checkKey(_ key: String, in text: String) throws(AugmentError) {
        guard keys.contains(key) else {
            let near = closestKey(key).map { "did you mean \($0)? " } ?? ""
            throw AugmentError("unknown key \"\(key)\" in the augmentation spec \"\(text)\"", hint: near + "valid: \(validList)")
        }
    }

    /// The key within two edits of `key` (a typo such as `shfit` or `roation`), if any.
    static func closestKey(_ key: String) -> String? {
        // Levenshtein distance, one row at a time.
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
            var row = Array(0...b.count)
            for i in 1...a.count {
                var next = [i] + [Int](repeating: 0, count: b.count)
                for j in 1...b.count {
                    next[j] = min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                row = next
            }
            return row[b.count]
        }
        let k = Array(key)
        let best = (presets + keys).map { ($0, distance(k, Array($0))) }.min { $0.1 < $1.1 }
        return best.flatMap { $0.1 <= 2 ? $0.0 : nil }
    }

    static func value(_ s: String, key: String) throws(AugmentError) -> AugmentValue {
        switch s.lowercased() {
        case "true", "yes", "on": return .flag(true)
        case "false", "no", "off": return .flag(false)
        default: break
        }
        if let d = Double(s), d.isFinite { return .number(d) }
        let ends = s.split(separator: ":", omittingEmptySubsequences: false)
        if ends.count == 2, let a = Double(ends[0]), let b = Double(ends[1]), a.isFinite, b.isFinite { return .range(a, b) }
        if key == "fill" || key == "order" { return .word(s.lowercased()) }
        throw AugmentError("\(key)=\(s): the value is not a number", hint: "e.g. \(key)=\(example(key))")
    }

    static func example(_ key: String) -> String {
        switch key {
        case "brightness": "0.8:1.2"
        case "zoom", "zoom_x", "zoom_y": "0.2"
        case "flip", "vflip": "true"
        case "rotation", "shear": "10"
        default: "0.1"
        }
    }

    static func fill(_ v: AugmentValue) throws(AugmentError) -> FillMode {
        if case .word(let w) = v, let f = FillMode(rawValue: w) { return f }
        throw AugmentError("fill must be one of \(FillMode.allCases.map(\.rawValue).joined(separator: ", ")), got \(show(v))")
    }

    static func order(_ v: AugmentValue) throws(AugmentError) -> Interpolation {
        switch v {
        case .word("nearest"), .number(0): return .nearest
        case .word("bilinear"), .word("linear"), .number(1): return .bilinear
        default: throw AugmentError("order must be nearest or bilinear (0 or 1), got \(show(v))")
        }
    }

    static func show(_ v: AugmentValue) -> String {
        switch v {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .range(let a, let b): return "\(a):\(b)"
        case .flag(let b): return b ? "true" : "false"
        case .word(let w): return w
        }
    }

    static func number(_ key: String, _ v: AugmentValue, nonNegative: Bool) throws(AugmentError) -> Double {
        guard case .number(let d) = v else { throw AugmentError("\(key) must be a number, got \(show(v))", hint: "e.g. \(key)=\(example(key))") }
        if nonNegative, d < 0 { throw AugmentError("\(key) is a range and must not be negative, got \(show(v))", hint: "a range r draws from [-r, r]") }
        return d
    }

    static func flag(_ key: String, _ v: AugmentValue) throws(AugmentError) -> Bool {
        guard case .flag(let b) = v else { throw AugmentError("\(key) is on or off: write \(key), \(key)=true or \(key)=false") }
        return b
    }

    /// A factor range: `low:high`, or `r` meaning [1 - r, 1 + r] (Keras' zoom_range rule).
    static func factorRange(_ key: String, _ v: AugmentValue) throws(AugmentError) -> ClosedRange<Double> {
        let (a, b): (Double, Double)
        switch v {
        case .number(let r):
            guard r >= 0, r < 1 else { throw AugmentError("\(key)=\(show(v)): a single value r means [1 - r, 1 + r] and must be in [0, 1)", hint: "or give the range as \(key)=0.8:1.2") }
            (a, b) = (1 - r, 1 + r)
        case .range(let lo, let hi): (a, b) = (lo, hi)
        default: throw AugmentError("\(key) must be r or low:high, got \(show(v))")
        }
        guard a <= b else { throw AugmentError("\(key)=\(show(v)): the low end is above the high end") }
        guard a > 0 || (key == "brightness" && a >= 0) else { throw AugmentError("\(key)=\(show(v)): factors must be above 0") }
        return a...b
    }
}

extension AugmentSpec {
    /// The ranges a spec string gives: `"tutorial"`, `"rotation=10,shift=0.1,zoom=0.1,flip"`,
    /// `"tutorial,fill=reflect"` (later items override earlier ones).
    public init(parsing text: String) throws(AugmentError) {
        try self.init(settings: try AugmentSettings.parse(text))
    }

    /// The ranges from settings (see `AugmentSettings`).
    public init(settings: [(String, AugmentValue)]) throws(AugmentError) {
        self.init()
        for (key, v) in settings {
            switch key {
            case "tutorial": self = .tutorial
            case "none": self = .none
            case "rotation": rotation = try AugmentSettings.number(key, v, nonNegative: true)
            case "shift": shiftX = try AugmentSettings.number(key, v, nonNegative: true); shiftY = shiftX
            case "shift_x": shiftX = try AugmentSettings.number(key, v, nonNegative: true)
            case "shift_y": shiftY = try AugmentSettings.number(key, v, nonNegative: true)
            case "shear": shear = try AugmentSettings.number(key, v, nonNegative: true)
            case "zoom": zoomX = try AugmentSettings.factorRange(key, v); zoomY = zoomX
            case "zoom_x": zoomX = try AugmentSettings.factorRange(key, v)
            case "zoom_y": zoomY = try AugmentSettings.factorRange(key, v)
            case "flip": horizontalFlip = try AugmentSettings.flag(key, v)
            case "vflip": verticalFlip = try AugmentSettings.flag(key, v)
            case "brightness": brightness = try AugmentSettings.factorRange(key, v)
            case "channel_shift": channelShift = try AugmentSettings.number(key, v, nonNegative: true)
            case "fill": resampling.fill = try AugmentSettings.fill(v)
            case "cval": resampling.cval = try AugmentSettings.number(key, v, nonNegative: false)
            case "order": resampling.order = try AugmentSettings.order(v)
            default: try AugmentSettings.checkKey(key, in: settings.map { $0.0 }.joined(separator: ","))
            }
        }
        for (name, v) in [("rotation", rotation), ("shear", shear)] where v > 3600 {
            throw AugmentError("\(name)=\(v) is more than ten full turns", hint: "ranges are in degrees")
        }
        for (name, v) in [("shift_x", shiftX), ("shift_y", shiftY)] where v > AugmentTransform.maxShiftPixels {
            throw AugmentError("\(name)=\(v) pixels is too large")
        }
        if shear >= 90 { throw AugmentError("shear=\(shear): a shear range must stay below 90 degrees") }
        for (name, r) in [("zoom_x", zoomX), ("zoom_y", zoomY)] where !AugmentTransform.zoomLimits.contains(r.lowerBound) || !AugmentTransform.zoomLimits.contains(r.upperBound) {
            throw AugmentError("\(name)=\(r.lowerBound):\(r.upperBound) is outside \(AugmentTransform.zoomLimits.lowerBound):\(AugmentTransform.zoomLimits.upperBound)")
        }
        if let b = brightness, b.upperBound > AugmentTransform.maxBrightness { throw AugmentError("brightness=\(b.lowerBound):\(b.upperBound) is too bright (at most \(Int(AugmentTransform.maxBrightness)))") }
    }

    /// The spec written back as a string that parses to it (for captions and logs).
    public var text: String {
        if self == .tutorial { return "tutorial" }
        if self == .none { return "none" }
        func n(_ d: Double) -> String { AugmentSettings.show(.number(d)) }
        var p = [String]()
        if rotation != 0 { p.append("rotation=\(n(rotation))") }
        if shiftX == shiftY, shiftX != 0 { p.append("shift=\(n(shiftX))") } else {
            if shiftX != 0 { p.append("shift_x=\(n(shiftX))") }
            if shiftY != 0 { p.append("shift_y=\(n(shiftY))") }
        }
        if shear != 0 { p.append("shear=\(n(shear))") }
        func r(_ z: ClosedRange<Double>) -> String { "\(n(z.lowerBound)):\(n(z.upperBound))" }
        if zoomX == zoomY, zoomX != 1...1 { p.append("zoom=\(r(zoomX))") } else {
            if zoomX != 1...1 { p.append("zoom_x=\(r(zoomX))") }
            if zoomY != 1...1 { p.append("zoom_y=\(r(zoomY))") }
        }
        if horizontalFlip { p.append("flip") }
        if verticalFlip { p.append("vflip") }
        if let b = brightness { p.append("brightness=\(r(b))") }
        if channelShift != 0 { p.append("channel_shift=\(n(channelShift))") }
        if resampling.fill != .nearest { p.append("fill=\(resampling.fill.rawValue)") }
        if resampling.cval != 0 { p.append("cval=\(n(resampling.cval))") }
        if resampling.order != .bilinear { p.append("order=\(resampling.order.name)") }
        return p.joined(separator: ",")
    }
}

extension AugmentTransform {
    /// One exact transform from a spec string, for an image of `height` x `width` (shift
    /// fractions become pixels): `"rotation=30,shift_x=0.1"`. Ranges (`tutorial`, `a:b`) are
    /// errors here: nothing is drawn.
    public static func parsing(_ text: String, height: Int, width: Int) throws(AugmentError) -> (AugmentTransform, Resampling) {
        try exact(settings: try AugmentSettings.parse(text), height: height, width: width)
    }

    /// One exact transform from settings. A shift whose size is below 1 is a fraction of the
    /// width (shift_x) or height (shift_y), otherwise pixels; zoom is the factor itself.
    public static func exact(settings: [(String, AugmentValue)], height: Int, width: Int) throws(AugmentError) -> (AugmentTransform, Resampling) {
        var t = AugmentTransform()
        var r = Resampling.keras
        func shift(_ key: String, _ v: AugmentValue, _ size: Int) throws(AugmentError) -> Double {
            let d = try AugmentSettings.number(key, v, nonNegative: false)
            return abs(d) < 1 ? d * Double(size) : d
        }
        func factor(_ key: String, _ v: AugmentValue) throws(AugmentError) -> Double {
            let d = try AugmentSettings.number(key, v, nonNegative: false)
            guard d > 0 else { throw AugmentError("\(key)=\(AugmentSettings.show(v)): an exact \(key) is a factor and must be above 0", hint: "1 keeps the size; above 1 zooms out") }
            return d
        }
        for (key, v) in settings {
            switch key {
            case "tutorial", "none":
                throw AugmentError("\"\(key)\" names ranges to draw from, not one exact transform", hint: "give exact values, e.g. \"rotation=30,shift_x=0.1\", or draw from ranges with a seed")
            case "rotation": t.theta = try AugmentSettings.number(key, v, nonNegative: false)
            case "shift": t.tx = try shift(key, v, width); t.ty = try shift(key, v, height)
            case "shift_x": t.tx = try shift(key, v, width)
            case "shift_y": t.ty = try shift(key, v, height)
            case "shear": t.shear = try AugmentSettings.number(key, v, nonNegative: false)
            case "zoom": t.zx = try factor(key, v); t.zy = t.zx
            case "zoom_x": t.zx = try factor(key, v)
            case "zoom_y": t.zy = try factor(key, v)
            case "flip": t.flipHorizontal = try AugmentSettings.flag(key, v)
            case "vflip": t.flipVertical = try AugmentSettings.flag(key, v)
            case "brightness": t.brightness = try factor(key, v)
            case "channel_shift": t.channelShift = try AugmentSettings.number(key, v, nonNegative: false)
            case "fill": r.fill = try AugmentSettings.fill(v)
            case "cval": r.cval = try AugmentSettings.number(key, v, nonNegative: false)
            case "order": r.order = try AugmentSettings.order(v)
            default: try AugmentSettings.checkKey(key, in: settings.map { $0.0 }.joined(separator: ","))
            }
        }
        try t.validate()
        return (t, r)
    }
}
