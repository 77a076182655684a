import Foundation
import Imaging
import TestSupport

/// A fresh, empty temporary folder for one test; removed by `remove()`.
struct TempFolder {
    let url: URL
    var path: String { url.path }

    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cnnlearn-data-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes a 2x2 gray PNG whose four pixels are all `value` at `relative`, making folders.
    /// A folder read at 2x2x1 gives back `value`, so each image says which file it came from.
    func png(_ relative: String, value: UInt8, channels: Int = 1) throws {
        let image = try RasterImage(width: 2, height: 2, channels: channels,
                                    pixels: [UInt8](repeating: value, count: 4 * channels))
        try write(relative, PNGCodec.encode(image))
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let u = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: u)
    }
}

/// The first byte of every image of a set: which fixture each image is (see `TempFolder.png`).
func values(_ set: LabeledImages?) -> [Int] {
    guard let set else { return [] }
    return (0..<set.count).map { Int(set.pixels[$0 * set.bytesPerImage]) }
}

/// The cut-off JPEG of the shared test images, copied into the repository (400 bytes); it sits
/// outside the test targets so that SwiftPM does not take it for a resource.
let truncatedJPEG = repositoryRoot.appendingPathComponent("Tests/Fixtures/images/truncated.jpg")

/// The format the 2x2 fixtures are read back in, unchanged.
let tiny = ImageFormat(height: 2, width: 2, channels: 1)
