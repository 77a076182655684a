import Foundation
import Imaging
import Tensor
import TestSupport
import Testing

private func tempPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-imaging-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// A smooth test picture: a horizontal and a vertical ramp and their mix, (H,W,3).
private func gradientImage(width: Int, height: Int) throws -> RasterImage {
    var px = [UInt8]()
    for y in 0..<height {
        for x in 0..<width {
            px += [UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), UInt8((x + y) * 255 / (width + height - 2))]
        }
    }
    return try RasterImage(width: width, height: height, channels: 3, pixels: px)
}

@Test(arguments: [1, 3, 4])
func pngWrittenAndReadBackIsIdentical(channels: Int) throws {
    let (w, h) = (7, 5)
    let px = (0..<(w * h * channels)).map { UInt8(($0 * 37) % 256) }
    let image = try RasterImage(width: w, height: h, channels: channels, pixels: px)
    let path = tempPath("roundtrip-\(channels).png")
    try PNGCodec.write(image, to: path)
    let back = try PNGCodec.read(path: path)
    #expect(back == image)
    #expect(back.intTensor.shape == [h, w, channels])
}

@Test func pngEncodingIsDeterministic() throws {
    let image = try gradientImage(width: 16, height: 9)
    #expect(try PNGCodec.encode(image) == PNGCodec.encode(image))
}

@Test func jpegEncodedAndDecodedStaysWithinSixLevels() throws {
    // Quality 95, 4:4:4, a smooth picture: every sample decodes within 6 of 255 levels.
    let image = try gradientImage(width: 32, height: 24)
    let bytes = try JPEGCodec.encode(image, quality: 95)
    #expect(bytes.starts(with: [0xFF, 0xD8]))
    let back = try JPEGCodec.decode(bytes, path: "mem.jpg")
    #expect(back.width == 32 && back.height == 24 && back.channels == 3)
    let worst = zip(back.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    #expect(worst <= 6)
}

@Test func truncatedJPEGIsAnErrorNamingThePath() throws {
    guard let shared = sharedFolder else {
        print("notice: ../shared is absent; skipping the truncated JPEG test")
        return
    }
    let path = shared.appendingPathComponent("data/images/truncated.jpg").path
    do {
        _ = try readImage(path: path)
        Issue.record("a cut-off JPEG decoded without an error")
    } catch {
        #expect(error.path == path)
        #expect(error.description.contains("JPEG"))
    }
}

@Test func cutOffJPEGBytesAreAnError() throws {
    let bytes = try JPEGCodec.encode(try gradientImage(width: 64, height: 64), quality: 90)
    #expect(throws: ImagingError.self) { try JPEGCodec.decode(Array(bytes.prefix(bytes.count / 2)), path: "half.jpg") }
}

@Test func realPhotographsDecode() throws {
    guard let shared = sharedFolder else {
        print("notice: ../shared is absent; skipping the photograph test")
        return
    }
    let rocket = try readImage(path: shared.appendingPathComponent("data/images/rocket.jpg").path)
    #expect((rocket.width, rocket.height, rocket.channels) == (640, 427, 3))
    let cat = try readImage(path: shared.appendingPathComponent("data/images/chelsea.png").path)
    #expect((cat.width, cat.height, cat.channels) == (451, 300, 3))
}

@Test func tensorConversionsRoundTrip() throws {
    let t = try Tensor<Int>(rows: [[0, 128, 255], [1, 2, 3]])
    let image = try RasterImage(t)
    #expect(image.channels == 1)
    #expect(image.intTensor.scalars == t.scalars)
    #expect(image.floatTensor.scalars[2] == 1)
    let f = Tensor<Float>(shape: [1, 3], scalars: [-0.5, 0.5, 2])
    #expect(try RasterImage(normalized: f).pixels == [0, 128, 255])
    #expect(throws: ImagingError.self) { try RasterImage(Tensor<Int>(shape: [1, 1], scalars: [256])) }
}

@Test func missingFileIsAClearError() throws {
    do {
        _ = try readImage(path: "/nonexistent/cat.png")
        Issue.record("no error for a missing file")
    } catch {
        #expect(error.description == "/nonexistent/cat.png: error: no such file")
    }
}
