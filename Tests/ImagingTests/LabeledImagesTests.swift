import Imaging
import Tensor
import Testing

private func set(classes: Int, labels: [Int]) throws -> LabeledImages {
    // 1x2x1 images: image i is [i, 255 - i].
    let px = labels.indices.flatMap { [UInt8($0), UInt8(255 - $0)] }
    return try LabeledImages(height: 1, width: 2, channels: 1, pixels: px, labels: labels,
                             classNames: (0..<classes).map { "c\($0)" },
                             files: labels.indices.map { SourceFile(path: "f\($0).png", size: 10 + $0) })
}

@Test func batchesAreBytesTimesTheTutorialsRescale() throws {
    let s = try set(classes: 2, labels: [0, 1, 1])
    let b = s.batch([2, 0])
    #expect(b.x.shape == [2, 1, 2, 1])
    #expect(b.x.scalars == [2, 253, 0, 255].map { Float($0) * Float(1.0 / 255.0) })
    #expect(b.x.scalars[3] == 1)
    // Multiplying by Float(1/255), as Keras' rescale does, is not always dividing by 255.
    #expect(Float(2) * LabeledImages.rescale != Float(2) / 255 || Float(253) * LabeledImages.rescale != Float(253) / 255)
    #expect(b.y.shape == [2, 1] && b.y.scalars == [1, 0])
    #expect(b.indices == [2, 0])
}

@Test func moreThanTwoClassesAreOneHot() throws {
    let s = try set(classes: 3, labels: [2, 0, 1])
    let b = s.batch([0, 1, 2])
    #expect(b.y.shape == [3, 3])
    #expect(b.y.scalars == [0, 0, 1, 1, 0, 0, 0, 1, 0])
    #expect(s.classCounts == [1, 1, 1])
}

@Test func subsetKeepsPixelsLabelsAndFiles() throws {
    let s = try set(classes: 2, labels: [0, 1, 0, 1])
    let sub = s.subset([3, 1])
    #expect(sub.pixels == [3, 252, 1, 254] && sub.labels == [1, 1])
    #expect(sub.files.map(\.path) == ["f3.png", "f1.png"])
    #expect(sub.image(at: 0).pixels == [3, 252])
}

@Test func aSetWithTheWrongByteCountOrLabelIsAnError() throws {
    #expect(throws: ImagingError.self) {
        try LabeledImages(height: 2, width: 2, channels: 1, pixels: [1, 2, 3], labels: [0], classNames: ["a", "b"], files: [])
    }
    #expect(throws: ImagingError.self) {
        try LabeledImages(height: 1, width: 1, channels: 1, pixels: [1], labels: [2], classNames: ["a", "b"], files: [])
    }
}

@Test func fnv1aMatchesItsPublishedTestVectors() {
    #expect(fnv1a64([UInt8]()) == 0xcbf2_9ce4_8422_2325)
    #expect(fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
    #expect(fnv1a64(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
}

@Test func dataHashIgnoresListingOrderButNotNamesOrSizes() {
    let a = [SourceFile(path: "train/cats/cat.1.jpg", size: 100), SourceFile(path: "train/cats/cat.0.jpg", size: 200)]
    #expect(dataHash(of: a) == dataHash(of: a.reversed()))
    // The documented bytes: sorted by path, "path\0size\n" each.
    #expect(dataHash(of: a) == fnv1a64(Array("train/cats/cat.0.jpg\u{0}200\ntrain/cats/cat.1.jpg\u{0}100\n".utf8)))
    #expect(dataHash(of: a) != dataHash(of: [a[0], SourceFile(path: "train/cats/cat.0.jpg", size: 201)]))
    #expect(dataHash(of: a) != dataHash(of: [a[0]]))
}
