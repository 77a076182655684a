import Figures
import NN
import Tensor

/// Runs cells of one lesson: names bound in one cell stay bound for the cells after it.
///
/// Everything a cell prints goes to `output`; errors are thrown as `LessonError` with the file,
/// line and column of the expression that failed. The interpreter never traps on user input.
public final class Interpreter {
    /// The lesson file, for error locations (the REPL names its own input here).
    public var file: String
    /// The folder `load` and `save` paths are relative to.
    public let baseDirectory: String
    /// How values print; `decimals(n)` in a lesson changes it.
    public var formatter = ValueFormatter()
    /// What `step` does with the windows it walks through.
    public var stepPresenter: StepPresenter
    /// Where `figure(...)` puts the figures it makes; nil = only check figure ids (what doc-tests do).
    public var figures: FigureCollector?
    /// The text printed so far by the current cell.
    public private(set) var output = ""
    /// The same text in pieces, each with the file line of the statement that printed it and
    /// whether it is a statement's value (rather than `print` or a step trace), so a player can
    /// label the values of a cell that shows several.
    public private(set) var printed: [PrintedPiece] = []
    private var statementLine = 0
    /// The bound names.
    public private(set) var environment: [String: Value] = [:]
    /// How each binding was made, for `grad` to follow names back to `wrt`.
    var history = BindingHistory()
    /// Asked before every statement and builtin call; true stops the cell with an error (the
    /// REPL's Ctrl-C). A single builtin call runs to its end before the cell stops.
    public var interruptRequested: () -> Bool = { false } {
        // A caller with its own Ctrl-C handling (the REPL's line editor) keeps it.
        didSet { catchesCtrlC = false }
    }
    /// Whether `run(cell:)` turns Ctrl-C into a clean stop of the cell (`WorkLimit`) while the
    /// cell runs, instead of ending the program.
    public var catchesCtrlC = true
    /// The time limit of each cell in seconds (nil or 0: none); `CNNLEARN_CELL_TIME_LIMIT`
    /// sets the default, `WorkLimit.defaultSeconds`.
    public var cellTimeLimit: Double? = WorkLimit.defaultSeconds
    /// Where cells may read and write files (the lesson's folder and `--allow-path` folders).
    public var fileAccess: FileAccess
    /// Told of every piece of output as it is printed (the browser notebook streams it).
    public var onEmit: ((PrintedPiece) -> Void)?
    /// Told of every epoch a `train(...)` call finishes, with the number of epochs asked for
    /// (the browser notebook draws the curves live).
    public var onEpoch: ((EpochRecord, Int) -> Void)?

    /// The bindings and print settings at one moment, to return to later: the browser notebook
    /// reruns an edited cell on the bindings the cells above it made.
    public struct Snapshot {
        var environment: [String: Value]
        var history: BindingHistory
        var formatter: ValueFormatter
    }

    public func snapshot() -> Snapshot { Snapshot(environment: environment, history: history, formatter: formatter) }

    public func restore(_ s: Snapshot) {
        environment = s.environment
        history = s.history
        formatter = s.formatter
    }

    public init(file: String, baseDirectory: String, stepPresenter: StepPresenter = TraceStepPresenter(),
                figures: FigureCollector? = nil) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.fileAccess = .lesson(in: baseDirectory)
        self.stepPresenter = stepPresenter
        self.figures = figures
    }

    /// Runs one cell and returns what it printed. Statements before a failing one keep their effect.
    @discardableResult
    public func run(cell source: String, firstLine: Int) throws(LessonError) -> String {
        output = ""
        printed = []
        let statements = try Parser.parse(source, file: file, firstLine: firstLine)
        WorkLimit.begin(seconds: cellTimeLimit)
        defer { WorkLimit.end() }
        let body = { () throws(LessonError) in
            for s in statements { try self.execute(s) }
        }
        if catchesCtrlC { try WorkLimit.catchingInterrupts(body) } else { try body() }
        return output
    }

    /// Throws when the cell's time limit has passed or Ctrl-C was pressed: checked before
    /// every statement and call, and after every call (whose result is then dropped: a kernel
    /// that stopped early gave an unfinished one).
    func checkWorkLimit(at loc: SourceLocation) throws(LessonError) {
        if interruptRequested() { throw LessonError("interrupted", at: loc) }
        if let reason = WorkLimit.stopReason {
            throw LessonError(reason, at: loc, hint: reason.hasPrefix("interrupted") ? nil
                              : "make the inputs smaller, or set CNNLEARN_CELL_TIME_LIMIT=SECONDS (0 for no limit)")
        }
    }

    /// Appends a line to the cell's output.
    /// Control characters are shown escaped (`TerminalSafety`), never sent to the terminal.
    func emit(_ raw: String, value: Bool = false) {
        let text = TerminalSafety.escaped(raw)
        let piece = text.hasSuffix("\n") ? text : text + "\n"
        output += piece
        printed.append(PrintedPiece(line: statementLine, text: piece, isValue: value))
        onEmit?(printed[printed.count - 1])
    }

    func execute(_ s: Statement) throws(LessonError) {
        try checkWorkLimit(at: s.location)
        statementLine = s.location.line
        switch s {
        case let .assign(name, e, loc):
            if Builtins.table[name] != nil {
                throw LessonError("'\(name)' is a builtin and cannot be rebound", at: loc, hint: "choose another name")
            }
            environment[name] = try evaluate(e)
            history.bind(name, to: e)
        case .expression(let e):
            let v = try evaluate(e)
            if case .nothing = v { return }
            emit(formatter.format(v), value: true)
        case let .step(e, loc):
            let v = try step(e, at: loc)
            emit(formatter.format(v), value: true)
        }
    }

    /// Evaluates an expression to a value.
    func evaluate(_ e: Expr) throws(LessonError) -> Value {
        switch e {
        case .integer(let v, _): return .int(v)
        case .decimal(let v, _): return .float(v)
        case .string(let s, _): return .string(s)
        case .bool(let b, _): return .bool(b)
        case let .name(n, loc):
            if let v = environment[n] { return v }
            if Builtins.table[n] != nil {
                throw LessonError("'\(n)' is a builtin; call it with arguments", at: loc, hint: Builtins.table[n].map { "\($0.signature)" })
            }
            throw unknownName(n, at: loc, candidates: Array(environment.keys) + Builtins.table.keys)
        case let .list(items, loc):
            var values: [Value] = []
            for i in items { values.append(try evaluate(i)) }
            return try Operators.list(values, at: loc)
        case let .negate(x, loc):
            return try Operators.negate(try evaluate(x), at: loc)
        case let .binary(op, a, b, loc):
            let (x, y) = (try evaluate(a), try evaluate(b))
            let r: Value
            do { r = try Operators.binary(op, x, y, at: loc) } catch {
                try checkWorkLimit(at: loc)
                throw error
            }
            try checkWorkLimit(at: loc)
            return r
        case let .call(name, args, loc):
            return try call(name, args, at: loc)
        case let .subscripted(base, subs, loc):
            return try Operators.subscripted(try evaluate(base), try subs.map(resolveSubscript), at: loc)
        }
    }

    private func resolveSubscript(_ s: Subscript) throws(LessonError) -> (SliceSpec, SourceLocation) {
        func int(_ e: Expr?) throws(LessonError) -> Int? {
            guard let e else { return nil }
            let v = try evaluate(e)
            guard case .int(let i) = v else {
                throw LessonError("an index must be an Int, got \(v.typeName)", at: e.location)
            }
            return i
        }
        switch s {
        case .index(let e):
            guard let i = try int(e) else { return (.range(start: nil, end: nil, step: nil), e.location) }
            return (.index(i), e.location)
        case let .slice(a, b, c, loc):
            return (.range(start: try int(a), end: try int(b), step: try int(c)), loc)
        }
    }

    /// Calls a builtin: checks the argument count and labels, then runs it.
    func call(_ name: String, _ args: [Argument], at loc: SourceLocation) throws(LessonError) -> Value {
        // grad needs its first argument unevaluated: it records it on a tape.
        if name == "grad" { return try gradient(args, at: loc) }
        // help names a builtin without calling it (Builtins+Picture.swift).
        if name == "help" { return try help(args, at: loc) }
        let (builtin, call) = try bind(name, args, at: loc)
        try checkWorkLimit(at: loc)
        let result: Value
        do { result = try builtin.run(call, self) } catch {
            // An engine error raised because the work was stopped: say why, at the call.
            try checkWorkLimit(at: loc)
            throw error
        }
        try checkWorkLimit(at: loc)
        return result
    }

    /// Evaluates a call's arguments and checks them against the builtin's count and labels.
    func bind(_ name: String, _ args: [Argument], at loc: SourceLocation) throws(LessonError) -> (Builtin, CallArguments) {
        guard let builtin = Builtins.table[name] else {
            if environment[name] != nil {
                throw LessonError("'\(name)' is a value, not a function", at: loc)
            }
            if let c = closest(name, among: Array(Builtins.table.keys)) {
                throw LessonError("unknown function '\(name)'", at: loc, hint: "did you mean '\(c)'?")
            }
            throw LessonError("unknown function '\(name)'", at: loc, hint: "the builtins are: \(Builtins.table.keys.sorted().joined(separator: ", "))")
        }
        var call = CallArguments(function: name, signature: builtin.signature, location: loc)
        for a in args {
            let v = try evaluate(a.value)
            if let label = a.label {
                if let allowed = builtin.labels, !allowed.contains(label) {
                    let hint = closest(label, among: allowed).map { "did you mean '\($0)'? " } ?? ""
                    throw LessonError("\(name) has no argument labelled '\(label)'", at: a.location,
                                      hint: hint + "usage: \(builtin.signature)")
                }
                if call.labelled[label] != nil {
                    throw LessonError("argument '\(label)' is given twice", at: a.location)
                }
                call.labelled[label] = (v, a.location)
            } else {
                call.positional.append((v, a.location))
            }
        }
        guard builtin.positional.contains(call.positional.count) else {
            let want = builtin.positional.lowerBound == builtin.positional.upperBound
                ? "\(builtin.positional.lowerBound)" : "\(builtin.positional.lowerBound) to \(builtin.positional.upperBound)"
            throw LessonError("\(name) takes \(want) positional argument\(builtin.positional.upperBound == 1 ? "" : "s"), got \(call.positional.count)",
                              at: loc, hint: "usage: \(builtin.signature)")
        }
        return (builtin, call)
    }

    /// `step EXPR`: runs a sliding-window call, hands its windows to the step presenter and
    /// returns the result.
    func step(_ e: Expr, at loc: SourceLocation) throws(LessonError) -> Value {
        guard case let .call(name, args, callLoc) = e, let kind = Builtins.table[name]?.step else {
            throw LessonError("step goes through a sliding-window operation: \(Builtins.steppable.joined(separator: ", "))", at: e.location,
                              hint: "step conv2d(x, k)")
        }
        let (_, call) = try bind(name, args, at: callLoc)
        let window = try WindowCall(call, kind: kind)
        let result: Value
        do { result = try window.evaluate() } catch {
            try checkWorkLimit(at: callLoc)
            throw error
        }
        try checkWorkLimit(at: callLoc)
        let trace = try StepBuilder(call: window, result: result, formatter: formatter).build()
        let shown = stepPresenter.present(trace)
        if !shown.isEmpty { emit(shown) }
        return result
    }

    func unknownName(_ n: String, at loc: SourceLocation, candidates: [String]) -> LessonError {
        if let c = closest(n, among: candidates) {
            return LessonError("unknown name '\(n)'", at: loc, hint: "did you mean '\(c)'?")
        }
        return LessonError("unknown name '\(n)'", at: loc, hint: "assign it first: \(n) = ...")
    }
}

/// A piece of a cell's output: what one statement printed.
public struct PrintedPiece: Sendable, Equatable {
    /// The file line of the statement.
    public var line: Int
    public var text: String
    /// A statement's value (`x * 2` on a line of its own), not `print` or a step's trace.
    public var isValue: Bool
}

/// The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo:
/// one edit for words of up to four letters, two up to eight, three beyond (an edit is an
/// insertion, deletion, substitution or swap of neighbours). Short words get one because two
/// edits turn any short word into another (abs -> macs, log -> load, help -> relu).
///
/// Bounded work: a word more than three letters longer or shorter than a candidate cannot be
/// within three edits of it, so only candidates of near length are compared (a 1 MB unknown
/// name costs one length comparison per candidate, not a million-cell table each).
func closest(_ word: String, among candidates: [String]) -> String? {
    let longest = candidates.reduce(0) { max($0, $1.count) }
    guard word.count <= longest + 3 else { return nil }
    let w = Array(word)
    var best: (String, Int)?
    for c in candidates.sorted() {
        let shorter = min(w.count, c.count)
        let allowed = shorter <= 4 ? 1 : shorter <= 8 ? 2 : 3
        if abs(w.count - c.count) > allowed { continue }
        let d = editDistance(w, Array(c))
        if d <= allowed, d < (best?.1 ?? Int.max) { best = (c, d) }
    }
    return best?.0
}

/// Edit distance between two character arrays, counting a swap of neighbours as one edit
/// (optimal string alignment: `rleu` is one edit from `relu`).
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
        }
    }
    return d[a.count][b.count]
}
