import ArgumentParser
import Figures
import Imaging

/// `cnnlearn augment IMAGE --n 8 --seed 1 --out FILE.png [--augment SPEC]` writes a gallery of
/// augmented copies (SVG and PNG); `--apply SPEC` writes exactly one transformed image.
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Write a gallery of augmented copies of an image (SVG and PNG), or apply one exact transform.",
        discussion: """
        Keras ImageDataGenerator semantics, on 0-255 pixels. Spec keys: \(AugmentSettings.keys.joined(separator: ", ")); \
        or "tutorial" (rotation 40, shifts 0.2, shear 0.2, zoom 0.2, flip, nearest fill). With --augment the values are \
        ranges to draw from; with --apply they are the exact parameters (shifts below 1 are fractions of the size).
        """)

    @Argument(help: "The image (PNG or JPEG).")
    var image: String

    @Option(help: "Variants in the gallery (1-\(AugmentationGallery.maxCount)).")
    var n = 8

    @Option(help: "Seed of the draws: variant k is what image k-1 of epoch 0 would get.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The ranges to draw from.", valueName: "spec"))
    var augment = "tutorial"

    @Option(help: ArgumentHelp("Apply exactly these parameters instead, e.g. \"rotation=30,shift_x=0.1\", and write one image.", valueName: "spec"))
    var apply: String?

    @Option(help: ArgumentHelp("Output: the gallery's FILE.png (FILE.svg beside it), or with --apply the image (.png or .jpg).", valueName: "file"))
    var out: String

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        do {
            if let apply {
                let (path, t) = try AugmentationGallery.apply(imagePath: image, transform: apply, out: out)
                print("wrote \(path) (\(t))")
            } else {
                let paths = try AugmentationGallery.write(imagePath: image, count: n, seed: seed, spec: augment, out: out)
                print("wrote \(paths.joined(separator: " and "))")
            }
        } catch {
            throw LessonCommandError(FiguresCommand.text(error))
        }
    }
}
