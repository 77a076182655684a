import Tensor

/// Keras 3's `.keras` file is a zip holding config.json, metadata.json and model.weights.h5;
/// its members are read through the program's one zip reader (`Zip` in module Tensor), with
/// errors that name the file.
enum ZipArchive {
    /// The bytes of the member called `name`, or nil when the archive has none.
    static func read(_ name: String, from bytes: [UInt8], path: String) throws(InspectError) -> [UInt8]? {
        do throws(Zip.Failure) {
            guard let m = try Zip.members(bytes).first(where: { $0.name == name }) else { return nil }
            return try Zip.contents(of: m, in: bytes)
        } catch {
            throw InspectError("\(path): \(error.message)")
        }
    }
}
