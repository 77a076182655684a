import Foundation
import NN

/// The model builtins over module NN: `model`, `summary`, `params`, `macs`, `receptive_field`.
///
/// They work from the layer specifications (shapes and counts), so VGG16's 138 million weights
/// are never allocated.
enum ModelBuiltins {
    /// `model("tutorial")`, `model("vgg16")`, or `model("my-net.txt")`: a model file (see
    /// `ModelFile`), relative to the lesson file's folder unless the path is absolute. A name
    /// is a file when it ends in .txt, holds a `/`, or names a file that exists.
    static func model(_ a: CallArguments, _ it: Interpreter) throws(LessonError) -> Value {
        let (v, loc) = a.positional[0]
        let name = try a.string(v, "the model name", loc)
        let full = name.hasPrefix("/") ? name : (it.baseDirectory as NSString).appendingPathComponent(name)
        let isFile = !ModelZoo.names.contains(name.lowercased())
            && (name.lowercased().hasSuffix(".txt") || name.contains("/") || FileManager.default.fileExists(atPath: full))
        if isFile {
            _ = try it.fileAccess.resolve(name, base: it.baseDirectory, at: loc)
            do {
                return .model(try ModelFile.read(path: full))
            } catch {
                let place = error.line > 0 ? "\(error.file):\(error.line):\(error.column)" : error.file
                throw LessonError("model file \(place): \(error.message)", at: loc,
                                  hint: error.line == 0 && error.hint != nil ? "paths are relative to the lesson's folder" : error.hint)
            }
        }
        do {
            return .model(try ModelZoo.model(named: name))
        } catch {
            throw LessonError("unknown model \"\(name)\"", at: loc, hint: "known models: \(ModelZoo.names.joined(separator: ", ")), or a model file such as \"my-net.txt\"")
        }
    }

    static func sequential(_ a: CallArguments) throws(LessonError) -> Sequential {
        let (v, loc) = a.positional[0]
        guard case .model(let m) = v else { throw a.wrongType("m", "a model (from model(\"tutorial\"))", v, loc) }
        return m
    }

    /// The named layer of `m`, or an error listing the layer names.
    static func layer(_ a: CallArguments, _ m: Sequential) throws(LessonError) -> ModelLayer? {
        guard let (v, loc) = a.value(1) else { return nil }
        let name = try a.string(v, "the layer name", loc)
        guard let l = m.layers.first(where: { $0.name == name }) else {
            let names = m.layers.map(\.name)
            let hint = closest(name, among: names).map { "did you mean \"\($0)\"? " } ?? ""
            throw LessonError("model \"\(m.name)\" has no layer \"\(name)\"", at: loc, hint: hint + "layers: \(names.joined(separator: ", "))")
        }
        return l
    }

    /// `summary(m)`: Keras' own three columns (the CLI's `cnnlearn summary` adds MACs and memory).
    static func summary(_ a: CallArguments) throws(LessonError) -> Value {
        .string(try sequential(a).summaryTable(costs: false).trimmingTrailingNewlines())
    }

    static func params(_ a: CallArguments) throws(LessonError) -> Value {
        let m = try sequential(a)
        return .int(try layer(a, m)?.parameterCount ?? m.parameterCount)
    }

    static func macs(_ a: CallArguments) throws(LessonError) -> Value {
        let m = try sequential(a)
        return .int(try layer(a, m)?.macs ?? m.macs)
    }

    /// `receptive_field(m, "layer")`: the side of the input square one output unit sees;
    /// `receptive_field(m)`: kernel, stride, jump and field for every windowed layer.
    static func receptiveField(_ a: CallArguments) throws(LessonError) -> Value {
        let m = try sequential(a)
        guard let l = try layer(a, m), let i = m.layers.firstIndex(where: { $0.name == l.name }) else {
            return .string(m.receptiveFieldSteps().trimmingTrailingNewlines())
        }
        let rf = m.receptiveFields()[i]
        if rf.isGlobal { return .string("whole input") }
        return rf.size[0] == rf.size[1] ? .int(rf.size[0]) : .shape(rf.size)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
