import Tensor

/// Images prepared for a trained model exactly as training prepared its data, so `predict` on
/// a photo sees what the model learned from: decoded (PNG or JPEG, by content), converted to
/// the model's channels, resized to its input with the same interpolation (nearest unless the
/// run chose otherwise, as Keras' `flow_from_directory`), then each byte times
/// `LabeledImages.rescale` (the tutorial's 1/255). These are the steps and functions
/// `ImageFolder.load` and `LabeledImages.batch` use; a test holds the two paths to equal bits.
extension ImageFormat {
    /// The format of a model's per-example input (H, W, C), with C 1 (gray) or 3 (RGB).
    ///
    /// Throws an `ImagingError` naming `source` (the image or run it is for) when the input is
    /// not an image shape, e.g. a model whose input is a flat vector.
    public init(input: [Int], interpolation: Interpolation = .nearest, source: String) throws(ImagingError) {
        guard input.count == 3 else {
            throw ImagingError(path: source, message: "the model takes input \(formatShape(input)), not an image HxWx1 or HxWx3",
                               hint: "only models whose input is height x width x channels can predict from image files")
        }
        self.init(height: input[0], width: input[1], channels: input[2], interpolation: interpolation)
        try validate(source: source)
    }

    /// The image as training would have prepared it, as a batch of one (1, H, W, C) of Floats.
    public func prepared(_ image: RasterImage) -> Tensor<Float> {
        let pixels = apply(image).pixels
        return Tensor(shape: [1, height, width, channels], scalars: pixels.map { Float($0) * LabeledImages.rescale })
    }
}

/// The image file at `path` prepared for a model with per-example input `input` (H, W, C):
/// a (1, H, W, C) Float batch, as `ImageFormat.prepared` describes.
///
/// A missing, unreadable, corrupt or truncated file, or an input that is not an image shape,
/// is one `ImagingError` naming `path`.
public func prepareImage(path: String, input: [Int], interpolation: Interpolation = .nearest) throws(ImagingError) -> Tensor<Float> {
    try prepareImage(path: path, format: ImageFormat(input: input, interpolation: interpolation, source: path))
}

/// The image file at `path` prepared in `format`: a (1, H, W, C) Float batch.
public func prepareImage(path: String, format: ImageFormat) throws(ImagingError) -> Tensor<Float> {
    try format.validate(source: path)
    return format.prepared(try readImage(path: path))
}

/// Several image files prepared in `format`, stacked in order into one (N, H, W, C) batch;
/// the first file that cannot be read is the error, naming its path.
public func prepareImages(paths: [String], format: ImageFormat) throws(ImagingError) -> Tensor<Float> {
    var scalars: [Float] = []
    scalars.reserveCapacity(paths.count * format.height * format.width * format.channels)
    for path in paths { scalars += try prepareImage(path: path, format: format).scalars }
    return Tensor(shape: [paths.count, format.height, format.width, format.channels], scalars: scalars)
}
