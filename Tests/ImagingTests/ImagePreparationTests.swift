import Foundation
import Imaging
import Tensor
import Testing
import TestSupport

/// A 4x4 RGB image whose pixel (x, y) is (10x + y, 100 + y, 200 + x): every value says where
/// it came from.
private func labelledPixels() throws -> RasterImage {
    var p: [UInt8] = []
    for y in 0..<4 { for x in 0..<4 { p += [UInt8(10 * x + y), UInt8(100 + y), UInt8(200 + x)] } }
    return try RasterImage(width: 4, height: 4, channels: 3, pixels: p)
}

@Test func anImageIsDecodedResizedAndRescaledAsTrainingDoes() throws {
    let t = try TempFolder("prepare")
    defer { t.remove() }
    try t.write("cats/cat.0.png", try PNGCodec.encode(labelledPixels()))
    let path = t.path + "/cats/cat.0.png"
    let x = try prepareImage(path: path, input: [2, 2, 3])
    #expect(x.shape == [1, 2, 2, 3])
    // Nearest 4 -> 2 takes input pixel floor((2d + 1) * 4 / 4) = 1, 3 on each axis.
    let picked: [UInt8] = [11, 101, 201, 31, 101, 203, 13, 103, 201, 33, 103, 203]
    #expect(x.scalars == picked.map { Float($0) * LabeledImages.rescale })
    #expect(x.scalars[0] == Float(11) * Float(1.0 / 255.0))
    // Gray is PIL's luma of each picked pixel: (11, 101, 201) -> (11*19595 + 101*38470 + 201*7471 + 32768) >> 16.
    let gray = try prepareImage(path: path, input: [2, 2, 1])
    #expect(gray.shape == [1, 2, 2, 1])
    let luma: Int = (11 * 19595 + 101 * 38470 + 201 * 7471 + 32768) >> 16
    #expect(luma == 85)
    #expect(gray.scalars[0] == Float(luma) * LabeledImages.rescale)
}

@Test func preparedImagesEqualTheTrainingBatchBitForBit() throws {
    let t = try TempFolder("prepare-same")
    defer { t.remove() }
    guard let shared = sharedImages else { return }
    for (i, name) in ["chelsea.png", "rocket.jpg"].enumerated() {
        try t.write("c\(i)/x.0.\(name.split(separator: ".").last!)", [UInt8](try Data(contentsOf: shared.appendingPathComponent(name))))
    }
    for format in [ImageFormat(height: 150, width: 150, channels: 3), ImageFormat(height: 28, width: 28, channels: 1),
                   ImageFormat(height: 40, width: 60, channels: 3, interpolation: .bilinear)] {
        let set = try ImageFolder.load(t.path, classes: nil, counts: SplitCounts(train: 1, validation: 0, test: 0), format: format).train
        let batch = set.batch([0, 1]).x
        let ours = try prepareImages(paths: set.files.map { t.path + "/" + $0.path }, format: format)
        #expect(ours.shape == batch.shape)
        #expect(ours.scalars.map(\.bitPattern) == batch.scalars.map(\.bitPattern))
        let one = try prepareImage(path: t.path + "/" + set.files[1].path, input: [format.height, format.width, format.channels],
                                   interpolation: format.interpolation)
        #expect(one.scalars == Array(batch.scalars[(batch.count / 2)...]))
    }
}

@Test func aMissingOrBrokenImageIsOneErrorNamingItsPath() throws {
    let t = try TempFolder("prepare-bad")
    defer { t.remove() }
    let missing = t.path + "/nope.png"
    #expect(throws: ImagingError(path: missing, message: "no such file")) {
        try prepareImage(path: missing, input: [150, 150, 3])
    }
    try t.write("garbage.jpg", Array("not an image".utf8))
    #expect(throws: ImagingError(path: t.path + "/garbage.jpg", message: "not a PNG or JPEG file", hint: "cnnlearn reads .png and .jpg images")) {
        try prepareImage(path: t.path + "/garbage.jpg", input: [150, 150, 3])
    }
    let cut = truncatedJPEG.path
    #expect {
        try prepareImage(path: cut, input: [150, 150, 3])
    } throws: { error in
        (error as? ImagingError)?.path == cut
    }
    try t.write("ok.png", try PNGCodec.encode(labelledPixels()))
    #expect {
        try prepareImage(path: t.path + "/ok.png", input: [784])
    } throws: { error in
        guard let e = error as? ImagingError else { return false }
        return e.path == t.path + "/ok.png" && e.message == "the model takes input 784, not an image HxWx1 or HxWx3"
    }
    // The second of three files is the one named.
    #expect {
        try prepareImages(paths: [t.path + "/ok.png", missing, t.path + "/garbage.jpg"], format: ImageFormat(height: 2, width: 2, channels: 3))
    } throws: { error in
        (error as? ImagingError)?.path == missing
    }
}

/// The shared photos (chelsea.png, rocket.jpg, ...) beside the checkout, or nil with a notice.
private var sharedImages: URL? {
    let u = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/images")
    guard FileManager.default.fileExists(atPath: u.path) else {
        print("skipped: no shared images at \(u.path)")
        return nil
    }
    return u
}
