import Foundation
import Testing
@testable import Lessons
@testable import Notebook

@Suite struct PageTests {
    @Test func placeholder() {}
}
