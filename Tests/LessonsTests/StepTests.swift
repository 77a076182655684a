import Testing
@testable import Lessons

@Suite struct StepTests {
    let setup = "x = [[1,1,1,0,0],[0,1,1,1,0],[0,0,1,1,1],[0,0,1,1,0],[0,1,1,0,0]]\nk = [[1,0,1],[0,1,0],[1,0,1]]\n"

    @Test func convTraceListsProductsAndEngineSums() {
        let lines = output(setup + "step conv2d(x, k)").components(separatedBy: "\n")
        #expect(lines[0] == "conv2d: input 5x5, kernel 3x3, stride 1x1, padding valid -> output 3x3")
        #expect(lines[1] == "[0,0]: 1x1 + 1x0 + 1x1 + 0x0 + 1x1 + 1x0 + 0x1 + 0x0 + 1x1 = 4")
        #expect(lines.count == 1 + 9 + 3)
        #expect(lines.suffix(3) == ["4 3 4", "2 4 3", "2 3 4"])
    }

    @Test func paddingCellsCountAsZeroAndBiasIsShown() {
        let out = output("step conv2d([[1, 2], [3, 4]], [[1, 1], [1, 1]], padding: [1, 0, 1, 0], bias: [10])")
        #expect(out.contains("[0,0]: 0x1 + 0x1 + 0x1 + 1x1 + bias 10 = 11"))
    }

    @Test func poolingSkipsPaddingAndGoesChannelByChannel() {
        let out = output("step maxpool([[1, 2, 3], [4, 5, 6], [7, 8, 9]], size: 2, padding: \"same\")")
        #expect(out.contains("[1,1]: max(9) = 9"))
        let avg = output("step avgpool(reshape([1, 10, 2, 20, 3, 30, 4, 40], [2, 2, 2]), size: 2)")
        #expect(avg.contains("channel 0:\n[0,0]: (1 + 2 + 3 + 4) / 4 = 2.5000"))
        #expect(avg.contains("channel 1:\n[0,0]: (10 + 20 + 30 + 40) / 4 = 25.0000"))
    }

    @Test func transposeSpreadsEachInputCell() {
        let out = output("step conv2d_transpose([[1, 2]], [[1, 1], [1, 1]])")
        #expect(out.contains("[0,1]: spreads 2x1, 2x1, 2x1, 2x1 over 4 output cells"))
        #expect(out.hasSuffix("1 3 2\n1 3 2"))
    }

    @Test func multiChannelConvolutionSumsOverChannelsFilterByFilter() throws {
        let code = "x = reshape([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], [3, 3, 2])\nk = ones([2, 2, 2, 2])\n"
        let out = output(code + "step conv2d(x, k, bias: [1, 0])")
        #expect(out.hasPrefix("conv2d: input 3x3x2, kernel 2x2x2x2, stride 1x1, padding valid -> output 2x2x2\nfilter 0:\n"))
        #expect(out.contains("[0,0]: 1x1 + 2x1 + 3x1 + 4x1 + 7x1 + 8x1 + 9x1 + 10x1 + bias 1 = 45"))
        #expect(out.contains("filter 1:\n[0,0]: 1x1 + 2x1 + 3x1 + 4x1 + 7x1 + 8x1 + 9x1 + 10x1 + bias 0 = 44"))
        let it = Interpreter(file: "t.md", baseDirectory: "/tmp")
        let recorder = Recorder()
        it.stepPresenter = recorder
        _ = runCell(code + "step conv2d(x, k)", in: it)
        let trace = try #require(recorder.trace)
        #expect(trace.allFrames.count == 8)
        let lines = FrameRenderer(terminal: TerminalIO(interactive: false, color: false, width: 80)).render(trace, plane: 1, frame: 0, index: 4, total: 8, autoplay: false)
        #expect(lines.contains { $0.contains("input, channel 0") && $0.contains("kernel, channel 0") })
        #expect(lines.contains { $0.contains("input, channel 1") })
        #expect(lines.allSatisfy { FrameRenderer.visibleWidth($0) <= 80 })
        #expect(failure("step conv2d(zeros([2, 4, 4, 1]), ones([3, 3, 1, 1]))")?.message.contains("one image") == true)
    }

    @Test func framesFitEightyColumns() {
        let it = Interpreter(file: "t.md", baseDirectory: "/tmp")
        let recorder = Recorder()
        it.stepPresenter = recorder
        _ = runCell("x = random([12, 30], seed: 1)\nstep conv2d(x, ones([3, 3]), padding: \"same\")", in: it)
        let trace = try! #require(recorder.trace)
        let term = TerminalIO(interactive: false, color: false, width: 80, height: 24)
        let renderer = FrameRenderer(terminal: term)
        for (i, (p, f)) in trace.allFrames.enumerated() where i % 37 == 0 {
            let lines = renderer.render(trace, plane: p, frame: f, index: i, total: trace.allFrames.count, autoplay: false)
            #expect(lines.count < 24)
            for line in lines {
                #expect(FrameRenderer.visibleWidth(line) <= 80, "\(line)")
            }
        }
        let first = renderer.render(trace, plane: 0, frame: 0, index: 0, total: 360, autoplay: false)
        #expect(first.contains { $0.contains("·") })  // padding visible
        #expect(first.contains { $0.contains("[") })  // window marked
    }

    @Test func coloredFrameMarksTheWindowAndTheNewValue() {
        let it = Interpreter(file: "t.md", baseDirectory: "/tmp")
        let recorder = Recorder()
        it.stepPresenter = recorder
        _ = runCell(setup + "step conv2d(x, k)", in: it)
        let trace = try! #require(recorder.trace)
        let plain = FrameRenderer(terminal: TerminalIO(interactive: false, color: false, width: 160)).render(trace, plane: 0, frame: 1, index: 1, total: 9, autoplay: false)
        #expect(plain.contains { $0.hasPrefix(" input ") && $0.contains(" kernel ") && $0.hasSuffix(" output") })
        #expect(plain.contains { $0.contains("1 [1][1][0] 0") })
        #expect(plain.contains { $0.contains(" 4 [3] .") })
        #expect(!plain.joined().contains("\u{1B}"))
        let colored = FrameRenderer(terminal: TerminalIO(interactive: false, color: true, width: 160)).render(trace, plane: 0, frame: 1, index: 1, total: 9, autoplay: false)
        #expect(colored.joined().contains("\u{1B}[1;32m[3]"))
    }
}

final class Recorder: StepPresenter {
    var trace: StepTrace?
    func present(_ trace: StepTrace) -> String { self.trace = trace; return "" }
}
