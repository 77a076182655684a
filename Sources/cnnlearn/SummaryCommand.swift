import ArgumentParser
import Foundation
import Inspect
import NN

/// `cnnlearn summary MODEL [--input HxWxC] [--no-top] [--receptive-field] [--keras] [--format table|model]`:
/// prints a zoo model's or a model file's layers as Keras' summary does, plus MACs and memory,
/// or its receptive fields, or the model in model-file form.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's layers, output shapes, parameters, MACs and memory (as Keras' summary).",
        discussion: "Models: \(ModelZoo.names.joined(separator: ", ")), or a model file (a path that exists, or ends in .txt; see the README's \"Model files\").")

    /// What to print.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// Keras' summary table (with MACs and memory unless --keras).
        case table
        /// The model as a model file, which `cnnlearn summary FILE` and `model("FILE")` read back.
        case model
    }

    @Argument(help: "The model: \(ModelZoo.names.joined(separator: " or ")), or a model file (e.g. my-net.txt).")
    var model: String

    @Option(help: "Input shape HxWxC (default: the model's own, e.g. 150x150x3; a model file fixes its own).")
    var input: String?

    @Flag(help: "Leave out the classifier top (vgg16).")
    var noTop = false

    @Flag(help: "Print the receptive-field table (size, jump, start) instead of the summary.")
    var receptiveField = false

    @Flag(help: "Only Keras' own three columns, to compare with model.summary() line by line.")
    var keras = false

    @Option(help: "table (the summary) or model (the model-file text).")
    var format: Format = .table

    /// A model file is a path that exists or a name ending in .txt; anything else is a zoo name.
    static func isModelFile(_ name: String) -> Bool {
        name.lowercased().hasSuffix(".txt") || FileManager.default.fileExists(atPath: name)
    }

    func validate() throws {
        if format == .model, receptiveField || keras {
            throw ValidationError("--format model prints the model file; leave out --receptive-field and --keras")
        }
        if Self.isModelFile(model), !KerasWeights.isWeightFile(model), input != nil || noTop {
            throw ValidationError("a model file fixes its own input on its first line; leave out --input and --no-top")
        }
    }

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        let m: Sequential
        if KerasWeights.isWeightFile(model) {
            // A Keras weight file: the model its layer names describe, with the weights checked.
            let shape = try input.map { (s) throws(NNError) in try parseShape(s) }
            do {
                let t = try TrainedModel.open(model, input: shape, includeTop: !noTop)
                m = t.model
                print("\(model): \(t.kind), weights of \(t.weights.tensors.filter { !$0.isEmpty }.count) layers matched by name and shape")
            } catch { throw LessonCommandError("\(error)") }
        } else if Self.isModelFile(model) {
            do {
                m = try ModelFile.read(path: model)
            } catch {
                // Printed like a lesson error: file:line:column, the line, a caret, the hint.
                FileHandle.standardError.write(Data(error.rendered.utf8))
                throw ExitCode(1)
            }
        } else {
            // NNError prints as one line, "Error: <message>", with exit status 1.
            let shape = try input.map { (s) throws(NNError) in try parseShape(s) }
            m = try ModelZoo.model(named: model, input: shape, includeTop: !noTop)
        }
        switch format {
        case .model: print(try ModelFile.text(of: m), terminator: "")
        case .table: print(receptiveField ? m.receptiveFieldTable() : m.summaryTable(costs: !keras), terminator: "")
        }
    }
}
