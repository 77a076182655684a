import Foundation
import Tensor

/// Fashion-MNIST as Debian's dataset-fashion-mnist package installs it: 28x28 gray images of
/// ten kinds of clothing, 60000 for training and 10000 for testing.
public enum FashionMNIST {
    /// Where the Debian package puts the files.
    public static let defaultFolder = "/usr/share/datasets/fashion-mnist"

    /// The ten class names, by label 0...9.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    public enum Split: String, Sendable { case train, test }

    /// Images (N,28,28) as integers 0...255 and labels (N) as integers 0...9.
    public static func load(_ split: Split, folder: String = defaultFolder) throws(ImagingError) -> (images: Tensor<Int>, labels: Tensor<Int>) {
        let prefix = split == .train ? "train" : "t10k"
        let imagesPath = folder + "/\(prefix)-images-idx3-ubyte.gz"
        let labelsPath = folder + "/\(prefix)-labels-idx1-ubyte.gz"
        for p in [imagesPath, labelsPath] where !FileManager.default.fileExists(atPath: p) {
            throw ImagingError(path: p, message: "the Fashion-MNIST dataset is missing",
                               hint: "install it with: apt-get install dataset-fashion-mnist (or run scripts/setup)")
        }
        let images = try IDXFile.read(path: imagesPath)
        let labels = try IDXFile.read(path: labelsPath)
        guard images.rank == 3, labels.rank == 1, images.shape[0] == labels.shape[0] else {
            throw ImagingError(path: imagesPath, message: "images \(formatShape(images.shape)) and labels \(formatShape(labels.shape)) do not match")
        }
        return (images, labels)
    }
}
