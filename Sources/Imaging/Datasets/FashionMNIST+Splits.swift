import Foundation
import Tensor

extension FashionMNIST {
    /// Fashion-MNIST's chosen classes in splits, as bytes: train from the first `counts.train`
    /// images of each class in the training file (file order), validation from the next
    /// `counts.validation` of each class there, test from the first `counts.test` of each class
    /// in the test file (nil: all of them; 0: no test split).
    ///
    /// `classes` are names or indices (`["tshirt", "shirt"]`, `["0", "6"]`; see
    /// `ClassSelection.indices(of:in:source:)`), nil for all ten; label i is the i-th class
    /// named. Images keep the file order (classes interleaved as the file has them) and are
    /// 28x28x1 unless `format` asks for another size or RGB.
    ///
    /// Throws with the path for a missing package (and the install line), an unknown class, or
    /// a class with fewer images than asked (naming it and how many exist).
    public static func splits(classes: [String]?, counts: SplitCounts, format: ImageFormat? = nil,
                              folder: String = defaultFolder) throws(ImagingError) -> DataSplits {
        try counts.validate(source: folder)
        if let format { try format.validate(source: folder) }
        let chosen = try classes.map { (c) throws(ImagingError) in try ClassSelection.indices(of: c, in: classNames, source: folder) }
            ?? Array(classNames.indices)
        let names = chosen.map { classNames[$0] }
        let label = Dictionary(uniqueKeysWithValues: chosen.enumerated().map { ($1, $0) })

        let train = try readSplit(.train, folder: folder)
        // Positions in the training file of each chosen class, in file order.
        var perClass = [[Int]](repeating: [], count: chosen.count)
        for (i, l) in train.labels.enumerated() { if let k = label[Int(l)] { perClass[k].append(i) } }
        var trainRows: [Int] = [], validationRows: [Int] = []
        for (k, rows) in perClass.enumerated() {
            let shares = try consecutiveShares([("train", counts.train), ("validation", counts.validation)],
                                               available: rows.count, className: names[k],
                                               source: train.imagesPath + " (the training file)")
            trainRows += rows[shares[0]]
            validationRows += rows[shares[1]]
        }
        let trainFiles = train.files
        let trainSet = try makeSet(train, rows: trainRows.sorted(), label: label, names: names, format: format, files: trainFiles)
        let validationSet = validationRows.isEmpty ? nil
            : try makeSet(train, rows: validationRows.sorted(), label: label, names: names, format: format, files: trainFiles)

        var testSet: LabeledImages?
        if counts.test != 0 {
            let test = try readSplit(.test, folder: folder)
            var perClassTest = [[Int]](repeating: [], count: chosen.count)
            for (i, l) in test.labels.enumerated() { if let k = label[Int(l)] { perClassTest[k].append(i) } }
            var rows: [Int] = []
            for (k, classRows) in perClassTest.enumerated() {
                let share = try consecutiveShares([("test", counts.test)], available: classRows.count, className: names[k],
                                                  source: test.imagesPath + " (the test file)")
                rows += classRows[share[0]]
            }
            rows.sort()
            testSet = try makeSet(test, rows: rows, label: label, names: names, format: format, files: test.files)
        }
        return DataSplits(train: trainSet, validation: validationSet, test: testSet, warnings: [])
    }

    /// One idx pair as bytes: N images of 28x28 and N labels.
    struct RawSplit {
        let imagesPath: String
        let pixels: [UInt8]
        let labels: [UInt8]
        let files: [SourceFile]
    }

    static func readSplit(_ split: Split, folder: String) throws(ImagingError) -> RawSplit {
        let prefix = split == .train ? "train" : "t10k"
        let names = ["\(prefix)-images-idx3-ubyte.gz", "\(prefix)-labels-idx1-ubyte.gz"]
        let paths = names.map { folder + "/" + $0 }
        var files: [SourceFile] = []
        for (name, p) in zip(names, paths) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: p),
                  let size = attributes[.size] as? Int else {
                throw ImagingError(path: p, message: "the Fashion-MNIST dataset is missing",
                                   hint: "install it with: apt-get install dataset-fashion-mnist (or run scripts/setup)")
            }
            files.append(SourceFile(path: name, size: size))
        }
        let images = try IDXFile.readBytes(path: paths[0])
        let labels = try IDXFile.readBytes(path: paths[1])
        guard images.shape.count == 3, images.shape[1] == 28, images.shape[2] == 28, labels.shape.count == 1,
              images.shape[0] == labels.shape[0] else {
            throw ImagingError(path: paths[0], message: "images \(formatShape(images.shape)) and labels \(formatShape(labels.shape)) are not Nx28x28 and N")
        }
        if let bad = labels.bytes.first(where: { $0 > 9 }) {
            throw ImagingError(path: paths[1], message: "label \(bad) is not a Fashion-MNIST class (0...9)")
        }
        return RawSplit(imagesPath: paths[0], pixels: images.bytes, labels: labels.bytes.map { $0 }, files: files)
    }

    /// Rows `rows` of a raw split as a set with labels renumbered to the chosen classes.
    static func makeSet(_ raw: RawSplit, rows: [Int], label: [Int: Int], names: [String], format: ImageFormat?,
                        files: [SourceFile]) throws(ImagingError) -> LabeledImages {
        let side = 28 * 28
        let out = format ?? ImageFormat(height: 28, width: 28, channels: 1)
        var px = [UInt8]()
        px.reserveCapacity(rows.count * out.height * out.width * out.channels)
        for r in rows {
            let bytes = Array(raw.pixels[(r * side)..<((r + 1) * side)])
            if format == nil {
                px += bytes
            } else {
                px += out.apply(RasterImage(trusted: 28, 28, 1, bytes)).pixels
            }
        }
        return try LabeledImages(height: out.height, width: out.width, channels: out.channels, pixels: px,
                                 labels: rows.map { label[Int(raw.labels[$0])] ?? 0 }, classNames: names, files: files)
    }
}
