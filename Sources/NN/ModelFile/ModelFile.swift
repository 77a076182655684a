import Foundation
import Tensor

/// cnnlearn's model files: a `Sequential` written by hand, one layer per line, with Keras'
/// class names and arguments.
///
/// ```
/// # The tutorial's first block, on a smaller input.
/// input 64x64x3                 # height x width x channels; optional: name=my-net
/// Conv2D 32 3x3 relu same       # filters, kernel, then activation and padding in any order
/// Conv2D 64 3 stride=2 padding=valid activation=relu name=conv_2
/// MaxPooling2D 2x2              # pool size; stride defaults to the pool size
/// AveragePooling2D 2 stride=1 same
/// GlobalAveragePooling2D        # or Flatten
/// Dropout 0.5
/// Dense 512 relu
/// Dense 10
/// Activation softmax
/// ```
///
/// The rules:
/// - `#` starts a comment; blank lines are skipped. The first other line is `input HxWxC`
///   (or `input N` for a flat input), optionally with `name=NAME` for the model's name.
/// - Every other line is a layer: its Keras class name (any case; `MaxPool2D`, `AvgPool2D`
///   and `GlobalAvgPool2D` as in Keras), then arguments separated by spaces: positional ones
///   in Keras' order (Conv2D filters and kernel_size, Dense units, Dropout rate, pooling
///   pool_size, Activation the function), activation names (`relu`, `sigmoid`, `tanh`,
///   `softmax`, `linear`) and paddings (`same`, `valid`) by themselves, and `key=value` with
///   Keras' keyword names or their short forms (`strides`/`stride`, `kernel_size`/`kernel`,
///   `dilation_rate`/`dilation`, `use_bias`/`bias`, `pool_size`/`pool`), plus `name=`.
/// - Sizes are `3` (3x3) or `3x2` (rows x columns). `padding=T,B,L,R` gives explicit zero
///   padding (cnnlearn's own, for models that are not Keras').
/// - Unnamed layers get Keras' automatic names (`conv2d`, `conv2d_1`, ...); `InputLayer`
///   lists the input as a layer, as Keras' functional models such as VGG16 do.
///
/// Errors point at `file:line:column` (see `ModelFileError`); `text(of:)` writes any zoo model
/// in this format, and parsing that text gives the same model back.
public enum ModelFile {
    /// The layer class names a model file knows, in the order they are listed in hints.
    public static var layerTypes: [String] { specs.map(\.typeName) }

    /// Reads a model file; the model is named by its `name=` or else the file's name without
    /// its extension (`my-net.txt` -> `my-net`).
    public static func read(path: String) throws(ModelFileError) -> Sequential {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ModelFileError(exists ? "cannot read the model file" : "no such model file", file: path, line: 0, column: 0,
                                 sourceLine: "", hint: exists ? nil : "give a path to a model file, or one of: \(ModelZoo.names.joined(separator: ", "))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelFileError("the model file is not UTF-8 text", file: path, line: 0, column: 0, sourceLine: "")
        }
        // A name holds no spaces or '#', so that the model prints back as a model file.
        let stem = String(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            .map { $0.isWhitespace || $0 == "#" ? "_" : $0 })
        return try parse(text, file: path, name: stem)
    }

    /// Parses model-file text; `file` names it in errors, `name` is the model's name when the
    /// input line gives none.
    public static func parse(_ text: String, file: String = "<model>", name: String = "sequential") throws(ModelFileError) -> Sequential {
        var modelName = name
        var input: [Int]?
        var inputLine: Line?
        var layers: [any Layer] = []
        var layerLines: [Line] = []
        // "\r\n" is one Character in Swift, and a newline, so Windows line ends split here too.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        for (i, source) in lines.enumerated() {
            let line = Line(file: file, number: i + 1, text: source)
            guard let head = line.tokens.first else { continue }
            guard let shape = input else {
                guard head.text.lowercased() == "input" else {
                    throw line.error("a model file starts with its input shape, not '\(head.text)'", at: head,
                                     hint: "put 'input HxWxC' first, e.g. input 150x150x3")
                }
                (input, modelName) = try parseInput(line, defaultName: modelName)
                inputLine = line
                continue
            }
            if head.text.lowercased() == "input" {
                throw line.error("the input is given once, on the first line", at: head,
                                 hint: "use InputLayer to list the input as a layer")
            }
            layers.append(try parseLayer(line, input: shape))
            layerLines.append(line)
        }
        guard let input, let inputLine else {
            throw ModelFileError("the model file has no input line", file: file, line: max(1, lines.count), column: 1,
                                 sourceLine: lines.last ?? "", hint: "start it with 'input HxWxC', e.g. input 150x150x3")
        }
        guard !layers.isEmpty else {
            throw inputLine.error("the model has no layers", at: inputLine.tokens[0],
                                  hint: "add one layer per line after the input, e.g. Conv2D 32 3x3 relu")
        }
        return try build(name: modelName, input: input, layers: layers, lines: layerLines)
    }

    /// Builds the model; when a layer cannot take its input (or repeats a name), the error
    /// points at that layer's line.
    static func build(name: String, input: [Int], layers: [any Layer], lines: [Line]) throws(ModelFileError) -> Sequential {
        do {
            return try Sequential(name: name, input: input, layers: layers)
        } catch {
            // Sequential reports the layer by name; find the first prefix that fails instead.
            for k in 1...layers.count {
                do {
                    _ = try Sequential(name: name, input: input, layers: Array(layers.prefix(k)))
                } catch {
                    throw lines[k - 1].error(error.description, at: lines[k - 1].tokens[0])
                }
            }
            throw lines[lines.count - 1].error(error.description, at: lines[lines.count - 1].tokens[0])
        }
    }

    static func parseInput(_ line: Line, defaultName: String) throws(ModelFileError) -> ([Int], String) {
        var shape: [Int]?
        var name = defaultName
        for t in line.tokens.dropFirst() {
            if let (key, value, vcol) = t.keyValue {
                guard key.lowercased() == "name" else {
                    throw line.error("input takes a shape and name=, not '\(key)='", at: t, hint: "input 150x150x3 name=my-net")
                }
                guard !value.isEmpty else { throw line.error("the name is empty", column: vcol) }
                name = value
            } else if shape == nil {
                guard let dims = shapeDimensions(t.text) else {
                    throw line.error("bad input shape '\(t.text)'", at: t, hint: "height x width x channels, e.g. 150x150x3 (or N for a flat input)")
                }
                do { _ = try ShapeCheck.budgeted(dims, Float.self, "the input shape") } catch {
                    throw line.error("\(error)", at: t, hint: MemoryBudget.hint)
                }
                shape = dims
            } else {
                throw line.error("unexpected '\(t.text)' after the input shape", at: t, hint: "input 150x150x3 name=my-net")
            }
        }
        guard let shape else {
            throw line.error("input needs a shape", at: line.tokens[0], hint: "e.g. input 150x150x3")
        }
        return (shape, name)
    }

    static func parseLayer(_ line: Line, input: [Int]) throws(ModelFileError) -> any Layer {
        let head = line.tokens[0]
        guard let spec = spec(named: head.text) else {
            let all = specs.flatMap { [$0.typeName] + $0.aliases }
            let guess = closestName(head.text, among: all).flatMap { g in specs.first { $0.typeName == g || $0.aliases.contains(g) }?.typeName }
            throw line.error("unknown layer '\(head.text)'", at: head,
                             hint: (guess.map { "did you mean '\($0)'? " } ?? "") + "layers: \(layerTypes.joined(separator: ", "))")
        }
        var args = Arguments(line: line, spec: spec, inputShape: input)
        for t in line.tokens.dropFirst() { try args.add(t) }
        return try spec.make(args)
    }
}

/// One line of a model file split into tokens at spaces and tabs, with its comment removed.
struct Line {
    let file: String
    let number: Int
    let text: String
    let tokens: [Token]

    init(file: String, number: Int, text: String) {
        self.file = file
        self.number = number
        self.text = text
        var tokens: [Token] = []
        var current = ""
        var start = 0
        for (i, ch) in text.enumerated() {
            if ch == "#" { break }
            if ch == " " || ch == "\t" {
                if !current.isEmpty { tokens.append(Token(text: current, column: start + 1)); current = "" }
            } else {
                if current.isEmpty { start = i }
                current.append(ch)
            }
        }
        if !current.isEmpty { tokens.append(Token(text: current, column: start + 1)) }
        self.tokens = tokens
    }

    func error(_ message: String, at token: Token, hint: String? = nil) -> ModelFileError {
        error(message, column: token.column, hint: hint)
    }

    func error(_ message: String, column: Int, hint: String? = nil) -> ModelFileError {
        ModelFileError(message, file: file, line: number, column: column, sourceLine: text, hint: hint)
    }
}

/// A word of a line and the 1-based column it starts at.
struct Token {
    let text: String
    let column: Int

    /// `key=value` split at the first `=`, with the value's column; nil for a plain word.
    var keyValue: (String, String, Int)? {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let key = String(text[..<eq])
        return (key, String(text[text.index(after: eq)...]), column + key.count + 1)
    }
}
