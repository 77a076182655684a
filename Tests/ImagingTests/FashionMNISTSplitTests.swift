import Foundation
import Imaging
import Testing

/// idx bytes of unsigned bytes: 0, 0, 0x08, the rank, big-endian sizes, the data.
private func idx(_ shape: [Int], _ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
    for d in shape { out += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
    return out + data
}

/// A Fashion-MNIST folder in miniature (zlib reads plain idx files under the .gz names too):
/// training labels cycle 0...9 four times, so class c sits at rows c, c + 10, c + 20, c + 30;
/// image r's pixels are all r. The test file has two of each class, pixels 200 + row.
private func miniature(_ name: String) throws -> TempFolder {
    let t = try TempFolder(name)
    let trainLabels = (0..<40).map { UInt8($0 % 10) }
    try t.write("train-images-idx3-ubyte.gz", idx([40, 28, 28], (0..<40).flatMap { [UInt8](repeating: UInt8($0), count: 784) }))
    try t.write("train-labels-idx1-ubyte.gz", idx([40], trainLabels))
    try t.write("t10k-images-idx3-ubyte.gz", idx([20, 28, 28], (0..<20).flatMap { [UInt8](repeating: UInt8(200 + $0), count: 784) }))
    try t.write("t10k-labels-idx1-ubyte.gz", idx([20], (0..<20).map { UInt8($0 % 10) }))
    return t
}

@Test func fashionMNISTSplitsTakeTrainThenValidationInFileOrder() throws {
    let t = try miniature("fmnist")
    defer { t.remove() }
    let d = try FashionMNIST.splits(classes: ["tshirt", "shirt"], counts: SplitCounts(train: 2, validation: 1, test: nil), folder: t.path)
    #expect(d.classNames == ["T-shirt/top", "Shirt"])
    // T-shirt/top rows 0, 10, 20, 30; Shirt rows 6, 16, 26, 36; file order kept.
    #expect(values(d.train) == [0, 6, 10, 16])
    #expect(d.train.labels == [0, 1, 0, 1])
    #expect(values(d.validation) == [20, 26])
    #expect(values(d.test) == [200, 206, 210, 216])
    #expect(d.train.imageShape == [28, 28, 1])
    #expect(d.files.map(\.path) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
    let firstTest = try FashionMNIST.splits(classes: ["0", "6"], counts: SplitCounts(train: 1, validation: 0, test: 1), folder: t.path)
    #expect(values(firstTest.test) == [200, 206] && firstTest.validation == nil)
}

@Test func fashionMNISTCanBeResizedAndMadeRGB() throws {
    let t = try miniature("fmnist-rgb")
    defer { t.remove() }
    let d = try FashionMNIST.splits(classes: ["trouser", "ankle-boot"], counts: SplitCounts(train: 1, validation: 0, test: 0),
                                    format: ImageFormat(height: 56, width: 56, channels: 3), folder: t.path)
    #expect(d.train.imageShape == [56, 56, 3])
    #expect(values(d.train) == [1, 9])
    #expect(d.train.image(at: 1).pixels.allSatisfy { $0 == 9 })
    #expect(d.test == nil)
}

@Test func fashionMNISTWithFewerImagesNamesTheClassAndTheCount() throws {
    let t = try miniature("fmnist-few")
    defer { t.remove() }
    let e = #expect(throws: ImagingError.self) {
        try FashionMNIST.splits(classes: ["0", "6"], counts: SplitCounts(train: 3, validation: 2, test: 0), folder: t.path)
    }
    #expect(e?.message == "class 'T-shirt/top' has 4 images, fewer than the 5 asked (train 3 + validation 2)")
    #expect(e?.path == t.path + "/train-images-idx3-ubyte.gz (the training file)")
    let test = #expect(throws: ImagingError.self) {
        try FashionMNIST.splits(classes: ["0", "6"], counts: SplitCounts(train: 1, validation: 0, test: 3), folder: t.path)
    }
    #expect(test?.message == "class 'T-shirt/top' has 2 images, fewer than the 3 asked (test 3)")
}

@Test func aMissingFashionMNISTGivesTheInstallLine() throws {
    let e = #expect(throws: ImagingError.self) {
        try FashionMNIST.splits(classes: nil, counts: SplitCounts(train: 1, validation: 0, test: 0), folder: "/nonexistent/fashion-mnist")
    }
    #expect(e?.path == "/nonexistent/fashion-mnist/train-images-idx3-ubyte.gz")
    #expect(e?.hint?.contains("apt-get install dataset-fashion-mnist") == true)
}

@Test(arguments: [("tshirt", 0), ("t-shirt", 0), ("T-shirt/top", 0), ("top", 0), ("TSHIRT", 0), ("shirt", 6),
                  ("ankle-boot", 9), ("Ankle boot", 9), ("ankle_boot", 9), ("bags", 8), ("sneakers", 7), ("3", 3)])
func fashionMNISTClassNamesMatchForgivingly(name: String, index: Int) throws {
    #expect(try ClassSelection.indices(of: [name, name == "3" ? "0" : "3"], in: FashionMNIST.classNames, source: "fm") == [index, index == 3 ? 0 : 3])
}

@Test func unknownRepeatedOrTooFewClassesAreOneClearError() throws {
    let names = FashionMNIST.classNames
    let e = #expect(throws: ImagingError.self) { try ClassSelection.indices(of: ["tshirt", "jacket"], in: names, source: "fashion-mnist") }
    #expect(e?.description == "fashion-mnist: error: unknown class 'jacket'\nhint: the classes are: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot (by name or number, e.g. --classes T-shirt/top,Trouser)")
    #expect(throws: ImagingError.self) { try ClassSelection.indices(of: ["0", "10"], in: names, source: "fm") }
    #expect(throws: ImagingError.self) { try ClassSelection.indices(of: ["0", "tshirt"], in: names, source: "fm") }
    #expect(throws: ImagingError.self) { try ClassSelection.indices(of: ["0"], in: names, source: "fm") }
    #expect(ClassSelection.parseList(" tshirt, shirt ,") == ["tshirt", "shirt"])
}

/// The real dataset from Debian's dataset-fashion-mnist, when it is installed.
@Test func realFashionMNISTTShirtsAgainstShirts() throws {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultFolder + "/train-images-idx3-ubyte.gz") else {
        print("skipped: \(FashionMNIST.defaultFolder) is absent (apt-get install dataset-fashion-mnist)")
        return
    }
    let d = try FashionMNIST.splits(classes: ["tshirt", "shirt"], counts: SplitCounts(train: 1000, validation: 500, test: nil))
    #expect(d.train.count == 2000 && d.validation?.count == 1000 && d.test?.count == 2000)
    #expect(d.train.classCounts == [1000, 1000] && d.test?.classCounts == [1000, 1000])
    // The first training image is the file's first T-shirt/top, byte for byte.
    let (images, labels) = try FashionMNIST.load(.train)
    let first = try #require(labels.scalars.firstIndex(of: 0))
    #expect(d.train.image(at: 0).pixels.map(Int.init) == Array(images.scalars[(first * 784)..<((first + 1) * 784)]))
    let e = #expect(throws: ImagingError.self) {
        try FashionMNIST.splits(classes: ["0", "6"], counts: SplitCounts(train: 5500, validation: 600, test: 0))
    }
    #expect(e?.message == "class 'T-shirt/top' has 6000 images, fewer than the 6100 asked (train 5500 + validation 600)")
}
