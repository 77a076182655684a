import ArgumentParser
import Figures
import Foundation
import Lessons

/// `cnnlearn figures`: runs the lessons with figure output on and writes the tutorial's figures
/// as SVG and PNG.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Run the lessons with figure output on: write the tutorial's figures as SVG and PNG (one PNG per animation frame).",
        discussion: "With no ids every figure is written, with docs/figures/INDEX.md naming the lesson cell that emits each. Nothing is written unless every lesson ran without an error.")

    @Option(name: .long, help: ArgumentHelp("Folder to write into.", valueName: "dir"))
    var out: String = "docs/figures"

    @Option(name: .long, help: ArgumentHelp("Comma-separated formats: svg, png.", valueName: "formats"))
    var format: String = "svg,png"

    @Argument(help: "Figure ids to write (default: all).")
    var ids: [String] = []

    @OptionGroup var location: LessonsLocation

    func run() throws {
        var formats = Set<FigureFormat>()
        for name in format.split(separator: ",") {
            guard let f = FigureFormat(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown format \"\(name)\"; use svg, png or svg,png")
            }
            formats.insert(f)
        }
        if formats.isEmpty { throw ValidationError("no format given; use svg, png or svg,png") }
        let start = Date()
        do {
            try FigureBatch.check(ids: ids)
        } catch {
            throw LessonCommandError(Self.text(error))
        }
        let library = try location.library()
        let collector = FigureCollector(only: ids.isEmpty ? nil : Set(ids))
        let report = LessonRunner.makeFigures(library: library, into: collector)
        guard report.ok else {
            FileHandle.standardError.write(Data(report.text.utf8))
            throw LessonCommandError("the lessons have errors, so no figure was written")
        }
        let made = Set(collector.figures.map(\.id))
        let missing = (ids.isEmpty ? FigureCatalog.ids : ids).filter { !made.contains($0) }
        guard missing.isEmpty else {
            let lessons = missing.compactMap { try? FigureCatalog.entry($0) }.map { "\($0.id) (meant for lessons/\($0.lesson).md)" }
            throw LessonCommandError("no lesson cell emits \(lessons.joined(separator: ", ")); no figure was written\nhint: add a cell calling figure(\"\(missing[0])\", ...) to that lesson")
        }
        let sources = collector.sourceReferences(lessonsFolder: library.folder)
        do {
            let writer = FigureWriter(directory: out, formats: formats)
            let paths = try FigureBatch.write(collector.figures, writer: writer, sources: ids.isEmpty ? sources : nil)
            let seconds = Date().timeIntervalSince(start)
            print("wrote \(paths.count) files for \(collector.figures.count) figures to \(out) in \(String(format: "%.2f", seconds)) s")
        } catch {
            throw LessonCommandError(Self.text(error))
        }
    }

    /// A figure error as ArgumentParser prints it after "Error: ".
    static func text(_ e: FigureError) -> String {
        e.message + (e.hint.map { "\nhint: \($0)" } ?? "")
    }
}
