import Dispatch
import Foundation

/// Labeled images from a folder, in the two layouts a Dogs-vs-Cats user has:
///
/// - Keras' class per subfolder: `cats/cat.0.jpg`, `dogs/dog.0.jpg` (the class is the
///   subfolder's name; files directly inside the folder, and folders inside class folders,
///   are ignored);
/// - Kaggle's flat folder: `cat.0.jpg ... dog.12499.jpg` (the class is the file name before
///   its first dot).
///
/// Either may sit in split subfolders `train/`, `validation/` and `test/`, as the tutorial's
/// `cats_and_dogs_small` does: a folder with a `train` subfolder is read that way. A split
/// whose folder is missing is taken from `train/` after the training images (so Kaggle's own
/// `train/` folder works as it is); without split subfolders all splits come from the folder,
/// consecutively per class.
///
/// Files are PNG or JPEG (`.png`, `.jpg`, `.jpeg`, any case; hidden files ignored), in natural
/// order of their names (`cat.2` before `cat.10`, the order of the numbers Kaggle's names
/// carry); classes are in sorted order of their names (Keras': cats = 0, dogs = 1) unless
/// chosen. Every image is converted to the format's channels and resized to its size
/// (`ImageFormat.apply`), then kept as bytes.
public enum ImageFolder {
    /// The file name endings read as images, lower-cased.
    public static let imageExtensions = ["png", "jpg", "jpeg"]

    /// How one folder holds its classes.
    public enum Layout: String, Sendable { case classFolders, flat }

    /// One folder's classes and their image files, as found on disk.
    public struct Listing: Sendable {
        /// The folder that was listed.
        public let folder: String
        public let layout: Layout
        /// Class names in sorted order.
        public let classNames: [String]
        /// Per class, its image files relative to the dataset's root (`train/cats/cat.0.jpg`),
        /// in natural order.
        public let files: [[String]]

        /// The files of the class called `name`, or nil when the folder has no such class.
        public func files(ofClass name: String) -> [String]? {
            classNames.firstIndex(of: name).map { files[$0] }
        }
    }

    /// Reads the splits of the image folder `root`.
    ///
    /// `classes` choose classes by name or index among the training folder's (see
    /// `ClassSelection`), nil for all; label i is the i-th class chosen. Each split holds its
    /// images class by class, in label order, each class's in file order.
    ///
    /// A corrupt or cut-off image is skipped, and the next file of its class takes its place,
    /// with a warning in the result naming its path; `strict` makes it an error instead.
    /// Throws one `ImagingError` naming the path for a missing or unreadable folder, a folder
    /// without images, an empty class, a class missing from a split's folder, or a class with
    /// fewer readable images than asked.
    public static func load(_ root: String, classes: [String]?, counts: SplitCounts, format: ImageFormat = .tutorial,
                            strict: Bool = false) throws(ImagingError) -> DataSplits {
        try counts.validate(source: root)
        try format.validate(source: root)
        try requireFolder(root)
        let rootURL = URL(fileURLWithPath: root)
        let trainFolder = rootURL.appendingPathComponent("train").path
        let split = isFolder(trainFolder)
        let trainListing = try list(split ? trainFolder : root, relativeTo: root)
        // Splits with a folder of their own; the others share the training folder.
        var own: [String: Listing] = [:]
        if split {
            for (name, count) in [("validation", counts.validation), ("test", counts.test)] where count != 0 {
                let f = rootURL.appendingPathComponent(name).path
                if isFolder(f) { own[name] = try list(f, relativeTo: root) }
            }
        }
        let chosen = try ClassSelection.indices(of: classes ?? trainListing.classNames, in: trainListing.classNames,
                                                source: trainListing.folder)
        let names = chosen.map { trainListing.classNames[$0] }
        for (k, i) in chosen.enumerated() where trainListing.files[i].isEmpty {
            throw ImagingError(path: trainListing.folder + "/" + names[k], message: "class '\(names[k])' has no images (.png, .jpg or .jpeg)",
                               hint: "put the class's images in this folder, or leave the class out with --classes")
        }
        let requests: [(split: String, count: Int?)] = [("train", counts.train), ("validation", counts.validation), ("test", counts.test)]
        let shared = requests.filter { $0.split == "train" || own[$0.split] == nil }
        let separate = requests.filter { $0.split != "train" && own[$0.split] != nil && $0.count != 0 }

        // Room for every image asked for up front, so the bytes are never copied to grow.
        let bytesPerImage = format.height * format.width * format.channels
        var builders = Dictionary(uniqueKeysWithValues: requests.map { r in
            (r.split, SetBuilder(reserving: (r.count ?? 0) * chosen.count * bytesPerImage))
        })
        var warnings: [ImagingError] = []
        let reader = Reader(root: rootURL, format: format, strict: strict)
        for (k, i) in chosen.enumerated() {
            // The training folder's share: train, then the splits without their own folder.
            try reader.take(shared, from: trainListing.files[i], className: names[k], source: trainListing.folder,
                            label: k, into: &builders, warnings: &warnings)
            for request in separate {
                guard let listing = own[request.split] else { continue }
                guard let files = listing.files(ofClass: names[k]) else {
                    throw ImagingError(path: listing.folder, message: "class '\(names[k])' is missing from the \(request.split) split (it has classes \(listing.classNames.joined(separator: ", ")))",
                                       hint: listing.layout == .flat ? "add files named \(names[k]).N.jpg" : "add the folder \(listing.folder)/\(names[k]) with its images")
                }
                guard !files.isEmpty else {
                    throw ImagingError(path: listing.folder + "/" + names[k], message: "class '\(names[k])' has no images in the \(request.split) split (.png, .jpg or .jpeg)",
                                       hint: "put the class's \(request.split) images in this folder")
                }
                try reader.take([request], from: files, className: names[k], source: listing.folder,
                                label: k, into: &builders, warnings: &warnings)
            }
        }
        func build(_ name: String) throws(ImagingError) -> LabeledImages? {
            guard let b = builders[name], !b.labels.isEmpty else { return nil }
            return try LabeledImages(height: format.height, width: format.width, channels: format.channels, pixels: b.pixels,
                                     labels: b.labels, classNames: names, files: b.files)
        }
        guard let train = try build("train") else {
            throw ImagingError(path: root, message: "no training images were read")
        }
        return DataSplits(train: train, validation: try build("validation"), test: try build("test"), warnings: warnings)
    }

    /// Lists one folder: its class subfolders, or, when it has none, its image files grouped
    /// by name prefix. Throws for a missing or unreadable folder or one without any image.
    public static func list(_ folder: String, relativeTo root: String) throws(ImagingError) -> Listing {
        try requireFolder(folder)
        let entries = try contents(folder)
        let base = relativePrefix(folder, root)
        let subfolders = entries.filter { isFolder(folder + "/" + $0) }
        if !subfolders.isEmpty {
            let names = subfolders.sorted()
            var files: [[String]] = []
            for n in names {
                files.append(try contents(folder + "/" + n).filter { isImageName($0) && !isFolder(folder + "/" + n + "/" + $0) }
                    .sorted(by: naturalOrder).map { base + n + "/" + $0 })
            }
            guard files.contains(where: { !$0.isEmpty }) else { throw noImages(folder) }
            return Listing(folder: folder, layout: .classFolders, classNames: names, files: files)
        }
        var byClass: [String: [String]] = [:]
        for f in entries where isImageName(f) {
            let prefix = String(f.prefix { $0 != "." })
            byClass[prefix, default: []].append(f)
        }
        guard !byClass.isEmpty else { throw noImages(folder) }
        let names = byClass.keys.sorted()
        return Listing(folder: folder, layout: .flat, classNames: names,
                       files: names.map { n in (byClass[n] ?? []).sorted(by: naturalOrder).map { base + $0 } })
    }

    /// Natural order of file names: runs of digits compare by their value (`cat.2` < `cat.10`),
    /// everything else character by character; equal values with different zeros fall back
    /// to plain order, so the order is total.
    public static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0, j = 0
        while i < x.count, j < y.count {
            if isDigit(x[i]), isDigit(y[j]) {
                var i2 = i, j2 = j
                while i2 < x.count, isDigit(x[i2]) { i2 += 1 }
                while j2 < y.count, isDigit(y[j2]) { j2 += 1 }
                let u = Array(x[i..<i2].drop { $0 == "0" }), v = Array(y[j..<j2].drop { $0 == "0" })
                if u.count != v.count { return u.count < v.count }
                if u != v { return u.lexicographicallyPrecedes(v) { $0.value < $1.value } }
                i = i2; j = j2
            } else {
                if x[i] != y[j] { return x[i].value < y[j].value }
                i += 1; j += 1
            }
        }
        if x.count - i != y.count - j { return x.count - i < y.count - j }
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    // MARK: - Reading

    /// One split's images as they are read: bytes, labels and files, class after class.
    struct SetBuilder {
        var pixels: [UInt8] = []
        var labels: [Int] = []
        var files: [SourceFile] = []

        init(reserving bytes: Int = 0) { pixels.reserveCapacity(bytes) }
    }

    /// One image read and converted, with its file.
    struct Decoded: Sendable {
        let pixels: [UInt8]
        let file: SourceFile
    }

    /// Decodes one class's files for the splits that share them.
    struct Reader {
        let root: URL
        let format: ImageFormat
        let strict: Bool

        /// Reads as many of `files` as `requests` need (all when one takes the rest), skipping
        /// unreadable ones, and appends each split's consecutive share to its builder.
        func take(_ requests: [(split: String, count: Int?)], from files: [String], className: String, source: String,
                  label: Int, into builders: inout [String: SetBuilder], warnings: inout [ImagingError]) throws(ImagingError) {
            let counts = requests.map(\.count)
            guard counts.contains(where: { $0 != 0 }) else { return }
            let need = counts.contains { $0 == nil } ? files.count : counts.reduce(0) { $0 + ($1 ?? 0) }
            var images: [Decoded] = []
            var next = 0, skipped = 0
            // Decode in rounds of the number still missing, concurrently; results keep file order.
            while images.count < need, next < files.count {
                let round = Array(files[next..<min(files.count, next + need - images.count)])
                next += round.count
                for r in decode(round) {
                    switch r {
                    case .success(let image): images.append(image)
                    case .failure(let e):
                        if strict {
                            throw ImagingError(path: e.path, message: e.message,
                                               hint: "remove or replace the file, or leave out --strict to skip unreadable images with a warning")
                        }
                        warnings.append(e)
                        skipped += 1
                    }
                }
            }
            let shares = try consecutiveShares(requests, available: images.count, className: className,
                                               source: source, skipped: skipped)
            for (request, range) in zip(requests, shares) where !range.isEmpty {
                // Taken out of the dictionary while it grows, so the bytes have one owner and
                // appending never copies them.
                var b = builders.removeValue(forKey: request.split) ?? SetBuilder()
                for image in images[range] {
                    b.pixels += image.pixels
                    b.labels.append(label)
                    b.files.append(image.file)
                }
                builders[request.split] = b
            }
        }

        /// Reads and converts `files` on all cores; element i is file i's bytes or its error.
        func decode(_ files: [String]) -> [Result<Decoded, ImagingError>] {
            let results = ResultSlots(count: files.count)
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                let path = root.appendingPathComponent(files[i]).path
                let r = Result { () throws(ImagingError) -> Decoded in
                    let bytes = try readFileBytes(path: path)
                    let image = format.apply(try decodeImage(bytes, path: path))
                    return Decoded(pixels: image.pixels, file: SourceFile(path: files[i], size: bytes.count))
                }
                results.set(i, r)
            }
            return results.values
        }
    }

    /// Slots that concurrent iterations fill, each its own; the lock orders the writes before
    /// the read that follows `concurrentPerform`.
    final class ResultSlots: @unchecked Sendable {
        private var slots: [Result<Decoded, ImagingError>?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<Decoded, ImagingError>) {
            lock.lock(); slots[i] = r; lock.unlock()
        }
        var values: [Result<Decoded, ImagingError>] {
            lock.lock(); defer { lock.unlock() }
            return slots.map { $0 ?? .failure(ImagingError(path: "<image>", message: "not decoded")) }
        }
    }

    // MARK: - Folders

    static func isFolder(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }

    static func requireFolder(_ path: String) throws(ImagingError) {
        var dir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &dir) else {
            throw ImagingError(path: path, message: "no such folder", hint: "give a folder of images: class subfolders (cats/, dogs/) or files named class.N.jpg")
        }
        guard dir.boolValue else {
            throw ImagingError(path: path, message: "this is a file, not a folder", hint: "give the folder that holds the images")
        }
    }

    /// The visible entries of a folder.
    static func contents(_ folder: String) throws(ImagingError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }
        } catch {
            let ns = error as NSError
            let reason = (ns.userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) } ?? ns.localizedDescription
            throw ImagingError(path: folder, message: "cannot read the folder (\(reason))", hint: "check that it exists and that you may read it")
        }
    }

    static func noImages(_ folder: String) -> ImagingError {
        ImagingError(path: folder, message: "no images (.png, .jpg or .jpeg) found",
                     hint: "use class subfolders (cats/, dogs/) or files named class.N.jpg (cat.0.jpg), optionally inside train/, validation/ and test/")
    }

    static func isImageName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

    /// `folder` relative to `root` with a trailing `/`, or "" for the root itself.
    static func relativePrefix(_ folder: String, _ root: String) -> String {
        let f = URL(fileURLWithPath: folder).standardizedFileURL.path
        let r = URL(fileURLWithPath: root).standardizedFileURL.path
        guard f != r, f.hasPrefix(r + "/") else { return "" }
        return String(f.dropFirst(r.count + 1)) + "/"
    }
}
