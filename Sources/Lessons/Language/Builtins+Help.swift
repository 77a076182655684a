/// One line on what each builtin does, for `:help NAME` in the REPL and the list `:help` prints.
/// The signature comes from the builtin's entry in `Builtins.table`; every entry there has a
/// line here (a test holds them together).
extension Builtins {
    static let summaries: [String: String] = [
        "conv2d": "slides the kernel over x and sums the products at each position (cross-correlation, as Keras does)",
        "conv2d_transpose": "spreads each input value over the output through the kernel: conv2d run backwards, growing the map",
        "maxpool": "keeps the largest value of each window; the window moves by stride (default: its size)",
        "avgpool": "averages each window; padded cells are left out of the average",
        "relu": "max(x, 0) element by element: negative values become 0",
        "sigmoid": "1 / (1 + e^-x) element by element, squashing values into (0, 1)",
        "tanh": "the hyperbolic tangent element by element, squashing values into (-1, 1)",
        "softmax": "exponentials normalised to sum to 1 along an axis: scores into probabilities",
        "where": "a where cond is true and b where it is false, element by element: where(x > 0, x, 0)",
        "dropout": "zeros each value with probability rate and scales the rest by 1/(1-rate) when training",
        "flatten": "the values in one row, in row-major order (what Flatten does before Dense)",
        "reshape": "the same values in a new shape with the same number of elements",
        "transpose": "the axes in reverse order (numpy .T): a matrix's rows become its columns",
        "pad": "adds p rows and columns of value (default 0) around the edges",
        "shape": "the dimensions of x, printed as 5x5x3",
        "zeros": "a tensor of the given shape filled with 0",
        "ones": "a tensor of the given shape filled with 1",
        "random": "a tensor of the given shape with values drawn uniformly from [0, 1) by a seeded generator",
        "float": "x as Float (leaving the exact integers)",
        "floor": "rounds each value down to a whole number",
        "ceil": "rounds each value up to a whole number",
        "sum": "adds all values, or along an axis or a list of axes",
        "mean": "the average of all values, or along an axis or a list of axes (a Float)",
        "max": "the largest value, or along an axis or a list of axes",
        "argmax": "the index of the largest value, or along one axis",
        "abs": "the absolute value of every element (Int stays Int)",
        "sqrt": "the square root of every element, as Float (negative values are an error)",
        "exp": "e to the power of every element, as Float",
        "log": "the natural logarithm of every element, as Float (values must be above 0)",
        "round": "rounds each value to the nearest whole number, halves to even (as numpy)",
        "clip": "limits every value to the range [low, high]",
        "min": "the smallest value, or along an axis or a list of axes",
        "argmin": "the index of the smallest value, or along one axis",
        "concat": "joins tensors along an existing axis (default 0): concat(a, b, axis: 1)",
        "stack": "stacks tensors of one shape along a new axis (default 0)",
        "grid": "maps side by side as one picture, gap columns apart; grid(v) shows a volume's channels",
        "normalize": "x stretched to [0, 1] (min to 0, max to 1), as Float; a constant x gives zeros",
        "upscale": "every value of a map HxW(xC) repeated into an n x n block, so a small map is visible",
        "help": "a builtin's signature and what it does: help(conv2d)",
        "dataset": "labelled images for training: Fashion-MNIST or an image folder, split into train, validation and test",
        "train": "trains model m on a dataset for some epochs (seeded), printing one line per epoch; gives a run",
        "history": "a run's epochs as a table: loss, accuracy, validation loss and accuracy",
        "metrics": "a run's history as a Float tensor, one row per epoch, for cells to compute with",
        "evaluate": "loss and accuracy of a run's final weights on a split (default: test)",
        "predict": "class probabilities for an image, prepared as training prepared its images",
        "plot": "a run's training and validation curve per epoch as a text chart",
        "load_run": "the history of a run recorded by cnnlearn train (data/results/NAME, beside the lessons)",
        "augment": "applies a Keras ImageDataGenerator transform (rotation, shift, shear, zoom, flip, brightness) with a seed",
        "load": "reads a .npy array, or a PNG or JPEG image as an HxWxC tensor of 0...255",
        "save": "writes x as a .npy array or a PNG image (scale: n makes each value n x n pixels)",
        "assert_equal": "stops the cell with an error unless a and b are equal",
        "assert_close": "stops the cell with an error unless a and b agree within tol",
        "print": "prints its arguments side by side",
        "decimals": "how many decimals Float values print with from now on (0 to 8)",
        "figure": "draws one of the tutorial's figures from the given values (written by cnnlearn figures)",
        "model": "a model from the zoo (tutorial, vgg16) or from a model file: its layers and shapes",
        "summary": "the model's layer table as Keras prints it: output shapes and parameter counts",
        "params": "the number of trainable parameters of the model, or of one layer",
        "macs": "multiply-accumulate operations of one forward pass, of the model or of one layer",
        "receptive_field": "how many input pixels one output cell sees, for the model or up to a layer",
        "grad": "the gradient of a scalar expression with respect to a tensor, by backpropagation",
    ].merging(VisualizeBuiltins.summaries) { own, _ in own }

    /// `signature — summary` for `:help NAME`; nil for a name that is not a builtin.
    /// With `width`, the summary is wrapped at word boundaries to fit it (the REPL's `:help`);
    /// without, it is one line (what `help(NAME)` prints in a cell, doc-tested).
    static func help(_ name: String, width: Int? = nil) -> String? {
        guard let b = table[name] else { return nil }
        guard let width else { return b.signature + "\n  " + (summaries[name] ?? "") }
        var lines: [String] = []
        var line = ""
        for word in (summaries[name] ?? "").split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width - 2 { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return ([b.signature] + lines.map { "  " + $0 }).joined(separator: "\n")
    }
}
