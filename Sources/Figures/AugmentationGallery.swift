import Foundation
import Imaging
import Tensor

/// The tutorial's figure of a photo and its augmented copies (section 4.3): the original and
/// `count` variants drawn from a spec with a seed, each captioned with what was drawn for it.
public enum AugmentationGallery {
    /// Most variants a gallery shows.
    public static let maxCount = 64

    /// Variant k (1...count) is `spec.draw(seed: seed, index: k - 1)` applied to `image`, so the
    /// same seed gives the same gallery and variant k is what training would draw for image k - 1
    /// of epoch 0.
    public static func make(id: String, image: RasterImage, spec: AugmentSpec, count: Int, seed: UInt64,
                            name: String, columns: Int? = nil) throws(FigureError) -> Figure {
        guard (1...maxCount).contains(count) else {
            throw FigureError("a gallery shows 1 to \(maxCount) variants, not \(count)")
        }
        var images = [image], captions = ["original"], described = [String]()
        for k in 1...count {
            let (variant, t): (RasterImage, AugmentTransform)
            do { (variant, t) = try spec.augment(image, seed: seed, index: k - 1) } catch {
                throw FigureError(error.message, hint: error.hint)
            }
            images.append(variant)
            captions.append((["#\(k)"] + t.captionLines).joined(separator: "\n"))
            described.append("#\(k): \(t.captionLines.joined(separator: ", "))")
        }
        let cols = columns ?? Swift.min(images.count, count + 1 <= 4 ? count + 1 : (count + 1 <= 9 ? 3 : 5))
        let cell = Double(Swift.max(112, Swift.min(160, Swift.max(image.width, image.height))))
        let grid = ImageGrid(images: images, captions: captions, columns: cols, cell: cell, gap: 34)
        // The title is one line of 17 px bold text (about 10.5 px a character in DejaVu Sans):
        // a name too long for the canvas is cut short with an ellipsis (the desc keeps it whole).
        let suffix = " and \(count) augmented cop\(count == 1 ? "y" : "ies")"
        let width = 80 + Double(cols) * (cell + 34) - 34
        let room = Swift.max(8, Int((width - 24) / 10.5) - suffix.count)
        let title = (name.count <= room ? name : String(name.prefix(room - 1)) + "…") + suffix
        let specText = spec.text.isEmpty ? "none" : spec.text
        let desc = "The \(image.width)x\(image.height) image \(name) and \(count) variants drawn with seed \(seed) from the augmentation spec \"\(specText)\" (Keras ImageDataGenerator semantics; fill \(spec.resampling.fill.rawValue), \(spec.resampling.order.name) sampling). "
            + described.joined(separator: "; ") + "."
        return Figure(id: id, document: try grid.render(title: title, desc: desc))
    }

    /// `figure("augmentation-gallery", img, n: 8, seed: 1, spec: "tutorial", name: "chelsea")`:
    /// an Int image (H,W,3) or (H,W) of 0...255, from `load(...)`.
    static func figure(_ a: FigureArguments) throws(FigureError) -> Figure {
        try a.rejectUnknownLabels(["image", "n", "seed", "spec", "name", "columns"])
        guard let t = try a.tensor(0, "image"), case .int(let pixels) = t else {
            throw FigureError("figure \"\(a.request.id)\": give the image as Ints 0...255 (H,W,C), e.g. load(\"photo.jpg\")")
        }
        let image: RasterImage
        do { image = try RasterImage(pixels) } catch { throw FigureError("figure \"\(a.request.id)\": \(error.message)") }
        let specText = try a.string(nil, "spec") ?? "tutorial"
        let spec: AugmentSpec
        do { spec = try AugmentSpec(parsing: specText) } catch { throw FigureError("figure \"\(a.request.id)\": \(error.message)", hint: error.hint) }
        let seed = try a.int(nil, "seed") ?? 1
        guard seed >= 0 else { throw FigureError("figure \"\(a.request.id)\": seed must not be negative") }
        return try make(id: a.request.id, image: image, spec: spec, count: try a.int(nil, "n") ?? 8, seed: UInt64(seed),
                        name: try a.string(nil, "name") ?? "the image", columns: try a.int(nil, "columns"))
    }
}

extension AugmentationGallery {
    /// `cnnlearn augment IMAGE --n N --seed S [--augment SPEC] --out FILE.png`: reads the image,
    /// draws the gallery and writes FILE.svg and FILE.png (every byte made before the first file
    /// is written, each file renamed into place). Returns the paths written.
    public static func write(imagePath: String, count: Int, seed: UInt64, spec specText: String, out: String) throws(FigureError) -> [String] {
        let (folder, stem) = try outputName(out, allowed: ["png", "svg"])
        guard (1...maxCount).contains(count) else {
            throw FigureError("--n must be between 1 and \(maxCount), got \(count)")
        }
        let spec: AugmentSpec
        do { spec = try AugmentSpec(parsing: specText) } catch { throw FigureError(error.message, hint: error.hint) }
        let image = try readImageForFigure(imagePath)
        let name = (imagePath as NSString).lastPathComponent
        let figure = try make(id: stem, image: image, spec: spec, count: count, seed: seed, name: name)
        let writer = FigureWriter(directory: folder)
        try writer.prepare()
        return try writer.write(figure)
    }

    /// `cnnlearn augment IMAGE --apply "rotation=30,shift_x=0.1" --out FILE.png`: exactly that
    /// transform, no randomness, written as one image (PNG, or JPEG for .jpg) of the input's size.
    public static func apply(imagePath: String, transform text: String, out: String) throws(FigureError) -> (String, AugmentTransform) {
        let (_, _) = try outputName(out, allowed: ["png", "jpg", "jpeg"])
        let image = try readImageForFigure(imagePath)
        let result: RasterImage, transform: AugmentTransform
        do {
            let (t, r) = try AugmentTransform.parsing(text, height: image.height, width: image.width)
            (result, transform) = (try t.apply(to: image, resampling: r), t)
        } catch {
            throw FigureError(error.message, hint: error.hint)
        }
        do {
            if out.lowercased().hasSuffix(".png") { try PNGCodec.write(result, to: out) } else { try JPEGCodec.write(result, to: out) }
        } catch {
            throw FigureError("\(error.path): \(error.message)", hint: error.hint)
        }
        return (out, transform)
    }

    /// The folder and file stem of an output path whose extension is one of `allowed`.
    static func outputName(_ out: String, allowed: [String]) throws(FigureError) -> (String, String) {
        let ext = (out as NSString).pathExtension.lowercased()
        guard allowed.contains(ext) else {
            throw FigureError("--out \(out): the file must end in \(allowed.map { "." + $0 }.joined(separator: " or "))")
        }
        let folder = (out as NSString).deletingLastPathComponent
        let stem = ((out as NSString).lastPathComponent as NSString).deletingPathExtension
        guard !stem.isEmpty else { throw FigureError("--out \(out): give a file name") }
        return (folder.isEmpty ? "." : folder, stem)
    }

    static func readImageForFigure(_ path: String) throws(FigureError) -> RasterImage {
        do { return try readImage(path: path) } catch {
            throw FigureError("\(error.path): \(error.message)", hint: error.hint)
        }
    }
}
