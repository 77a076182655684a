import Foundation
import Imaging
import Tensor
import Testing

@Test func idxHeaderAndDataOfASmallFile() throws {
    // 2 x 3 unsigned bytes: magic 00 00 08 02, sizes 2 and 3 big-endian, then 6 values.
    let bytes: [UInt8] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 10, 20, 30, 40, 50, 255]
    let header = try IDXFile.header(bytes, path: "small.idx")
    #expect(header.shape == [2, 3])
    #expect(header.byteCount == 12)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-small-\(ProcessInfo.processInfo.processIdentifier).idx").path
    try writeFileAtomically(bytes, to: path)
    let t = try IDXFile.read(path: path)
    #expect(t.shape == [2, 3])
    #expect(t.scalars == [10, 20, 30, 40, 50, 255])
}

@Test func idxWithTooFewBytesIsAnError() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-short-\(ProcessInfo.processInfo.processIdentifier).idx").path
    try writeFileAtomically([0, 0, 8, 1, 0, 0, 0, 5, 1, 2], to: path)
    #expect(throws: ImagingError.self) { try IDXFile.read(path: path) }
    #expect(throws: ImagingError.self) { try IDXFile.header([1, 2, 3, 4], path: "x") }
}

@Test func missingFashionMNISTHintsAtThePackage() throws {
    do {
        _ = try FashionMNIST.load(.test, folder: "/nonexistent/fashion")
        Issue.record("no error for a missing dataset")
    } catch {
        #expect(error.hint?.contains("dataset-fashion-mnist") == true)
    }
}

@Test func fashionMNISTTestSplitLoads() throws {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultFolder) else {
        print("notice: dataset-fashion-mnist is not installed; skipping")
        return
    }
    let (images, labels) = try FashionMNIST.load(.test)
    #expect(images.shape == [10000, 28, 28])
    #expect(labels.shape == [10000])
    #expect(labels.scalars.allSatisfy { (0...9).contains($0) })
}
