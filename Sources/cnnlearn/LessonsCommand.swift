import ArgumentParser
import Lessons

/// `cnnlearn lessons`: the list of lessons.
struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lessons", abstract: "List the lessons: number, name and title.")

    @OptionGroup var location: LessonsLocation

    func run() throws {
        print(try location.library().listing())
    }
}
