import Tensor

/// One value handed from a lesson cell to a figure: `figure("conv-step-1", x, k, step: 1)`.
public enum FigureArgument: Sendable, Equatable {
    case int(Int), float(Double), string(String), bool(Bool)
    case intTensor(Tensor<Int>), floatTensor(Tensor<Float>)
    case list([FigureArgument])
    /// A model as a value (a cell's `model(...)` or trained model): drawn as it is, not rebuilt by name.
    case model(FigureModel)
}

/// A request for a figure: its id and the arguments of the `figure(...)` call after the id.
public struct FigureRequest: Sendable {
    public var id: String
    public var positional: [FigureArgument]
    public var labelled: [String: FigureArgument]

    public init(id: String, positional: [FigureArgument] = [], labelled: [String: FigureArgument] = [:]) {
        self.id = id
        self.positional = positional
        self.labelled = labelled
    }
}

/// A drawn figure: the SVG (animated with SMIL when it has frames) and, for sliding-window
/// figures, one static SVG per frame (each becomes `ID-frame-NN.png`).
public struct Figure: Sendable {
    public let id: String
    public let svg: String
    public let frames: [String]
    /// What the figure shows, in words (also the SVG's `<desc>`).
    public let desc: String
    /// Canvas size in pixels, shared by the figure and its frames.
    public let width: Double
    public let height: Double

    public init(id: String, svg: String, frames: [String] = [], desc: String, width: Double, height: Double) {
        self.id = id
        self.svg = svg
        self.frames = frames
        self.desc = desc
        self.width = width
        self.height = height
    }

    /// A still figure from a finished document.
    public init(id: String, document: SVGDocument) {
        self.init(id: id, svg: document.render(), desc: document.desc, width: document.width, height: document.height)
    }
}

/// A figure that cannot be made: an unknown id, a missing or ill-shaped argument, a failed write.
public struct FigureError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public let hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String {
        "error: \(message)" + (hint.map { "\nhint: \($0)" } ?? "")
    }
}
