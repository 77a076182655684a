import Foundation
import Testing
@testable import Tensor

@Suite struct NPYTests {
    func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-npy-\(getpid())-\(name)").path
    }

    @Test func roundTripsTheWrittenTypes() throws {
        let cases: [NPYArray] = [
            .float(Tensor(shape: [2, 3], scalars: [0, -1.5, 3.25, .infinity, 1e-30, 7])),
            .int(Tensor(shape: [4], scalars: [Int.min, -1, 0, Int.max])),
            .bool(Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])),
            .float(Tensor(shape: [], scalars: [2.5])),
            .int(Tensor(shape: [0, 3], scalars: [])),
        ]
        for (i, a) in cases.enumerated() {
            let path = tempPath("rt\(i).npy")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try NPY.write(a, path: path)
            #expect(try NPY.read(path: path) == a)
            let bytes = try #require(FileManager.default.contents(atPath: path))
            #expect(bytes.count >= 64)
        }
    }

    @Test func overwritesAnExistingFileAndLeavesNoTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlearn-npy-dir-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w.npy").path
        try NPY.write(.int(Tensor(shape: [2], scalars: [1, 2])), path: path)
        try NPY.write(.float(Tensor(shape: [1], scalars: [0.5])), path: path)
        #expect(try NPY.read(path: path) == .float(Tensor(shape: [1], scalars: [0.5])))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["w.npy"])
        #expect(throws: NPYError.self) { try NPY.write(.int(Tensor(shape: [1], scalars: [1])), path: dir.path + "/missing/x.npy") }
    }

    /// Builds a .npy file by hand, as numpy would write it.
    func handMade(descr: String, shape: String, payload: [UInt8], version: UInt8 = 1, fortran: Bool = false) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        let prefix = version == 1 ? 10 : 12
        header += String(repeating: " ", count: (64 - (prefix + header.utf8.count + 1) % 64) % 64) + "\n"
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        let n = header.utf8.count
        out += version == 1 ? [UInt8(n & 255), UInt8(n >> 8)] : [UInt8(n & 255), UInt8(n >> 8 & 255), 0, 0]
        return out + Array(header.utf8) + payload
    }

    @Test func readsEveryDtypeAndBothVersions() throws {
        let f4 = handMade(descr: "<f4", shape: "(2,)", payload: [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
        #expect(try NPY.decode(f4, path: "f4.npy") == .float(Tensor(shape: [2], scalars: [1, -2])))
        let f8 = handMade(descr: "<f8", shape: "(1,)", payload: [0, 0, 0, 0, 0, 0, 0xF8, 0x3F], version: 2)
        #expect(try NPY.decode(f8, path: "f8.npy") == .float(Tensor(shape: [1], scalars: [1.5])))
        let i4 = handMade(descr: "<i4", shape: "(1, 2)", payload: [0xFF, 0xFF, 0xFF, 0xFF, 5, 0, 0, 0])
        #expect(try NPY.decode(i4, path: "i4.npy") == .int(Tensor(shape: [1, 2], scalars: [-1, 5])))
        let i8 = handMade(descr: ">i8", shape: "(1,)", payload: [0, 0, 0, 0, 0, 0, 1, 0])
        #expect(try NPY.decode(i8, path: "i8.npy") == .int(Tensor(shape: [1], scalars: [256])))
        let u1 = handMade(descr: "|u1", shape: "(3,)", payload: [0, 128, 255])
        #expect(try NPY.decode(u1, path: "u1.npy") == .int(Tensor(shape: [3], scalars: [0, 128, 255])))
        let b1 = handMade(descr: "|b1", shape: "()", payload: [1])
        #expect(try NPY.decode(b1, path: "b1.npy") == .bool(Tensor(shape: [], scalars: [1])))
    }

    @Test func badFilesGiveClearErrors() throws {
        func message(_ bytes: [UInt8]) -> String {
            do { _ = try NPY.decode(bytes, path: "data/x.npy"); return "" } catch { return "\(error)" }
        }
        #expect(message(Array("hello world".utf8)).hasPrefix("data/x.npy: not a .npy file"))
        #expect(message(handMade(descr: "<c8", shape: "(1,)", payload: [0, 0, 0, 0, 0, 0, 0, 0])).contains("unsupported element type '<c8'"))
        // Headers that are not what numpy writes.
        func header(_ text: String) -> [UInt8] {
            var h = text
            h += String(repeating: " ", count: (64 - (10 + h.utf8.count + 1) % 64) % 64) + "\n"
            return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.utf8.count & 255), UInt8(h.utf8.count >> 8)] + Array(h.utf8) + [0, 0, 0, 0]
        }
        #expect(message(header("{'descr': '<f4', 'fortran_order': False, 'shape': 5, }")).contains("'shape' must be a tuple"))
        #expect(message(header("{'descr': '<f4', 'shape': (1,), }")).contains("are all required"))
        #expect(message(header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }")).contains("unexpected key 'x'"))
        #expect(message(header("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }")).contains("appears twice"))
        #expect(message(header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }")).contains("True or False"))
        #expect(message(header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }")).contains("too large"))
        #expect(message(header("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100), }")).contains("over the memory budget"))
        #expect(message(header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")).contains("not a non-negative integer"))
        #expect(message(header("{")).contains("not a dict"))
        #expect(message(header("{'descr")).contains("not a dict"))
        #expect(message(header("{'descr': }")).contains("bad header"))
        #expect(message(handMade(descr: "<f4", shape: "(2,)", payload: [0, 0, 0, 0])).contains("truncated"))
        #expect(message(handMade(descr: "<f4", shape: "(x,)", payload: [])).contains("bad header"))
        do {
            _ = try NPY.read(path: "/nonexistent/y.npy")
            Issue.record("expected an error")
        } catch let e as NPYError {
            #expect(e.path == "/nonexistent/y.npy")
        }
        #expect(throws: NPYError.self) { try NPY.write(.bool(Tensor(shape: [1], scalars: [2])), path: tempPath("bad.npy")) }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/npy").path

    /// (name, dtype, shape, values) from expected.txt, written by numpy with the fixtures.
    static func expected() throws -> [(name: String, dtype: String, shape: [Int], values: [String])] {
        let text = try String(contentsOfFile: fixtures + "/expected.txt", encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let shape = f[2] == "scalar" ? [] : f[2].split(separator: "x").map { Int($0)! }
            return (f[0], f[1], shape, f[3].split(separator: " ").map(String.init))
        }
    }

    static func matches(_ a: NPYArray, _ e: (name: String, dtype: String, shape: [Int], values: [String])) -> Bool {
        switch a {
        case .float(let t): return t.shape == e.shape && t.scalars == e.values.map { Float($0)! }
        case .int(let t), .bool(let t): return t.shape == e.shape && t.scalars == e.values.map { Int($0)! }
        }
    }

    @Test func readsWhatNumpyWrote() throws {
        let all = try Self.expected()
        #expect(all.count >= 25)
        for e in all where !e.name.hasPrefix("npz:") {
            let a = try NPY.read(path: Self.fixtures + "/" + e.name)
            #expect(Self.matches(a, e), "\(e.name) (\(e.dtype)) read as \(a)")
        }
    }

    @Test func refusesValuesOutsideTheEnginesTypes() throws {
        for (name, want) in [("f8-out-of-range.npy", "outside Float's range"), ("u8-too-big.npy", "larger than the largest Int")] {
            do {
                _ = try NPY.read(path: Self.fixtures + "/" + name)
                Issue.record("\(name) was read")
            } catch {
                #expect("\(error)".contains(want), "\(error)")
            }
        }
    }

    @Test func readsAndWritesNpzArchivesStoredAndDeflated() throws {
        let all = try Self.expected()
        let x = try #require(all.first { $0.name == "npz:x" }), y = try #require(all.first { $0.name == "npz:y" })
        for file in ["stored.npz", "deflated.npz"] {
            let arrays = try NPZ.read(path: Self.fixtures + "/" + file)
            #expect(arrays.map(\.name) == ["x", "y"])
            #expect(Self.matches(arrays[0].array, x) && Self.matches(arrays[1].array, y), "\(file)")
        }
        let ours: [(name: String, array: NPYArray)] = [("a", .float(Tensor(shape: [2], scalars: [1, 2]))), ("b", .int(Tensor(shape: [0], scalars: [])))]
        for compressed in [false, true] {
            let path = tempPath("ours\(compressed).npz")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try NPZ.write(ours, path: path, compressed: compressed)
            let back = try NPZ.read(path: path)
            #expect(back.map(\.name) == ["a", "b"] && back[0].array == ours[0].array && back[1].array == ours[1].array)
            // Same arrays, same bytes.
            #expect(try NPZ.encode(ours, path: path, compressed: compressed) == [UInt8](FileManager.default.contents(atPath: path)!))
        }
        // Damage: cut off, flipped bytes, not a zip.
        let good = [UInt8](FileManager.default.contents(atPath: Self.fixtures + "/deflated.npz")!)
        #expect(throws: NPYError.self) { try NPZ.decode(Array(good.prefix(good.count / 2)), path: "cut.npz") }
        var flipped = good
        flipped[60] ^= 0xFF
        #expect(throws: NPYError.self) { try NPZ.decode(flipped, path: "flipped.npz") }
        #expect(throws: NPYError.self) { try NPZ.decode(Array("not a zip".utf8), path: "text.npz") }
        #expect(throws: NPYError.self) { try NPZ.decode([], path: "empty.npz") }
    }
}
