import Foundation

/// numpy's `.npz` archives (`np.savez`, `np.savez_compressed`): a zip file with one `.npy`
/// member per array, stored or deflated (zlib). Arrays are read and written by name (the
/// member's name without `.npy`), in the archive's order.
///
/// The archive is read and written by `Zip`, which trusts nothing it reads (offsets, sizes
/// against the memory budget, CRC-32) and writes the same bytes for the same arrays.
public enum NPZ {
    /// Reads every array of a `.npz` file, in archive order.
    public static func read(path: String) throws -> [(name: String, array: NPYArray)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NPYError(path: path, message: "cannot read the file (missing or unreadable)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes the bytes of a `.npz` file; `path` only names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> [(name: String, array: NPYArray)] {
        do {
            return try Zip.members(bytes).map { m throws in
                let name = m.name.hasSuffix(".npy") ? String(m.name.dropLast(4)) : m.name
                return (name, try NPY.decode(try Zip.contents(of: m, in: bytes), path: path + "/" + m.name))
            }
        } catch let f as Zip.Failure {
            throw NPYError(path: path, message: f.message)
        }
    }

    /// Writes arrays as a `.npz` archive (deflated like `savez_compressed` when `compressed`),
    /// atomically (`AtomicFile`).
    public static func write(_ arrays: [(name: String, array: NPYArray)], path: String, compressed: Bool = false) throws {
        let bytes = try encode(arrays, path: path, compressed: compressed)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw NPYError(path: path, message: "cannot write the file: \(error.reason)")
        }
    }

    /// The bytes of a `.npz` archive holding `arrays`: member `NAME.npy` for each.
    public static func encode(_ arrays: [(name: String, array: NPYArray)], path: String, compressed: Bool = false) throws -> [UInt8] {
        var zip = Zip.Writer()
        do {
            for (name, array) in arrays {
                try zip.add(name: name + ".npy", data: try NPY.encode(array, path: path), compressed: compressed)
            }
            return try zip.finish()
        } catch let f as Zip.Failure {
            throw NPYError(path: path, message: f.message)
        }
    }
}
