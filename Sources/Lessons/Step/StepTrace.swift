/// One window of a sliding-window operation, as `step` shows it.
public struct StepFrame: Sendable {
    /// The output cell this window fills (for conv2d_transpose: the input cell it spreads).
    public var position: (row: Int, column: Int)
    /// Cells of the input grid to highlight (padded coordinates).
    public var inputCells: [GridCell]
    /// Cells of the output grid this frame writes (for conv2d_transpose, several).
    public var outputCells: [GridCell]
    /// The arithmetic written out: `["1x1", "1x0", ...]` or the pooled values.
    public var terms: [String]
    /// How the terms combine, e.g. `1x1 + 1x0 + ... = 4`.
    public var equation: String
    /// The output grid after this frame (nil = not filled yet).
    public var outputSoFar: [[String?]]
}

/// A cell of a displayed grid.
public struct GridCell: Sendable, Hashable {
    public var row: Int
    public var column: Int
    public init(_ row: Int, _ column: Int) { self.row = row; self.column = column }
}

/// One 2-D plane of a step-through: the padded input, the kernel and the frames over it.
/// A convolution over C channels has C input grids and C kernel slices, one per channel.
public struct StepPlane: Sendable {
    /// A heading such as `channel 1` or `filter 0`; nil for a single plane.
    public var label: String?
    /// The input with its padding, one grid per channel; nil marks a padded cell.
    public var inputs: [[[String?]]]
    /// The kernel, one slice per input channel, for the convolutions.
    public var kernels: [[[String]]]
    public var outputRows: Int
    public var outputColumns: Int
    public var frames: [StepFrame]
}

/// Everything `step` shows for one operation, built from its arguments and the engine's result.
public struct StepTrace: Sendable {
    /// The operation as a user wrote it: `conv2d`, `maxpool`, ...
    public var operation: String
    /// One line: `input 5x5, kernel 3x3, stride 1x1, padding valid -> output 3x3`.
    public var summary: String
    public var planes: [StepPlane]

    /// Every frame in order, with the plane it belongs to.
    public var allFrames: [(plane: Int, frame: Int)] {
        planes.enumerated().flatMap { p in p.element.frames.indices.map { (p.offset, $0) } }
    }

    /// The compact text form: one line per window, planes under their headings.
    public func text() -> String {
        var lines = [summary]
        for p in planes {
            if let l = p.label { lines.append("\(l):") }
            for f in p.frames { lines.append("[\(f.position.row),\(f.position.column)]: \(f.equation)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// What `step` does with a trace: print it, or play it frame by frame in a terminal.
public protocol StepPresenter: AnyObject {
    /// Shows the trace; returns the text to add to the cell's output.
    func present(_ trace: StepTrace) -> String
}

/// The non-interactive presenter: the trace becomes text in the cell's output (what doc-tests
/// compare and what a pipe receives).
public final class TraceStepPresenter: StepPresenter {
    public init() {}
    public func present(_ trace: StepTrace) -> String { trace.text() }
}

/// Passes traces on to another presenter and keeps them, so a walk can be played again.
public final class RecordingStepPresenter: StepPresenter {
    public let inner: StepPresenter
    public private(set) var traces: [StepTrace] = []
    public init(_ inner: StepPresenter) { self.inner = inner }
    public func present(_ trace: StepTrace) -> String {
        traces.append(trace)
        return inner.present(trace)
    }
}
