import Tensor

/// Ready-made models: the tutorial's Dogs-vs-Cats CNN and VGG16, built as Keras builds them.
public enum ModelZoo {
    /// The names `model(named:)` knows.
    public static let names = ["tutorial", "vgg16"]

    /// A zoo model by name on an input shape (nil: the model's default), with or without the
    /// classifier top (only VGG16 has a removable top).
    public static func model(named name: String, input: [Int]? = nil, includeTop: Bool = true) throws(NNError) -> Sequential {
        switch name.lowercased() {
        case "tutorial": return try tutorial(input: input ?? [150, 150, 3])
        case "vgg16": return try vgg16(input: input, includeTop: includeTop)
        default: throw .unknownModel(name: name, known: names)
        }
    }

    /// The tutorial's CNN: 4 x [Conv2D 3x3 'same' ReLU + MaxPooling2D 2x2] with 32, 64, 128,
    /// 128 filters, Flatten, Dropout 0.5, Dense 512 ReLU, Dense 256 ReLU, Dense 1 sigmoid.
    ///
    /// Layer names are the notebook's own (conv_1, maxpool_1, ..., dense_1, dense_2, output);
    /// Flatten and Dropout keep Keras' automatic names. On 150x150x3 it has 5,681,345 parameters.
    /// With `classes` > 2 the head is Dense(classes) producing logits (softmax is part of the
    /// categorical loss, `Loss.categoricalCrossEntropyFromLogits`), instead of Dense(1, sigmoid).
    public static func tutorial(input: [Int] = [150, 150, 3], classes: Int = 2) throws(NNError) -> Sequential {
        guard classes >= 2 else { throw .invalidModel("a classifier needs at least 2 classes, got \(classes)") }
        var layers: [any Layer] = []
        for (i, f) in [32, 64, 128, 128].enumerated() {
            layers.append(Conv2D(f, kernelSize: (3, 3), padding: .same, activation: .relu, name: "conv_\(i + 1)"))
            layers.append(MaxPooling2D(poolSize: (2, 2), name: "maxpool_\(i + 1)"))
        }
        layers += [Flatten(), Dropout(0.5),
                   Dense(512, activation: .relu, name: "dense_1"),
                   Dense(256, activation: .relu, name: "dense_2"),
                   classes == 2 ? Dense(1, activation: .sigmoid, name: "output") : Dense(classes, name: "output")]
        return try Sequential(name: "tutorial", input: input, layers: layers)
    }

    /// VGG16 as `keras.applications.VGG16(weights=None)`: five blocks of 3x3 'same' ReLU convs
    /// (64, 128, 256, 512, 512 filters; 2, 2, 3, 3, 3 convs) each ending in a 2x2 max pool,
    /// then (with the top) flatten, fc1 4096, fc2 4096, predictions 1000 softmax.
    ///
    /// With the top the input must be 224x224x3 (as in Keras): 138,357,544 parameters; without,
    /// any HxWx3 with H, W >= 32 (default 224x224x3): 14,714,688.
    public static func vgg16(input: [Int]? = nil, includeTop: Bool = true) throws(NNError) -> Sequential {
        let shape = input ?? [224, 224, 3]
        if includeTop, shape != [224, 224, 3] {
            throw .invalidModel("vgg16 with its top needs input 224x224x3, got \(formatShape(shape)); use --no-top for other sizes")
        }
        guard shape.count == 3, shape[0] >= 32, shape[1] >= 32 else {
            throw .invalidModel("vgg16 needs an input HxWxC of at least 32x32, got \(formatShape(shape))")
        }
        var layers: [any Layer] = [Input(shape: shape)]
        for (b, (filters, convs)) in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)].enumerated() {
            for c in 1...convs {
                layers.append(Conv2D(filters, kernelSize: (3, 3), padding: .same, activation: .relu,
                                     name: "block\(b + 1)_conv\(c)"))
            }
            layers.append(MaxPooling2D(poolSize: (2, 2), strides: (2, 2), name: "block\(b + 1)_pool"))
        }
        if includeTop {
            layers += [Flatten(name: "flatten"), Dense(4096, activation: .relu, name: "fc1"),
                       Dense(4096, activation: .relu, name: "fc2"),
                       Dense(1000, activation: .softmax, name: "predictions")]
        }
        return try Sequential(name: "vgg16", layers: layers)
    }
}
