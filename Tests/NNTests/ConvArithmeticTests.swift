import Testing
import NN

@Test func tutorialFormula() {
    #expect(slidingOutputSize(input: 32, window: 5, padding: 0, stride: 1) == 28)
    #expect(slidingOutputSize(input: 7, window: 3, padding: 0, stride: 2) == 3)
    #expect(slidingOutputSize(input: 2, window: 3, padding: 0, stride: 1) == nil)
}
