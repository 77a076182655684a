import ArgumentParser
import Figures
import Foundation
import Lessons

/// `cnnlearn figures`: runs the lessons with figure output on and writes the tutorial's figures
/// as SVG and PNG, and the figures own lessons make with ids of their own (`figure("my-map", x)`).
/// The project's lessons write into docs/figures; a folder of one's own lessons (`--lessons DIR`,
/// any folder not holding the tutorial's lessons) writes next to its lessons, unless `--out`.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Run the lessons with figure output on: write the tutorial's figures as SVG and PNG (one PNG per animation frame).",
        discussion: "With no ids every figure is written, with docs/figures/INDEX.md naming the lesson cell that emits each. A folder of your own lessons writes its figures (figure(\"my-map\", x)) next to the lessons. Nothing is written unless every lesson ran without an error.")

    @Option(name: .long, help: ArgumentHelp("Folder to write into (default: docs/figures for the tutorial's lessons, the lessons folder for your own).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Comma-separated formats: svg, png.", valueName: "formats"))
    var format: String = "svg,png"

    @Argument(help: "Figure ids to write (default: all).")
    var ids: [String] = []

    @OptionGroup var location: LessonsLocation

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        var formats = Set<FigureFormat>()
        for name in format.split(separator: ",") {
            guard let f = FigureFormat(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown format \"\(name)\"; use svg, png or svg,png")
            }
            formats.insert(f)
        }
        if formats.isEmpty { throw ValidationError("no format given; use svg, png or svg,png") }
        let start = Date()
        let library = try location.library()
        // The tutorial's own lessons: the folder holds the lesson every catalog figure belongs to.
        let names = Set(library.entries().map { "\(String(format: "%02d", $0.number))-\($0.name)" })
        let catalogLessons = Set(FigureCatalog.entries.map(\.lesson))
        let tutorial = catalogLessons.isSubset(of: names)
        if tutorial {
            do {
                try FigureBatch.check(ids: ids)
            } catch {
                throw LessonCommandError(Self.text(error))
            }
        }
        let out = self.out ?? (tutorial ? "docs/figures" : library.folder)
        let collector = FigureCollector(only: ids.isEmpty ? nil : Set(ids))
        let report = LessonRunner.makeFigures(library: library, into: collector)
        guard report.ok else {
            FileHandle.standardError.write(Data(report.text.utf8))
            throw LessonCommandError("the lessons have errors, so no figure was written")
        }
        let made = Set(collector.figures.map(\.id))
        let missing = (ids.isEmpty ? (tutorial ? FigureCatalog.ids : []) : ids).filter { !made.contains($0) }
        guard missing.isEmpty else {
            let lessons = missing.map { id in (try? FigureCatalog.entry(id)).map { "\($0.id) (meant for lessons/\($0.lesson).md)" } ?? id }
            throw LessonCommandError("no lesson cell emits \(lessons.joined(separator: ", ")); no figure was written\nhint: add a cell calling figure(\"\(missing[0])\", ...) to \(tutorial ? "that lesson" : "a lesson in \(library.folder)")")
        }
        guard !collector.figures.isEmpty else {
            throw LessonCommandError("no lesson in \(library.folder) calls figure(...); nothing was written\nhint: a cell such as figure(\"my-map\", x) draws x as a figure of your own")
        }
        let sources = collector.sourceReferences(lessonsFolder: library.folder)
        do {
            let writer = FigureWriter(directory: out, formats: formats)
            let paths = try FigureBatch.write(collector.figures, writer: writer, sources: ids.isEmpty && tutorial ? sources : nil)
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
