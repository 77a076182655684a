/// Sliding-window animation: one static document per frame, combined into one SVG in which
/// SMIL `<animate>` shows each frame in turn and loops forever.
///
/// Renderers without SMIL (librsvg, print) show the last frame, which is the finished result.
enum Animation {
    /// Seconds each frame stays on screen.
    static let secondsPerFrame = 1.0

    /// The animated SVG of `frames` (all the same size); title and desc from the first frame.
    static func compose(_ frames: [SVGDocument], title: String, desc: String) -> String {
        guard let first = frames.first else { return "" }
        var doc = SVGDocument(width: first.width, height: first.height, title: title, desc: desc)
        let n = frames.count
        let total = Double(n) * secondsPerFrame
        for (i, frame) in frames.enumerated() {
            doc.mergeDefinitions(of: frame)
            let start = fmt(Double(i) / Double(n)), end = fmt(Double(i + 1) / Double(n))
            let (values, times): (String, String)
            if n == 1 {
                (values, times) = ("visible", "0")
            } else if i == 0 {
                (values, times) = ("visible;hidden", "0;\(end)")
            } else if i == n - 1 {
                (values, times) = ("hidden;visible", "0;\(start)")
            } else {
                (values, times) = ("hidden;visible;hidden", "0;\(start);\(end)")
            }
            doc.append("<g id=\"frame-\(i + 1)\" visibility=\"\(i == n - 1 ? "visible" : "hidden")\">")
            doc.append("<animate attributeName=\"visibility\" values=\"\(values)\" keyTimes=\"\(times)\" dur=\"\(fmt(total))s\" calcMode=\"discrete\" repeatCount=\"indefinite\"/>")
            for e in frame.elements { doc.append("  " + e) }
            doc.append("</g>")
        }
        return doc.render()
    }

    /// A figure whose SVG is the animation and whose frames are the static documents.
    static func figure(id: String, frames: [SVGDocument], title: String, desc: String) -> Figure {
        let first = frames.first
        return Figure(id: id, svg: compose(frames, title: title, desc: desc), frames: frames.map { $0.render() },
                      desc: desc, width: first?.width ?? 0, height: first?.height ?? 0)
    }
}
