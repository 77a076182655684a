import Tensor

/// What one layer line may say: the class name, its arguments and how to make the layer.
struct LayerSpec: Sendable {
    /// The Keras class name, as printed.
    let typeName: String
    /// Other names accepted for it (Keras' aliases).
    let aliases: [String]
    /// Arguments in Keras' order; the positional ones are filled in that order.
    let parameters: [Parameter]
    /// The line's form, shown in hints.
    let usage: String
    let make: @Sendable (Arguments) throws(ModelFileError) -> any Layer
}

/// One argument of a layer line.
struct Parameter: Sendable {
    enum Kind: Sendable { case count, size, rate, activation, padding, bool, name }
    /// Keras' keyword name: `filters`, `kernel_size`, `strides`.
    let key: String
    /// Short forms accepted as keywords: `kernel`, `stride`.
    let aliases: [String]
    let kind: Kind
    /// Filled by a plain word in its turn (activations and paddings are recognised by value).
    let positional: Bool

    init(_ key: String, _ kind: Kind, aliases: [String] = [], positional: Bool = false) {
        self.key = key; self.kind = kind; self.aliases = aliases; self.positional = positional
    }
}

extension ModelFile {
    static let specs: [LayerSpec] = [
        LayerSpec(typeName: "Conv2D", aliases: ["Convolution2D"],
                  parameters: [Parameter("filters", .count, positional: true), Parameter("kernel_size", .size, aliases: ["kernel"], positional: true),
                               Parameter("strides", .size, aliases: ["stride"]), Parameter("padding", .padding),
                               Parameter("dilation_rate", .size, aliases: ["dilation"]), Parameter("activation", .activation),
                               Parameter("use_bias", .bool, aliases: ["bias"]), Parameter("name", .name)],
                  usage: "Conv2D FILTERS KERNEL [relu|sigmoid|tanh|softmax] [same|valid] [stride=S] [dilation=D] [use_bias=false] [name=NAME]") { a throws(ModelFileError) in
            Conv2D(try a.count("filters"), kernelSize: try a.size("kernel_size"), strides: try a.size("strides", default: (1, 1)),
                   padding: try a.padding(default: .valid), dilation: try a.size("dilation_rate", default: (1, 1)),
                   activation: try a.activation(default: .linear), useBias: try a.bool("use_bias", default: true), name: a.name)
        },
        pooling("MaxPooling2D", aliases: ["MaxPool2D"]) { MaxPooling2D(poolSize: $0, strides: $1, padding: $2, name: $3) },
        pooling("AveragePooling2D", aliases: ["AvgPool2D"]) { AveragePooling2D(poolSize: $0, strides: $1, padding: $2, name: $3) },
        LayerSpec(typeName: "GlobalAveragePooling2D", aliases: ["GlobalAvgPool2D"], parameters: [Parameter("name", .name)],
                  usage: "GlobalAveragePooling2D [name=NAME]") { a throws(ModelFileError) in GlobalAveragePooling2D(name: a.name) },
        LayerSpec(typeName: "Flatten", aliases: [], parameters: [Parameter("name", .name)],
                  usage: "Flatten [name=NAME]") { a throws(ModelFileError) in Flatten(name: a.name) },
        LayerSpec(typeName: "Dropout", aliases: [], parameters: [Parameter("rate", .rate, positional: true), Parameter("name", .name)],
                  usage: "Dropout RATE [name=NAME], RATE in [0, 1)") { a throws(ModelFileError) in Dropout(try a.rate("rate"), name: a.name) },
        LayerSpec(typeName: "Dense", aliases: [],
                  parameters: [Parameter("units", .count, positional: true), Parameter("activation", .activation),
                               Parameter("use_bias", .bool, aliases: ["bias"]), Parameter("name", .name)],
                  usage: "Dense UNITS [relu|sigmoid|tanh|softmax] [use_bias=false] [name=NAME]") { a throws(ModelFileError) in
            Dense(try a.count("units"), activation: try a.activation(default: .linear), useBias: try a.bool("use_bias", default: true), name: a.name)
        },
        LayerSpec(typeName: "Activation", aliases: [], parameters: [Parameter("activation", .activation, positional: true), Parameter("name", .name)],
                  usage: "Activation relu|sigmoid|tanh|softmax|linear [name=NAME]") { a throws(ModelFileError) in
            Activation(try a.activation(default: nil), name: a.name)
        },
        LayerSpec(typeName: "InputLayer", aliases: [], parameters: [Parameter("name", .name)],
                  usage: "InputLayer [name=NAME] (first, right after the input line)") { a throws(ModelFileError) in
            Input(shape: a.inputShape, name: a.name)
        },
    ]

    static func pooling(_ typeName: String, aliases: [String],
                        _ make: @escaping @Sendable ((Int, Int), (Int, Int)?, Padding, String?) -> any Layer) -> LayerSpec {
        LayerSpec(typeName: typeName, aliases: aliases,
                  parameters: [Parameter("pool_size", .size, aliases: ["pool"], positional: true), Parameter("strides", .size, aliases: ["stride"]),
                               Parameter("padding", .padding), Parameter("name", .name)],
                  usage: "\(typeName) [POOL, default 2x2] [same|valid] [stride=S, default the pool] [name=NAME]") { a throws(ModelFileError) in
            make(try a.size("pool_size", default: (2, 2)), try a.optionalSize("strides"), try a.padding(default: .valid), a.name)
        }
    }

    /// The spec for a class name or alias, ignoring case.
    static func spec(named name: String) -> LayerSpec? {
        let n = name.lowercased()
        return specs.first { $0.typeName.lowercased() == n || $0.aliases.contains { $0.lowercased() == n } }
    }
}

/// The arguments of one layer line, by Keras' keyword name, each with the column of its value.
struct Arguments {
    let line: Line
    let spec: LayerSpec
    /// The model's input shape, from the input line (InputLayer declares it again).
    let inputShape: [Int]
    private var values: [String: Token] = [:]

    init(line: Line, spec: LayerSpec, inputShape: [Int]) {
        self.line = line
        self.spec = spec
        self.inputShape = inputShape
    }

    /// Files one token: `key=value`, an activation or padding word, or the next positional value.
    mutating func add(_ t: Token) throws(ModelFileError) {
        if let (key, value, column) = t.keyValue {
            let k = key.lowercased()
            guard let p = spec.parameters.first(where: { $0.key == k || $0.aliases.contains(k) }) else {
                let keys = spec.parameters.flatMap { [$0.key] + $0.aliases }
                let guess = closestName(key, among: keys).map { "did you mean '\($0)='? " } ?? ""
                throw line.error("\(spec.typeName) has no argument '\(key)'", at: t, hint: guess + "usage: \(spec.usage)")
            }
            guard !value.isEmpty else { throw line.error("\(p.key) needs a value after '='", column: column, hint: "usage: \(spec.usage)") }
            try set(p, Token(text: value, column: column), from: t)
            return
        }
        let word = t.text.lowercased()
        if ActivationFunction(rawValue: word) != nil, let p = spec.parameters.first(where: { $0.kind == .activation }) {
            try set(p, t, from: t)
            return
        }
        if word == "same" || word == "valid", let p = spec.parameters.first(where: { $0.kind == .padding }) {
            try set(p, t, from: t)
            return
        }
        if let p = spec.parameters.first(where: { $0.positional && values[$0.key] == nil }) {
            try set(p, t, from: t)
            return
        }
        // A misspelt activation or padding is the likely mistake here.
        var words: [String] = []
        if spec.parameters.contains(where: { $0.kind == .activation }) { words += ActivationFunction.allCases.map(\.rawValue) }
        if spec.parameters.contains(where: { $0.kind == .padding }) { words += ["same", "valid"] }
        let guess = closestName(t.text, among: words).map { "did you mean '\($0)'? " } ?? ""
        throw line.error("unexpected '\(t.text)'", at: t, hint: guess + "usage: \(spec.usage)")
    }

    private mutating func set(_ p: Parameter, _ value: Token, from t: Token) throws(ModelFileError) {
        guard values[p.key] == nil else {
            throw line.error("\(p.key) is given twice", at: t, hint: "usage: \(spec.usage)")
        }
        values[p.key] = value
    }

    private func missing(_ key: String) -> ModelFileError {
        line.error("\(spec.typeName) needs \(key)", column: line.tokens[0].column + line.tokens[0].text.count, hint: "usage: \(spec.usage)")
    }

    var name: String? { values["name"]?.text }

    func count(_ key: String) throws(ModelFileError) -> Int {
        guard let t = values[key] else { throw missing(key) }
        guard let n = Int(t.text), n >= 1 else {
            throw line.error("\(key) must be a positive whole number, got '\(t.text)'", at: t, hint: "usage: \(spec.usage)")
        }
        return n
    }

    func size(_ key: String) throws(ModelFileError) -> (Int, Int) {
        guard let s = try optionalSize(key) else { throw missing(key) }
        return s
    }

    func size(_ key: String, default d: (Int, Int)) throws(ModelFileError) -> (Int, Int) {
        try optionalSize(key) ?? d
    }

    /// `3` (3x3) or `3x2`, each side at least 1.
    func optionalSize(_ key: String) throws(ModelFileError) -> (Int, Int)? {
        guard let t = values[key] else { return nil }
        let parts = t.text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let a = parts[0], a >= 1, let b = parts.count == 2 ? parts[1] : a, b >= 1 else {
            throw line.error("\(key) must be N or NxM with positive whole numbers, got '\(t.text)'", at: t, hint: "e.g. 3 or 3x3")
        }
        return (a, b)
    }

    func rate(_ key: String) throws(ModelFileError) -> Float {
        guard let t = values[key] else { throw missing(key) }
        guard let r = Float(t.text), r >= 0, r < 1 else {
            throw line.error("\(key) must be a number in [0, 1), got '\(t.text)'", at: t, hint: "e.g. Dropout 0.5")
        }
        return r
    }

    func activation(default d: ActivationFunction?) throws(ModelFileError) -> ActivationFunction {
        guard let t = values["activation"] else {
            if let d { return d }
            throw missing("an activation")
        }
        guard let f = ActivationFunction(rawValue: t.text.lowercased()) else {
            let names = ActivationFunction.allCases.map(\.rawValue)
            let guess = closestName(t.text, among: names).map { "did you mean '\($0)'? " } ?? ""
            throw line.error("unknown activation '\(t.text)'", at: t, hint: guess + "activations: \(names.joined(separator: ", "))")
        }
        return f
    }

    func padding(default d: Padding) throws(ModelFileError) -> Padding {
        guard let t = values["padding"] else { return d }
        switch t.text.lowercased() {
        case "same": return .same
        case "valid": return .valid
        default:
            let sides = t.text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            if sides.count == 4, let top = sides[0], let bottom = sides[1], let left = sides[2], let right = sides[3],
               [top, bottom, left, right].allSatisfy({ $0 >= 0 }) {
                return .explicit(top: top, bottom: bottom, left: left, right: right)
            }
            throw line.error("padding must be same, valid or TOP,BOTTOM,LEFT,RIGHT, got '\(t.text)'", at: t, hint: "usage: \(spec.usage)")
        }
    }

    func bool(_ key: String, default d: Bool) throws(ModelFileError) -> Bool {
        guard let t = values[key] else { return d }
        switch t.text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw line.error("\(key) must be true or false, got '\(t.text)'", at: t)
        }
    }
}
