import CLibJPEG
import Foundation
@testable import Imaging
import Tensor
import Testing

private let robust = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/robust").path

private func message(_ body: () throws -> Any) -> String {
    do { _ = try body(); return "" } catch { return "\(error)" }
}

/// Images from scripts/make_image_fixtures.py: hostile headers are refused before decoding,
/// 16-bit and gamma-tagged PNGs come back with their stored values.
@Suite struct RobustCodecTests {
    @Test func headersClaimingHugeImagesAreRefusedBeforeDecoding() throws {
        for name in ["huge-header.png", "huge-header.jpg"] {
            let bytes = try readFileBytes(path: robust + "/" + name)
            #expect(bytes.count < 8000)
            let m = message { try decodeImage(bytes, path: name) }
            #expect(m.contains("60000x60000") && m.contains("over the memory budget"), "\(name): \(m)")
        }
        // Within a budget the same header check passes small images.
        let small = try readFileBytes(path: robust + "/gray16.png")
        #expect(try PNGCodec.decodeSamples(small, path: "gray16.png").width == 3)
        MemoryBudget.$scoped.withValue(10) {
            #expect(message { try PNGCodec.decodeSamples(small, path: "gray16.png") }.contains("over the memory budget"))
        }
    }

    @Test func sixteenBitPngsKeepTheirStoredValues() throws {
        let gray = try readImageSamples(path: robust + "/gray16.png")
        #expect(gray.bitDepth == 16 && gray.channels == 1)
        #expect(gray.intTensor == Tensor(shape: [2, 3, 1], scalars: [0, 1, 255, 256, 40000, 65535]))
        let rgb = try readImageSamples(path: robust + "/rgb16-gamma.png")
        #expect(rgb.intTensor == Tensor(shape: [2, 2, 3], scalars: [1000, 2000, 3000, 65535, 0, 12345, 300, 301, 302, 40000, 50000, 60000]))
        // Interlaced (Adam7): every row in place.
        let ramp = try readImageSamples(path: robust + "/rgb16-interlaced.png")
        let want = (0..<9).flatMap { y in (0..<9).flatMap { x in (0..<3).map { c in (y * 9 + x) * 700 + c } } }
        #expect(ramp.intTensor == Tensor(shape: [9, 9, 3], scalars: want))
        // At 8 bits: scaled by 255/65535 and rounded, no gamma curve.
        let eight = try readImage(path: robust + "/gray16.png")
        #expect(eight.pixels == [0, 0, 1, 1, 156, 255])
    }

    @Test func gammaTaggedPngsAreNotConverted() throws {
        let g = try readImage(path: robust + "/gray8-gamma.png")
        #expect(g.pixels == [0, 64, 128, 255])
    }

    @Test func cmykAndYcckJpegsAreRefusedAsWhatTheyAre() throws {
        // libjpeg-turbo writes packed CMYK as a YCCK JPEG.
        let (w, h) = (8, 8)
        let cmyk = [UInt8](repeating: 128, count: w * h * 4)
        let handle = try #require(tjInitCompress())
        defer { tjDestroy(handle) }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = cmyk.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(w), 0, Int32(h), Int32(TJPF_CMYK.rawValue), &out, &size,
                        Int32(TJSAMP_444.rawValue), 90, 0)
        }
        #expect(status == 0)
        let bytes = Array(UnsafeBufferPointer(start: try #require(out), count: Int(size)))
        tjFree(out)
        let m = message { try decodeImage(bytes, path: "print.jpg") }
        #expect(m.contains("YCCK") && m.contains("convert it to RGB"), "\(m)")
    }

    @Test func everySubsamplingModeDecodes() throws {
        let (w, h) = (16, 16)
        let rgb = (0..<(w * h * 3)).map { UInt8(($0 * 7) % 256) }
        let handle = try #require(tjInitCompress())
        defer { tjDestroy(handle) }
        for sub in [TJSAMP_444, TJSAMP_422, TJSAMP_420, TJSAMP_GRAY, TJSAMP_440, TJSAMP_411] {
            var out: UnsafeMutablePointer<UInt8>? = nil
            var size: UInt = 0
            let status = rgb.withUnsafeBufferPointer {
                tjCompress2(handle, $0.baseAddress, Int32(w), 0, Int32(h), Int32(TJPF_RGB.rawValue), &out, &size,
                            Int32(sub.rawValue), 90, 0)
            }
            #expect(status == 0)
            let bytes = Array(UnsafeBufferPointer(start: try #require(out), count: Int(size)))
            tjFree(out)
            let image = try decodeImage(bytes, path: "sub\(sub.rawValue).jpg")
            #expect(image.width == w && image.height == h && image.channels == (sub == TJSAMP_GRAY ? 1 : 3))
        }
    }

    /// Files cjpeg wrote in every sampling mode libjpeg-turbo decodes (scripts/make_jpeg_fixtures.sh),
    /// against djpeg's decode of the same file (saved as .npy by numpy): exactly equal.
    @Test(arguments: ["sub-444", "sub-422", "sub-420", "sub-440", "sub-411", "sub-441", "gray"])
    func everySamplingModeDecodesToTheReferencePixels(name: String) throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jpeg").path
        let image = try readImage(path: folder + "/" + name + ".jpg")
        guard case .int(let reference) = try NPY.read(path: folder + "/" + name + ".npy") else {
            Issue.record("\(name).npy is not an integer array"); return
        }
        #expect([image.height, image.width, image.channels] == reference.shape)
        #expect(reference.shape == [16, 16, name == "gray" ? 1 : 3])
        let got = image.pixels.map(Int.init)
        let want = reference.scalars
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? -1
        #expect(got == want, "\(name): largest difference \(worst)")
        // Not a constant picture: the check above compares real structure.
        #expect(Set(want).count > 50)
    }

    @Test func cmykAndYcckFixturesAreRefusedByName() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jpeg").path
        let ycck = message { try readImage(path: folder + "/ycck.jpg") }
        #expect(ycck.hasPrefix(folder + "/ycck.jpg") && ycck.contains("a YCCK (Adobe CMYK) JPEG (print colours)"), "\(ycck)")
        let cmyk = message { try readImage(path: folder + "/cmyk.jpg") }
        #expect(cmyk.contains("a CMYK JPEG (print colours)") && cmyk.contains("convert it to RGB"), "\(cmyk)")
    }

    /// A progressive file of 600 scans (scripts/make_jpeg_fixtures.sh repeats the last one):
    /// refused past TurboJPEG's 500-scan limit, by name, instead of decoding every scan.
    @Test func aProgressiveScanBombIsRefusedByName() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jpeg").path
        let m = message { try readImage(path: folder + "/scan-bomb.jpg") }
        #expect(m.hasPrefix(folder + "/scan-bomb.jpg") && m.contains("a progressive JPEG with too many scans"), "\(m)")
    }

    @Test func theFrameHeaderIsReadWhereTurboJPEGsHeaderCallGivesUp() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jpeg").path
        let f = try #require(JPEGFrame(try readFileBytes(path: folder + "/sub-441.jpg")))
        #expect(f.width == 16 && f.height == 16 && f.components == 3 && f.adobeTransform == nil)
        let y = try #require(JPEGFrame(try readFileBytes(path: folder + "/ycck.jpg")))
        #expect(y.components == 4 && y.adobeTransform == 2)
        #expect(JPEGFrame(Array(try readFileBytes(path: folder + "/sub-441.jpg").prefix(40))) == nil)
        #expect(JPEGFrame([0xFF, 0xD8, 0xFF, 0xC0, 0xFF, 0xFF]) == nil)
    }

    @Test func damagedPngsAreErrorsNotCrashes() throws {
        let good = try readFileBytes(path: robust + "/rgb16-interlaced.png")
        var g = UInt64(7)
        for i in 0..<300 {
            var bytes = good
            g = g &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(g >> 33) % 4 + 1
            for k in 0..<n { bytes[(Int(g >> 20) &+ k * 131 &+ i) % bytes.count] ^= UInt8(truncatingIfNeeded: g >> 8) | 1 }
            if i % 3 == 0 { bytes = Array(bytes.prefix(Int(g >> 40) % bytes.count)) }
            _ = try? decodeImage(bytes, path: "damaged.png")
            _ = try? PNGCodec.decodeSamples(bytes, path: "damaged.png")
        }
    }
}
