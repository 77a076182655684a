import Foundation
import Imaging
import Tensor

/// The file formats a figure is written in.
public enum FigureFormat: String, CaseIterable, Sendable, Comparable {
    case svg, png
    public static func < (a: FigureFormat, b: FigureFormat) -> Bool { a.rawValue < b.rawValue }
}

/// Writes figures into a folder: `ID.svg`, `ID.png` and, for animated figures,
/// `ID-frame-01.png`, `ID-frame-02.png`, ... All the files are rendered before the first is
/// written, and written as one set (staged beside the folder's files, then renamed in).
public struct FigureWriter: Sendable {
    public let directory: String
    public let formats: Set<FigureFormat>
    /// PNG pixels per SVG pixel.
    public let scale: Double

    public init(directory: String, formats: Set<FigureFormat> = [.svg, .png], scale: Double = 1) {
        self.directory = directory
        self.formats = formats
        self.scale = scale
    }

    /// Checks that the folder exists (creating it if needed) and can be written to.
    public func prepare() throws(FigureError) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if !fm.fileExists(atPath: directory, isDirectory: &isDir) {
            do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw FigureError("\(directory): cannot create the folder", hint: "choose another folder with --out")
            }
        } else if !isDir.boolValue {
            throw FigureError("\(directory): is a file, not a folder", hint: "choose another folder with --out")
        }
        guard fm.isWritableFile(atPath: directory) else {
            throw FigureError("\(directory): the folder is not writable", hint: "choose another folder with --out")
        }
    }

    /// The file names (not paths) `write` makes for `figure`, in order.
    public func fileNames(for figure: Figure) -> [String] {
        var names = [String]()
        if formats.contains(.svg) { names.append("\(figure.id).svg") }
        if formats.contains(.png) {
            names.append("\(figure.id).png")
            names += figure.frames.indices.map { FigureWriter.frameName(figure.id, $0) }
        }
        return names
    }

    static func frameName(_ id: String, _ index: Int) -> String {
        let n = index + 1
        return "\(id)-frame-\(n < 10 ? "0" : "")\(n).png"
    }

    /// Renders and writes one figure; returns the paths written.
    public func write(_ figure: Figure) throws(FigureError) -> [String] {
        try write([figure])
    }

    /// Renders every file of `figures` (PNGs on all cores), then writes them as one set
    /// (`AtomicFile.write(set:)`: a kill or a failure leaves the folder's old files or all the
    /// new ones, never a mix); returns the paths. Nothing is written unless every file rendered.
    public func write(_ figures: [Figure]) throws(FigureError) -> [String] {
        try write(rendered: render(figures))
    }

    /// Writes rendered files (name, bytes) into the folder as one set; returns the paths.
    public func write(rendered files: [(name: String, bytes: [UInt8])]) throws(FigureError) -> [String] {
        let set = files.map { (path: (directory as NSString).appendingPathComponent($0.name), bytes: $0.bytes) }
        do { try writeFilesAtomically(set) } catch {
            throw FigureError(error.description)
        }
        return set.map(\.path)
    }

    /// Every file of `figures`, rendered (PNGs on all cores), in `fileNames` order.
    public func render(_ figures: [Figure]) throws(FigureError) -> [(name: String, bytes: [UInt8])] {
        var list: [(name: String, svg: String, figure: Figure, raster: Bool)] = []
        for f in figures {
            if formats.contains(.svg) { list.append(("\(f.id).svg", f.svg, f, false)) }
            if formats.contains(.png) {
                list.append(("\(f.id).png", f.svg, f, true))
                for (i, frame) in f.frames.enumerated() { list.append((FigureWriter.frameName(f.id, i), frame, f, true)) }
            }
        }
        let jobs = list
        let results = ResultBox(count: jobs.count)
        let scale = self.scale
        let renderOne: @Sendable (Int) -> Void = { i in
            let job = jobs[i]
            if !job.raster { results.set(i, .success(Array(job.svg.utf8))); return }
            do {
                let image = try Rasterizer.rasterize(svg: job.svg, width: job.figure.width, height: job.figure.height, scale: scale)
                results.set(i, .success(try PNGCodec.encode(image, fast: true)))
            } catch let e as FigureError {
                results.set(i, .failure(e))
            } catch {
                results.set(i, .failure(FigureError("\(job.figure.id): \(error)")))
            }
        }
        // On one thread when the engine is (CNNLEARN_THREADS=1, or no room for more under ulimit -v).
        if Threads.count == 1 {
            for i in jobs.indices { renderOne(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: jobs.count, execute: renderOne)
        }
        var files = [(name: String, bytes: [UInt8])]()
        for (i, job) in jobs.enumerated() {
            switch results.get(i) {
            case .success(let bytes): files.append((job.name, bytes))
            case .failure(let e): throw e
            case nil: throw FigureError("\(job.name) was not rendered")
            }
        }
        return files
    }
}

/// Results of parallel rendering, one slot per job, behind a lock.
private final class ResultBox: @unchecked Sendable {
    private var slots: [Result<[UInt8], FigureError>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<[UInt8], FigureError>) { lock.lock(); slots[i] = r; lock.unlock() }
    func get(_ i: Int) -> Result<[UInt8], FigureError>? { lock.lock(); defer { lock.unlock() }; return slots[i] }
}
