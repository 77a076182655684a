import ArgumentParser
import NN

/// `cnnlearn summary MODEL [--input HxWxC] [--no-top] [--receptive-field] [--keras]`: prints a zoo
/// model's layers as Keras' summary does, plus MACs and memory, or its receptive fields.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's layers, output shapes, parameters, MACs and memory (as Keras' summary).",
        discussion: "Models: \(ModelZoo.names.joined(separator: ", ")).")

    @Argument(help: "The model: \(ModelZoo.names.joined(separator: " or ")).")
    var model: String

    @Option(help: "Input shape HxWxC (default: the model's own, e.g. 150x150x3).")
    var input: String?

    @Flag(help: "Leave out the classifier top (vgg16).")
    var noTop = false

    @Flag(help: "Print the receptive-field table (size, jump, start) instead of the summary.")
    var receptiveField = false

    @Flag(help: "Only Keras' own three columns, to compare with model.summary() line by line.")
    var keras = false

    func run() throws {
        // NNError prints as one line, "Error: <message>", with exit status 1.
        let shape = try input.map { (s) throws(NNError) in try parseShape(s) }
        let m = try ModelZoo.model(named: model, input: shape, includeTop: !noTop)
        print(receptiveField ? m.receptiveFieldTable() : m.summaryTable(costs: !keras), terminator: "")
    }
}
