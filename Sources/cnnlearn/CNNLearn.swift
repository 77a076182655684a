import ArgumentParser
import Foundation

@main
struct CNNLearn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnlearn",
        abstract: "Learn how convolutional neural networks work, one exact step at a time.",
        subcommands: [LessonsCommand.self, LessonCommand.self, ReplCommand.self, RunCommand.self, CheckCommand.self, FiguresCommand.self, AugmentCommand.self, TrainCommand.self, EvaluateCommand.self, PredictCommand.self, SummaryCommand.self, VisualizeCommand.self, ServeCommand.self, HtmlCommand.self, BenchCommand.self]
    )

    /// Under `ulimit -v`, the engine's threads are checked before any command (see AddressSpace).
    static func main() {
        AddressSpace.prepare()
        Self.main(nil)
    }
}
