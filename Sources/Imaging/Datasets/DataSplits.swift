import Foundation

/// How many images per class each split takes.
///
/// A count n takes n images of each class; 0 means the split is not wanted; nil takes every
/// image of the class still left in that split's source. When splits share one source (a
/// folder without split subfolders, or Fashion-MNIST's training file for train and
/// validation) they are taken consecutively in file order, train first, as the tutorial's
/// split takes cat.0-cat.999 for training and cat.1000-cat.1499 for validation.
public struct SplitCounts: Sendable, Equatable {
    public var train: Int?
    public var validation: Int?
    public var test: Int?

    public init(train: Int?, validation: Int?, test: Int?) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Checks the counts before any file is read: none negative, train not 0.
    func validate(source: String) throws(ImagingError) {
        for (name, c) in [("train", train), ("validation", validation), ("test", test)] {
            if let c, c < 0 {
                throw ImagingError(path: source, message: "the \(name) count must not be negative, got \(c)")
            }
        }
        if train == 0 {
            throw ImagingError(path: source, message: "the train count is 0; training needs at least one image per class")
        }
    }
}

/// The size, channels and resizing images are brought to when a set is read.
public struct ImageFormat: Sendable, Equatable {
    public var height: Int
    public var width: Int
    /// 1 (gray) or 3 (RGB); see `RasterImage.converted(toChannels:)`.
    public var channels: Int
    public var interpolation: Interpolation

    /// A format; `interpolation` defaults to `.nearest`, as Keras' `flow_from_directory`.
    public init(height: Int, width: Int, channels: Int, interpolation: Interpolation = .nearest) {
        self.height = height
        self.width = width
        self.channels = channels
        self.interpolation = interpolation
    }

    /// The tutorial's input: 150x150 RGB, nearest.
    public static let tutorial = ImageFormat(height: 150, width: 150, channels: 3)

    func validate(source: String) throws(ImagingError) {
        guard height > 0, width > 0, height <= 4096, width <= 4096 else {
            throw ImagingError(path: source, message: "the image size must be between 1x1 and 4096x4096, got \(height)x\(width)")
        }
        guard channels == 1 || channels == 3 else {
            throw ImagingError(path: source, message: "images are read with 1 (gray) or 3 (RGB) channels, not \(channels)")
        }
    }

    /// An image converted (channels first, then size, as Keras' `load_img`) to this format.
    func apply(_ image: RasterImage) -> RasterImage {
        image.converted(toChannels: channels).resized(width: width, height: height, interpolation: interpolation)
    }
}

/// A dataset read into its splits, with the warnings about images that were skipped.
public struct DataSplits: Sendable {
    public var train: LabeledImages
    /// nil when no validation images were asked for.
    public var validation: LabeledImages?
    /// nil when no test images were asked for.
    public var test: LabeledImages?
    /// One per skipped image (corrupt or cut off): its path and what was wrong.
    public var warnings: [ImagingError]

    /// The class names, by label (the same in every split).
    public var classNames: [String] { train.classNames }

    /// Every split's source files together.
    public var files: [SourceFile] {
        var seen = Set<SourceFile>()
        return (train.files + (validation?.files ?? []) + (test?.files ?? [])).filter { seen.insert($0).inserted }
    }

    /// `dataHash(of: files)`: what a run records to notice that its data changed.
    public var dataHash: UInt64 { Imaging.dataHash(of: files) }
}

extension ImagingError {
    /// The error as a warning about a skipped file: `path: warning: message (skipped)`.
    public var warningDescription: String { "\(path): warning: \(message) (skipped)" }
}

/// Choosing classes by name or index, forgivingly.
public enum ClassSelection {
    /// Splits `tshirt,shirt` or `0, 6` at commas, trimming spaces; empty parts are dropped.
    public static func parseList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Letters and digits only, lower-cased: `T-shirt/top` -> `tshirttop`, `ankle-boot` -> `ankleboot`.
    static func key(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }.map(Character.init))
    }

    /// The indices into `available` of the `requested` classes, in the requested order (which
    /// becomes the label order). Each request is an index (`6`) or a name, matched ignoring
    /// case, spaces and punctuation, against the whole name or any `/`-separated part of it
    /// (`tshirt`, `t-shirt`, `T-shirt/top` and `top` all name `T-shirt/top`), or, when that
    /// finds nothing, against the name with or without a final `s` (`cat` names `cats`).
    ///
    /// Throws naming `source` for an unknown or repeated class, or fewer than two.
    public static func indices(of requested: [String], in available: [String], source: String) throws(ImagingError) -> [Int] {
        let listing = available.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
        let hint = "the classes are: \(listing) (by name or number, e.g. --classes \(available.prefix(2).joined(separator: ",")))"
        var out: [Int] = []
        for r in requested {
            let i: Int
            if let n = Int(r) {
                guard available.indices.contains(n) else {
                    throw ImagingError(path: source, message: "class \(n) is out of range: there are \(available.count) classes, 0...\(available.count - 1)", hint: hint)
                }
                i = n
            } else if let m = match(r, available) {
                i = m
            } else {
                throw ImagingError(path: source, message: "unknown class '\(r)'", hint: hint)
            }
            guard !out.contains(i) else {
                throw ImagingError(path: source, message: "class '\(available[i])' is named twice", hint: hint)
            }
            out.append(i)
        }
        guard out.count >= 2 else {
            throw ImagingError(path: source, message: "a classifier needs at least two classes, got \(out.count)", hint: hint)
        }
        return out
    }

    static func match(_ request: String, _ available: [String]) -> Int? {
        let k = key(request)
        guard !k.isEmpty else { return nil }
        let keys = available.map { name in [key(name)] + name.split(separator: "/").map { key(String($0)) } }
        if let i = keys.firstIndex(where: { $0.contains(k) }) { return i }
        let plural = keys.indices.filter { i in keys[i].contains { $0 == k + "s" || $0 + "s" == k } }
        return plural.count == 1 ? plural[0] : nil
    }
}

/// Takes each split's share of one class's items from a shared source, in order.
///
/// `counts` are the splits' requests in order (nil: all the rest); the result is each split's
/// range of positions. Throws when a request follows one that took everything or asks for
/// more than is left (the message names the class and how many exist).
func consecutiveShares(_ counts: [(split: String, count: Int?)], available: Int, className: String,
                       source: String, skipped: Int = 0) throws(ImagingError) -> [Range<Int>] {
    var start = 0
    var ranges: [Range<Int>] = []
    var tookAll: String?
    for (split, count) in counts {
        if count == 0 { ranges.append(start..<start); continue }
        if let all = tookAll {
            throw ImagingError(path: source, message: "the \(split) images of class '\(className)' come after the \(all) images in the same source, but \(all) takes all of them",
                               hint: "give the \(all) split a count per class, e.g. --\(all) 1000")
        }
        let skippedNote = skipped > 0 ? " (after skipping \(skipped) unreadable)" : ""
        guard let n = count else {
            guard available > start else {
                throw ImagingError(path: source, message: "class '\(className)' has no images left for the \(split) split: it has \(available)\(skippedNote), all taken before it",
                                   hint: "ask for fewer images per class in the splits before \(split)")
            }
            tookAll = split
            ranges.append(start..<available)
            start = available
            continue
        }
        guard start + n <= available else {
            let asked = counts.compactMap { c in c.count.flatMap { $0 == 0 ? nil : "\(c.split) \($0)" } }
            let total = counts.compactMap(\.count).reduce(0, +)
            throw ImagingError(path: source, message: "class '\(className)' has \(available) images\(skippedNote), fewer than the \(total) asked (\(asked.joined(separator: " + ")))",
                               hint: "ask for fewer images per class")
        }
        ranges.append(start..<(start + n))
        start += n
    }
    return ranges
}
