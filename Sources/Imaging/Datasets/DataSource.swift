/// Where a run's images come from, as a `--data` argument names them: Debian's Fashion-MNIST
/// or an image folder.
public enum DataSource: Sendable, Equatable {
    /// Fashion-MNIST in `folder` (Debian's dataset-fashion-mnist by default).
    case fashionMNIST(folder: String)
    /// An image folder in either layout `ImageFolder` reads.
    case folder(String)

    /// `fashion-mnist` (any case; `fashion_mnist` and `fashionmnist` too) names Debian's
    /// Fashion-MNIST; anything else is a folder path.
    public init(_ text: String) {
        self = ClassSelection.key(text) == "fashionmnist" ? .fashionMNIST(folder: FashionMNIST.defaultFolder) : .folder(text)
    }

    /// What a built-in model takes its input from when no size is given: Fashion-MNIST's own
    /// 28x28x1, or the tutorial's 150x150x3 for a folder (as `summary tutorial --input` does).
    public var defaultFormat: ImageFormat {
        switch self {
        case .fashionMNIST: return ImageFormat(height: 28, width: 28, channels: 1)
        case .folder: return .tutorial
        }
    }

    /// The path errors and records name: the Fashion-MNIST folder or the image folder.
    public var path: String {
        switch self {
        case .fashionMNIST(let folder): return folder
        case .folder(let path): return path
        }
    }

    /// Reads the splits (see `FashionMNIST.splits` and `ImageFolder.load`) in `format`, or in
    /// `defaultFormat` when it is nil. Fashion-MNIST has no files to skip, so `strict` only
    /// matters for folders.
    public func load(classes: [String]?, counts: SplitCounts, format: ImageFormat? = nil,
                     strict: Bool = false) throws(ImagingError) -> DataSplits {
        switch self {
        case .fashionMNIST(let folder):
            return try FashionMNIST.splits(classes: classes, counts: counts, format: format, folder: folder)
        case .folder(let path):
            return try ImageFolder.load(path, classes: classes, counts: counts, format: format ?? defaultFormat, strict: strict)
        }
    }
}
