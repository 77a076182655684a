import Foundation
import Imaging
import Testing

/// cats_and_dogs_small as the tutorial's notebook lays it out, with fewer images: split
/// folders, a class folder each; the pixel value of cat.N is N, of dog.N is 100 + N.
private func kerasFolder(_ name: String, validationDogs: Bool = true) throws -> TempFolder {
    let t = try TempFolder(name)
    for n in 0..<4 { try t.png("train/cats/cat.\(n).png", value: UInt8(n)); try t.png("train/dogs/dog.\(n).png", value: UInt8(100 + n)) }
    for n in 4..<6 { try t.png("validation/cats/cat.\(n).png", value: UInt8(n)) }
    if validationDogs { for n in 4..<6 { try t.png("validation/dogs/dog.\(n).png", value: UInt8(100 + n)) } }
    for n in 6..<8 { try t.png("test/cats/cat.\(n).png", value: UInt8(n)); try t.png("test/dogs/dog.\(n).png", value: UInt8(100 + n)) }
    return t
}

@Test func kerasSplitFoldersGiveSortedClassesAndFileOrder() throws {
    let t = try kerasFolder("keras")
    defer { t.remove() }
    let d = try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 3, validation: nil, test: 1), format: tiny)
    #expect(d.classNames == ["cats", "dogs"])
    #expect(values(d.train) == [0, 1, 2, 100, 101, 102])
    #expect(d.train.labels == [0, 0, 0, 1, 1, 1])
    #expect(values(d.validation) == [4, 5, 104, 105])
    #expect(values(d.test) == [6, 106])
    #expect(d.train.files.map(\.path).prefix(2) == ["train/cats/cat.0.png", "train/cats/cat.1.png"])
    #expect(d.warnings.isEmpty)
    #expect(d.train.imageShape == [2, 2, 1])
}

@Test func kaggleFlatFolderSortsByTheNumberAndSplitsConsecutively() throws {
    let t = try TempFolder("kaggle")
    defer { t.remove() }
    for n in [0, 1, 2, 10, 11, 3, 20] { try t.png("cat.\(n).png", value: UInt8(n)) }
    for n in 0..<7 { try t.png("dog.\(n).png", value: UInt8(100 + n)) }
    try t.write("notes.txt", Array("not an image".utf8))
    let d = try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 3, validation: 2, test: 2), format: tiny)
    #expect(d.classNames == ["cat", "dog"])
    // Numeric order: cat.0, 1, 2, 3, 10, 11, 20 (not cat.10 before cat.2).
    #expect(values(d.train) == [0, 1, 2, 100, 101, 102])
    #expect(values(d.validation) == [3, 10, 103, 104])
    #expect(values(d.test) == [11, 20, 105, 106])
    #expect(d.test?.files.map(\.path) == ["cat.11.png", "cat.20.png", "dog.5.png", "dog.6.png"])
}

@Test func kaggleTrainFolderAloneServesEverySplit() throws {
    // Kaggle's download: dogs-vs-cats/train/cat.N.jpg, no validation or test folder.
    let t = try TempFolder("kaggle-train")
    defer { t.remove() }
    for n in 0..<4 { try t.png("train/cat.\(n).png", value: UInt8(n)); try t.png("train/dog.\(n).png", value: UInt8(100 + n)) }
    let d = try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 2, validation: 1, test: nil), format: tiny)
    #expect(values(d.train) == [0, 1, 100, 101])
    #expect(values(d.validation) == [2, 102])
    #expect(values(d.test) == [3, 103])
}

@Test func classesByNameOrIndexSetTheLabelOrder() throws {
    let t = try kerasFolder("choose")
    defer { t.remove() }
    let counts = SplitCounts(train: 1, validation: 0, test: 0)
    let d = try ImageFolder.load(t.path, classes: ["dog", "0"], counts: counts, format: tiny)
    #expect(d.classNames == ["dogs", "cats"])
    #expect(values(d.train) == [100, 0] && d.train.labels == [0, 1])
    #expect(d.validation == nil && d.test == nil)
    let e = #expect(throws: ImagingError.self) { try ImageFolder.load(t.path, classes: ["cats", "birds"], counts: counts, format: tiny) }
    #expect(e?.message == "unknown class 'birds'")
    #expect(e?.hint?.contains("0 cats, 1 dogs") == true)
}

@Test func imagesAreConvertedAndResizedToTheFormat() throws {
    let t = try TempFolder("convert")
    defer { t.remove() }
    // An RGB PNG of pure red and a gray JPEG.
    try t.write("a/red.png", try PNGCodec.encode(RasterImage(width: 4, height: 4, channels: 3, pixels: (0..<16).flatMap { _ in [UInt8(255), 0, 0] })))
    try t.write("b/gray.jpg", try JPEGCodec.encode(RasterImage(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: 128, count: 16))))
    let counts = SplitCounts(train: 1, validation: 0, test: 0)
    let gray = try ImageFolder.load(t.path, classes: nil, counts: counts, format: ImageFormat(height: 2, width: 3, channels: 1))
    #expect(gray.train.imageShape == [2, 3, 1])
    #expect(Array(gray.train.pixels.prefix(6)) == [76, 76, 76, 76, 76, 76])
    let rgb = try ImageFolder.load(t.path, classes: nil, counts: counts, format: ImageFormat(height: 3, width: 3, channels: 3))
    #expect(Array(rgb.train.pixels.prefix(3)) == [255, 0, 0])
    let g = Array(rgb.train.pixels[27..<30])
    #expect(g[0] == g[1] && g[1] == g[2] && abs(Int(g[0]) - 128) <= 1)
}

@Test func aCorruptImageIsSkippedWithAWarningOrStopsAStrictRead() throws {
    let t = try TempFolder("corrupt")
    defer { t.remove() }
    for n in 0..<3 { try t.png("cats/cat.\(n).png", value: UInt8(n)); try t.png("dogs/dog.\(n).png", value: UInt8(100 + n)) }
    try t.write("cats/cat.1.png", [UInt8](try Data(contentsOf: truncatedJPEG)))  // a cut-off JPEG in place of cat.1
    try t.write("dogs/dog.1.png", Array("garbage".utf8))
    let d = try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 2, validation: 0, test: 0), format: tiny)
    // The next file takes the skipped one's place.
    #expect(values(d.train) == [0, 2, 100, 102])
    #expect(d.warnings.map(\.path) == [t.path + "/cats/cat.1.png", t.path + "/dogs/dog.1.png"])
    #expect(d.warnings[0].message.contains("JPEG"))
    #expect(d.warnings[1].message == "not a PNG or JPEG file")
    #expect(d.warnings[0].warningDescription.hasPrefix(t.path + "/cats/cat.1.png: warning: "))
    let e = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 2, validation: 0, test: 0), format: tiny, strict: true)
    }
    #expect(e?.path == t.path + "/cats/cat.1.png")
    // Asking for all three: only two are readable.
    let few = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 3, validation: 0, test: 0), format: tiny)
    }
    #expect(few?.message == "class 'cats' has 2 images (after skipping 1 unreadable), fewer than the 3 asked (train 3)")
}

@Test func theTruncatedJPEGFixtureIsNamedWithItsPath() throws {
    let e = #expect(throws: ImagingError.self) { try readImage(path: truncatedJPEG.path) }
    #expect(e?.path == truncatedJPEG.path)
    #expect(e?.message.contains("JPEG") == true)
}

@Test func fewerImagesThanAskedNamesTheClassAndTheCount() throws {
    let t = try kerasFolder("fewer")
    defer { t.remove() }
    let e = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 5, validation: 0, test: 0), format: tiny)
    }
    #expect(e?.path == t.path + "/train")
    #expect(e?.message == "class 'cats' has 4 images, fewer than the 5 asked (train 5)")
    let v = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 1, validation: 3, test: 0), format: tiny)
    }
    #expect(v?.path == t.path + "/validation")
    #expect(v?.message == "class 'cats' has 2 images, fewer than the 3 asked (validation 3)")
}

@Test func aClassMissingFromASplitIsAnError() throws {
    let t = try kerasFolder("missing", validationDogs: false)
    defer { t.remove() }
    let e = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 1, validation: 1, test: 0), format: tiny)
    }
    #expect(e?.path == t.path + "/validation")
    #expect(e?.message == "class 'dogs' is missing from the validation split (it has classes cats)")
    // Not asking for validation reads fine.
    #expect(try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 1, validation: 0, test: 1), format: tiny).test?.count == 2)
}

@Test func anEmptyClassAndAFolderWithoutImagesAreErrors() throws {
    let t = try TempFolder("empty")
    defer { t.remove() }
    try t.png("cats/cat.0.png", value: 0)
    try FileManager.default.createDirectory(at: t.url.appendingPathComponent("dogs"), withIntermediateDirectories: true)
    let e = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 1, validation: 0, test: 0), format: tiny)
    }
    #expect(e?.path == t.path + "/dogs")
    #expect(e?.message == "class 'dogs' has no images (.png, .jpg or .jpeg)")
    let none = try TempFolder("none")
    defer { none.remove() }
    try none.write("readme.txt", Array("hi".utf8))
    let n = #expect(throws: ImagingError.self) {
        try ImageFolder.load(none.path, classes: nil, counts: SplitCounts(train: 1, validation: 0, test: 0), format: tiny)
    }
    #expect(n?.message == "no images (.png, .jpg or .jpeg) found")
    #expect(n?.hint?.contains("class subfolders") == true)
}

@Test func aMissingFileOrUnreadableFolderIsAnError() throws {
    let counts = SplitCounts(train: 1, validation: 0, test: 0)
    let missing = #expect(throws: ImagingError.self) { try ImageFolder.load("/nonexistent/cats-and-dogs", classes: nil, counts: counts) }
    #expect(missing?.description == "/nonexistent/cats-and-dogs: error: no such folder\nhint: give a folder of images: class subfolders (cats/, dogs/) or files named class.N.jpg")
    let notFolder = #expect(throws: ImagingError.self) { try ImageFolder.load(truncatedJPEG.path, classes: nil, counts: counts) }
    #expect(notFolder?.message == "this is a file, not a folder")
    let t = try kerasFolder("unreadable")
    defer { chmod(t.path + "/train", 0o755); t.remove() }
    guard getuid() != 0 else {
        print("skipped: the unreadable-folder case runs as root, which reads any folder")
        return
    }
    chmod(t.path + "/train", 0)
    let e = #expect(throws: ImagingError.self) { try ImageFolder.load(t.path, classes: nil, counts: counts, format: tiny) }
    #expect(e?.message.hasPrefix("cannot read the folder") == true)
}

@Test func countsAfterAnAllAndNegativeCountsAreErrors() throws {
    let t = try TempFolder("all")
    defer { t.remove() }
    for n in 0..<3 { try t.png("cat.\(n).png", value: UInt8(n)); try t.png("dog.\(n).png", value: UInt8(n)) }
    let e = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: nil, validation: 1, test: 0), format: tiny)
    }
    #expect(e?.hint == "give the train split a count per class, e.g. --train 1000")
    #expect(throws: ImagingError.self) { try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: -1, validation: 0, test: 0), format: tiny) }
    #expect(try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: nil, validation: 0, test: 0), format: tiny).train.count == 6)
}

@Test func naturalOrderComparesNumbersByValue() {
    let names = ["dog.10.jpg", "cat.10.jpg", "cat.2.jpg", "cat.02.jpg", "cat.1.jpg", "cat.100.jpg", "cat.jpg"]
    #expect(names.sorted(by: ImageFolder.naturalOrder) == ["cat.1.jpg", "cat.02.jpg", "cat.2.jpg", "cat.10.jpg", "cat.100.jpg", "cat.jpg", "dog.10.jpg"])
}

@Test func theDataHashCoversEverySplitsFiles() throws {
    let t = try kerasFolder("hash")
    defer { t.remove() }
    let counts = SplitCounts(train: 2, validation: 1, test: 0)
    let a = try ImageFolder.load(t.path, classes: nil, counts: counts, format: tiny)
    #expect(a.files.count == 6)
    #expect(a.dataHash == dataHash(of: a.files))
    #expect(a.dataHash == (try ImageFolder.load(t.path, classes: nil, counts: counts, format: tiny)).dataHash)
    let b = try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 3, validation: 1, test: 0), format: tiny)
    #expect(a.dataHash != b.dataHash)
}

@Test func anEmptyClassFolderInASplitIsNamed() throws {
    let t = try kerasFolder("empty-split", validationDogs: false)
    defer { t.remove() }
    try FileManager.default.createDirectory(at: t.url.appendingPathComponent("validation/dogs"), withIntermediateDirectories: true)
    let e = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 1, validation: 1, test: 0), format: tiny)
    }
    #expect(e?.path == t.path + "/validation/dogs")
    #expect(e?.message == "class 'dogs' has no images in the validation split (.png, .jpg or .jpeg)")
}

@Test func dataSourcesByName() throws {
    #expect(DataSource("fashion-mnist") == .fashionMNIST(folder: FashionMNIST.defaultFolder))
    #expect(DataSource("Fashion_MNIST") == .fashionMNIST(folder: FashionMNIST.defaultFolder))
    #expect(DataSource("data/cats_and_dogs_small") == .folder("data/cats_and_dogs_small"))
    #expect(DataSource("fashion-mnist").defaultFormat == ImageFormat(height: 28, width: 28, channels: 1))
    #expect(DataSource("photos").defaultFormat == ImageFormat(height: 150, width: 150, channels: 3, interpolation: .nearest))
    let t = try kerasFolder("source")
    defer { t.remove() }
    let d = try DataSource.folder(t.path).load(classes: nil, counts: SplitCounts(train: 1, validation: 0, test: 0))
    #expect(d.train.imageShape == [150, 150, 3])
    // A 2x2 gray image of 0 grown to 150x150 RGB by nearest is all 0.
    #expect(d.train.image(at: 0).pixels.allSatisfy { $0 == 0 })
    #expect(d.train.image(at: 1).pixels.allSatisfy { $0 == 100 })
}

@Test func allTheRestOfAClassWithNothingLeftIsAnError() throws {
    let t = try TempFolder("nothing-left")
    defer { t.remove() }
    for n in 0..<2 { try t.png("cat.\(n).png", value: UInt8(n)); try t.png("dog.\(n).png", value: UInt8(n)) }
    let e = #expect(throws: ImagingError.self) {
        try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 2, validation: nil, test: 0), format: tiny)
    }
    #expect(e?.message == "class 'cat' has no images left for the validation split: it has 2, all taken before it")
    // A validation folder that is not asked for is not read, even when it has no images.
    let s = try kerasFolder("unasked")
    defer { s.remove() }
    try FileManager.default.removeItem(at: s.url.appendingPathComponent("validation"))
    try FileManager.default.createDirectory(at: s.url.appendingPathComponent("validation"), withIntermediateDirectories: true)
    #expect(try ImageFolder.load(s.path, classes: nil, counts: SplitCounts(train: 1, validation: 0, test: 0), format: tiny).train.count == 2)
}
