import CHDF5
import Foundation
import Tensor

/// A read-only HDF5 file through libhdf5: groups, string attributes and Float datasets, which
/// is all a Keras weight file needs.
///
/// Debian's libhdf5 is the serial build, which is not thread-safe: every use goes through
/// `HDF5File.withFile`, which holds one process-wide lock for the whole read. HDF5's own
/// error printing is turned off; a failed call becomes an `InspectError` naming the path.
struct HDF5File {
    private static let lock = NSLock()
    /// The largest dataset read, in elements (VGG16's fc1 kernel has 102,760,448).
    static let maximumElements = 200_000_000

    let id: hid_t
    /// The path shown in messages (for a file inside a zip: `archive.keras:model.weights.h5`).
    let path: String

    /// Opens `path` (or, with `image`, those bytes as an in-memory file named `path`), runs
    /// `body` on it and closes it, all under the lock.
    static func withFile<T>(_ path: String, image: [UInt8]? = nil, _ body: (HDF5File) throws(InspectError) -> T) throws(InspectError) -> T {
        lock.lock()
        defer { lock.unlock() }
        cnn_h5_silence_errors()
        let fapl = H5Pcreate(cnn_h5_file_access())
        guard fapl >= 0 else { throw InspectError("\(path): libhdf5 could not make a file-access list") }
        defer { H5Pclose(fapl) }
        if let image {
            // The core driver keeps the file in memory; set_file_image copies the bytes.
            guard H5Pset_fapl_core(fapl, 1 << 20, false) >= 0,
                  image.withUnsafeBytes({ H5Pset_file_image(fapl, UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count) }) >= 0 else {
                throw InspectError("\(path): libhdf5 could not take the file's bytes")
            }
        } else {
            guard FileManager.default.fileExists(atPath: path) else { throw InspectError("\(path): no such file") }
            guard H5Fis_hdf5(path) > 0 else { throw InspectError("\(path): not an HDF5 file") }
        }
        let f = H5Fopen(path, 0 /* H5F_ACC_RDONLY */, fapl)
        guard f >= 0 else { throw InspectError("\(path): libhdf5 could not open it as an HDF5 file") }
        defer { H5Fclose(f) }
        return try body(HDF5File(id: f, path: path))
    }

    /// An open group (or the file's root, "/").
    struct Group {
        let id: hid_t
        let name: String
    }

    /// Runs `body` on the group at `name` (relative to `parent`, or absolute), or returns nil
    /// when there is no such group.
    func withGroup<T>(_ name: String, in parent: Group? = nil, _ body: (Group) throws(InspectError) -> T) throws(InspectError) -> T? {
        let loc = parent?.id ?? id
        guard exists(name, in: loc) else { return nil }
        let g = H5Gopen2(loc, name, cnn_h5_default())
        guard g >= 0 else { return nil }
        defer { H5Gclose(g) }
        return try body(Group(id: g, name: (parent.map { $0.name + "/" } ?? "") + name))
    }

    /// Whether every link along a relative path exists (H5Lexists needs each step checked).
    func exists(_ name: String, in loc: hid_t) -> Bool {
        if name == "/" || name == "." { return true }
        var prefix = name.hasPrefix("/") ? "/" : ""
        for part in name.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + part
            if H5Lexists(loc, prefix, cnn_h5_default()) <= 0 { return false }
        }
        return true
    }

    /// The names of a group's members, in HDF5's name order.
    func members(of g: Group) -> [String] {
        var info = H5G_info_t()
        guard H5Gget_info(g.id, &info) >= 0 else { return [] }
        var out: [String] = []
        for i in 0..<info.nlinks {
            let n = H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, cnn_h5_default())
            guard n >= 0 else { continue }
            var buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buf, buf.count, cnn_h5_default())
            out.append(String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return out
    }

    /// Whether `name` in group `g` is itself a group.
    func isGroup(_ name: String, in g: Group) -> Bool {
        let o = H5Oopen(g.id, name, cnn_h5_default())
        guard o >= 0 else { return false }
        defer { H5Oclose(o) }
        return H5Iget_type(o) == H5I_GROUP
    }

    /// A string attribute (fixed-length or variable-length, one string or an array of them)
    /// of group `g`; nil when the group has no such attribute. An attribute that holds no
    /// strings (h5py writes an empty list as an empty float64 array) gives [].
    func strings(attribute name: String, of g: Group) throws(InspectError) -> [String]? {
        guard H5Aexists(g.id, name) > 0 else { return nil }
        let a = H5Aopen(g.id, name, cnn_h5_default())
        guard a >= 0 else { throw InspectError("\(path): cannot open attribute \(name) of /\(g.name)") }
        defer { H5Aclose(a) }
        let space = H5Aget_space(a)
        defer { H5Sclose(space) }
        let n = Int(H5Sget_simple_extent_npoints(space))
        let type = H5Aget_type(a)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else {
            if n == 0 { return [] }
            throw InspectError("\(path): attribute \(name) of /\(g.name) is not text")
        }
        guard n >= 0, n <= 1_000_000 else { throw InspectError("\(path): attribute \(name) of /\(g.name) has \(n) entries") }
        if n == 0 { return [] }
        let mem = H5Tcopy(cnn_h5_c_string())
        defer { H5Tclose(mem) }
        // libhdf5 converts no strings between ASCII and UTF-8 (h5py writes Python str as
        // UTF-8, bytes as ASCII): read in the file's own character set.
        H5Tset_cset(mem, H5Tget_cset(type))
        if H5Tis_variable_str(type) > 0 {
            H5Tset_size(mem, Int(bitPattern: UInt(bitPattern: -1)))  // H5T_VARIABLE
            var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
            guard H5Aread(a, mem, &ptrs) >= 0 else { throw InspectError("\(path): cannot read attribute \(name) of /\(g.name)") }
            let out = ptrs.map { $0.map { String(cString: $0) } ?? "" }
            H5Dvlen_reclaim(mem, space, cnn_h5_default(), &ptrs)
            return out
        }
        let size = H5Tget_size(type)
        guard size > 0, size <= 1 << 16 else { throw InspectError("\(path): attribute \(name) of /\(g.name) has strings of \(size) bytes") }
        // One byte more than the file's strings: numpy's fixed-length strings (the VGG16 files
        // Keras downloads) are null-padded, and a null-terminated type of the same size would
        // give up their last character to the terminator.
        let width = size + 1
        H5Tset_size(mem, width)
        var buf = [UInt8](repeating: 0, count: n * width)
        guard H5Aread(a, mem, &buf) >= 0 else { throw InspectError("\(path): cannot read attribute \(name) of /\(g.name)") }
        return (0..<n).map { i in
            let bytes = buf[(i * width)..<((i + 1) * width)]
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
    }

    /// The dataset at `name` (relative to `g`) as a Float tensor of its own shape, converted by
    /// libhdf5 from whatever float or integer type the file stores.
    func floats(_ name: String, in g: Group) throws(InspectError) -> Tensor<Float> {
        let shown = "/\(g.name.isEmpty ? "" : g.name + "/")\(name)"
        guard exists(name, in: g.id) else { throw InspectError("\(path): no dataset \(shown)") }
        let d = H5Dopen2(g.id, name, cnn_h5_default())
        guard d >= 0 else { throw InspectError("\(path): \(shown) is not a dataset") }
        defer { H5Dclose(d) }
        let type = H5Dget_type(d)
        defer { H5Tclose(type) }
        let cls = H5Tget_class(type)
        guard cls == H5T_FLOAT || cls == H5T_INTEGER else { throw InspectError("\(path): dataset \(shown) does not hold numbers") }
        let space = H5Dget_space(d)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank >= 0, rank <= 8 else { throw InspectError("\(path): dataset \(shown) has rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: Swift.max(rank, 1))
        H5Sget_simple_extent_dims(space, &dims, nil)
        let shape = dims.prefix(rank).map { Int(clamping: $0) }
        var count = 1
        for s in shape {
            let (p, o) = count.multipliedReportingOverflow(by: s)
            guard !o, p <= Self.maximumElements else {
                throw InspectError("\(path): dataset \(shown) of shape \(shape.map(String.init).joined(separator: "x")) is larger than \(Self.maximumElements) numbers")
            }
            count = p
        }
        var values = [Float](repeating: 0, count: count)
        if count > 0 {
            guard H5Dread(d, cnn_h5_native_float(), 0 /* H5S_ALL */, 0, cnn_h5_default(), &values) >= 0 else {
                throw InspectError("\(path): cannot read dataset \(shown)")
            }
        }
        return Tensor(shape: shape, scalars: values)
    }
}
