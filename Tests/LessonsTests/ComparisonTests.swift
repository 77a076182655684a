import Testing
@testable import Lessons

/// Comparisons give Bool tensors; `where` chooses by them; Bools are not numbers.
@Suite struct ComparisonTests {
    @Test func comparisonsBroadcastToBoolTensors() {
        #expect(output("x = [[1, -2], [3, -4]]\nx > 0") == " true false\n true false")
        #expect(output("x = [[1, -2], [3, -4]]\nx == [1, 3]") == " true false\nfalse false")
        #expect(output("[1, 2, 3] <= 2") == "[true, true, false]")
        #expect(output("[1, 2, 3] != 2") == "[true, false, true]")
        #expect(output("[1.5, 2.0] >= 2") == "[false, true]")
        #expect(output("1 == 1.0") == "true")
        #expect(output("\"a\" == \"a\"") == "true")
        #expect(output("[true, false] == [true, true]") == "[true, false]")
        // Int against Float compares exact values: 2^24 + 1 is not the Float 2^24.
        #expect(output("16777217 > 16777216.0") == "true")
        // A comparison binds loosest: 1 + 1 == 2 is (1 + 1) == 2.
        #expect(output("1 + 1 == 2") == "true")
    }

    @Test func boolTensorsIndexListAndPrint() {
        #expect(output("b = [[1, 2], [3, 4]] > 2\nb[1]") == "[true, true]")
        #expect(output("b = [[1, 2], [3, 4]] > 2\nb[0, 1]") == "false")
        #expect(output("shape([1, 2, 3] > 1)") == "3")
        #expect(output("[true, false]") == "[true, false]")
        #expect(output("[[1] > 0, [0] > 0]") == " true\nfalse")
    }

    @Test func whereChoosesElementByElement() {
        #expect(output("x = [[1, -2], [3, -4]]\nwhere(x > 0, x, 0)") == "1 0\n3 0")
        #expect(output("where([1, -2] > 0, 1, 0.5)") == "[1.0000, 0.5000]")
        #expect(output("where(true, [1, 2], [3, 4])") == "[1, 2]")
        #expect(output("where([[true], [false]], [1, 2], 9)") == "1 2\n9 9")
        #expect(failure("where([1, 0], 1, 2)")?.message == "where: cond must be true/false or a Bool tensor (a comparison such as x > 0), got Int tensor 2")
        #expect(failure("where([true, false, true], [1, 2], 0)")?.message.contains("cannot broadcast") == true)
    }

    @Test func boolsWhereNumbersAreNeededSayHowToConvert() {
        let e = failure("sum([1, 2] > 1)")
        #expect(e?.message == "sum: x must be a number or tensor, got Bool tensor 2")
        #expect(e?.hint == Value.boolIsNotNumber)
        #expect(failure("true + 1")?.hint == Value.boolIsNotNumber)
        #expect(failure("-([1] > 0)")?.hint == Value.boolIsNotNumber)
        #expect(failure("true < false")?.hint == Value.boolIsNotNumber)
        #expect(output("sum(where([1, 2, 3] > 1, 1, 0))") == "2")
    }

    @Test func comparisonsDoNotChainAndBangNeedsEquals() {
        #expect(failure("1 < 2 < 3")?.message == "comparisons do not chain: '<' then '<'")
        #expect(failure("!true")?.message == "unexpected character '!'")
        #expect(output("(1 < 2) == true") == "true")
    }

    @Test func gradFlowsThroughWhereButNotThroughAComparison() {
        // d/dw sum(where(w > 0, w * w, 0)) = 2w where w > 0, else 0.
        #expect(output("w = [[1.0, -2.0], [3.0, -4.0]]\ngrad(sum(where(w > 0, w * w, 0)), w)") == "2.0000 0.0000\n6.0000 0.0000")
        #expect(output("w = [1.0, 2.0]\ngrad(sum(where(w > 1, 0, 3 * w)), w)") == "[3.0000, 0.0000]")
        #expect(failure("y = [1.0]\ngrad(sum(where(y > 1, y, 0) > 0), y)")?.message == "grad cannot differentiate the comparison '>' with respect to 'y': it has no gradient")
        // sum and mean over a list of axes on the tape.
        #expect(output("w = [[1.0, -2.0], [3.0, -4.0]]\ngrad(mean(w * w, axis: [0, 1]), w)") == " 0.5000 -1.0000\n 1.5000 -2.0000")
    }

    @Test func gradAndStepReadTheBuiltinTable() {
        #expect(Builtins.differentiable == ["avgpool", "conv2d", "conv2d_transpose", "dropout", "flatten", "maxpool", "mean",
                                           "relu", "reshape", "sigmoid", "softmax", "sum", "tanh", "transpose", "where"])
        #expect(Builtins.steppable == ["avgpool", "conv2d", "conv2d_transpose", "maxpool"])
        let e = failure("w = [1.0]\ngrad(sum(abs(w)), w)")
        #expect(e?.message == "grad cannot differentiate through abs with respect to 'w': abs has no gradient form")
        #expect(e?.hint?.contains("where") == true)
        #expect(failure("x = [[1, 2], [3, 4]]\nstep relu(x)")?.message == "step goes through a sliding-window operation: avgpool, conv2d, conv2d_transpose, maxpool")
    }
}
