import Testing
@testable import Lessons

/// `grad` through the engine's tape, against analytic gradients and central differences.
@Suite struct GradientTests {
    let setup = "x = [[1,1,1,0,0],[0,1,1,1,0],[0,0,1,1,1],[0,0,1,1,0],[0,1,1,0,0]]\nk = [[1,0,1],[0,1,0],[1,0,1]]\n"

    @Test func elementwiseProductGivesTheOtherFactor() {
        #expect(output("w = [1.0, 2.0, 3.0]\ngrad(sum(w * [4, 5, 6]), w)") == "[4.0000, 5.0000, 6.0000]")
        #expect(output("w = 3\ngrad(w * w - 2 * w, w)") == "4.0000")
        #expect(output("w = [[1.0, -2.0]]\ngrad(sum(relu(w)), w)") == "1.0000 0.0000")
    }

    @Test func convolutionKernelGradientIsTheSumOfItsWindows() {
        // d/dk sum(conv2d(x, k)) at (i, j) = sum of x over the windows' (i, j) cells.
        #expect(output(setup + "g = grad(sum(conv2d(x, k)), k)\nassert_close(g, float(conv2d(x, ones([3, 3]))), 0.00001)\ng") ==
                "6.0000 7.0000 6.0000\n4.0000 7.0000 7.0000\n4.0000 6.0000 6.0000")
    }

    @Test func matchesCentralDifferences() {
        // f(w) = mean(sigmoid(w @ [[1.0], [-2.0]])), checked at w[0, 1] against (f(w+h) - f(w-h)) / 2h.
        let code = """
        w = [[0.3, -0.7]]
        g = grad(mean(sigmoid(w @ [[1.0], [-2.0]])), w)
        h = 0.01
        up = mean(sigmoid((w + [[0.0, h]]) @ [[1.0], [-2.0]]))
        down = mean(sigmoid((w - [[0.0, h]]) @ [[1.0], [-2.0]]))
        assert_close(g[0, 1], (up - down) / (2 * h), 0.001)
        """
        #expect(output(code) == "")
    }

    @Test func errors() {
        #expect(failure("w = [1.0, 2.0]\ngrad(w * 2, w)")?.message.contains("needs a scalar expression, got shape 2") == true)
        #expect(failure("w = [1.0]\ngrad(sum(w), 3)")?.message.contains("must be the name of a tensor") == true)
        #expect(failure("w = [1.0]\ngrad(sum(w[0:1]), w)")?.message.contains("cannot differentiate") == true)
        #expect(failure("w = [1.0]\ngrad(max(w), w)")?.message.contains("cannot differentiate through max") == true)
        #expect(failure("w = [1.0]\ngrad(sum(w), w, 1)") != nil)
    }
}

/// grad reached through names: followed back to the expressions that made them, or refused
/// when that cannot give the right answer; never a silent zero.
@Suite struct GradientThroughBindingsTests {
    @Test func followsANameBackToWrt() {
        #expect(output("x = [[1.0, 2.0], [3.0, 4.0]]\nloss = sum(x * x)\ngrad(loss, x)") == "2.0000 4.0000\n6.0000 8.0000")
        #expect(output("x = [[1.0, 2.0], [3.0, 4.0]]\nh = relu(x * 3)\nl = sum(h * x)\ngrad(l, x)") == " 6.0000 12.0000\n18.0000 24.0000")
        #expect(output("x = [1.0, 2.0]\nw = 3.0\nl = sum(w * x)\ngrad(l, x)") == "[3.0000, 3.0000]")
    }

    @Test func refusesWhenANameWasBoundAgain() {
        let rebound = failure("x = [1.0, 2.0]\nw = 3.0\nl = sum(w * x)\nw = 5.0\ngrad(l, x)")
        #expect(rebound?.message == "grad cannot follow 'l' back to 'x': 'w' has been bound again since 'l' was computed")
        let moved = failure("x = [1.0, 2.0]\nloss = sum(x * x)\nx = x + 1\ngrad(loss, x)")
        #expect(moved?.message == "grad cannot follow 'loss' back to 'x': 'x' has been bound again since 'loss' was computed")
        let own = failure("x = [1.0, 2.0]\nk = 2\nk = k * x\ngrad(sum(k), x)")
        #expect(own?.message == "grad cannot follow 'k' back to 'x': 'k' was made from its own earlier value, which is gone")
    }

    @Test func aNameThatDoesNotReachWrtIsAConstant() {
        #expect(output("x = [1.0, 2.0]\nc = sum(ones([2]))\ngrad(c * sum(x), x)") == "[2.0000, 2.0000]")
    }
}
