import ArgumentParser
import Lessons

/// How a lesson is shown: `--no-pause` runs straight through.
struct DisplayOptions: ParsableArguments {
    @Flag(name: .customLong("no-pause"), help: "Run straight through without waiting after cells or stepping frame by frame.")
    var noPause = false

    var options: LessonPlayer.Options { LessonPlayer.Options.fromEnvironment(noPause: noPause) }
}
