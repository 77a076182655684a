import ArgumentParser
import Figures
import Foundation

/// `cnnlearn figures`: regenerates the tutorial's figures as SVG and PNG.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Draw the tutorial's figures as SVG and PNG (with one PNG per animation frame).")

    @Option(name: .long, help: "Folder to write into.")
    var out: String = "docs/figures"

    @Option(name: .long, help: "Comma-separated formats: svg, png.")
    var format: String = "svg,png"

    @Argument(help: "Figure ids to draw (default: all).")
    var ids: [String] = []

    func run() throws {
        var formats = Set<FigureFormat>()
        for name in format.split(separator: ",") {
            guard let f = FigureFormat(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown format \"\(name)\"; use svg, png or svg,png")
            }
            formats.insert(f)
        }
        let start = Date()
        do {
            let paths = try FigureBatch.run(ids: ids, writer: FigureWriter(directory: out, formats: formats))
            let seconds = Date().timeIntervalSince(start)
            print("wrote \(paths.count) files to \(out) in \(String(format: "%.2f", seconds)) s")
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
