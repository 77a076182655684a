import Foundation
import Testing
import TestSupport
@testable import Lessons

/// lessons/CLAIMS.md: every claim of the tutorial with its status. A checked or corrected claim
/// names a lesson and a piece of one of its cells; the test fails when that lesson or that cell
/// is gone, when a status is not one of the four, or when a cited or left-out claim has no note.
@Suite struct ClaimsTests {
    struct Claim: Sendable, CustomStringConvertible {
        var line: Int
        var id: String
        var claim: String
        var status: String
        var lesson: String
        var cell: String
        var note: String
        var description: String { "CLAIMS.md:\(line) \(id)" }
    }

    static let statuses: Set<String> = ["checked", "corrected", "cited", "left out"]
    static let claimsPath = repositoryRoot.appendingPathComponent("lessons/CLAIMS.md").path

    /// Splits a Markdown table row on unescaped `|`; `\|` stands for a literal bar.
    static func columns(_ row: String) -> [String] {
        var cols: [String] = []
        var cur = ""
        var chars = Array(row.trimmingCharacters(in: .whitespaces))
        if chars.first == "|" { chars.removeFirst() }
        if chars.last == "|" { chars.removeLast() }
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count, chars[i + 1] == "|" { cur.append("|"); i += 2; continue }
            if chars[i] == "|" { cols.append(cur.trimmingCharacters(in: .whitespaces)); cur = ""; i += 1; continue }
            cur.append(chars[i]); i += 1
        }
        cols.append(cur.trimmingCharacters(in: .whitespaces))
        return cols
    }

    /// The claim rows: table rows whose first column is an id such as `2.1-03`.
    static func parse(_ text: String) -> (claims: [Claim], problems: [String]) {
        var claims: [Claim] = []
        var problems: [String] = []
        let idPattern = /^[0-9]+(\.[0-9]+)*-[0-9]{2}$/
        for (n, line) in text.components(separatedBy: "\n").enumerated() where line.hasPrefix("|") {
            let cols = columns(line)
            guard let first = cols.first, first.wholeMatch(of: idPattern) != nil else { continue }
            guard cols.count == 6 else {
                problems.append("CLAIMS.md:\(n + 1): \(cols.count) columns, expected 6 (id, claim, status, lesson, cell, note)")
                continue
            }
            var cell = cols[4]
            if cell.hasPrefix("`"), cell.hasSuffix("`"), cell.count >= 2 { cell = String(cell.dropFirst().dropLast()) }
            claims.append(Claim(line: n + 1, id: cols[0], claim: cols[1], status: cols[2], lesson: cols[3], cell: cell, note: cols[5]))
        }
        return (claims, problems)
    }

    static let table: (claims: [Claim], problems: [String]) = {
        guard let text = try? String(contentsOfFile: claimsPath, encoding: .utf8) else { return ([], ["cannot read \(claimsPath)"]) }
        return parse(text)
    }()

    /// The code of every cell of a lesson, by lesson name (file name without `.md`).
    static func cellCode(of lesson: String) -> [String]? {
        let path = repositoryRoot.appendingPathComponent("lessons/\(lesson).md").path
        guard let doc = try? LessonDocument(contentsOf: path) else { return nil }
        return doc.cells.map(\.code)
    }

    @Test func tableParsesAndIsLarge() {
        #expect(Self.table.problems.isEmpty, "\(Self.table.problems)")
        // The tutorial has well over a hundred claims; a table that lost most rows would be a bug.
        #expect(Self.table.claims.count >= 150, "only \(Self.table.claims.count) claims parsed")
    }

    @Test func idsAreUnique() {
        var seen: [String: Int] = [:]
        for c in Self.table.claims {
            #expect(seen[c.id] == nil, "\(c): id \(c.id) also on line \(seen[c.id] ?? 0)")
            seen[c.id] = c.line
        }
    }

    @Test func everyStatusIsKnown() {
        for c in Self.table.claims {
            #expect(Self.statuses.contains(c.status), "\(c): unknown status '\(c.status)'; use one of \(Self.statuses.sorted())")
            #expect(!c.claim.isEmpty, "\(c): empty claim")
        }
    }

    @Test func checkedAndCorrectedClaimsNameAnExistingCell() {
        var cache: [String: [String]?] = [:]
        for c in Self.table.claims where c.status == "checked" || c.status == "corrected" || (c.status == "cited" && c.lesson != "-") {
            let code: [String]?
            if let hit = cache[c.lesson] { code = hit } else { code = Self.cellCode(of: c.lesson); cache[c.lesson] = code }
            guard let code else {
                Issue.record("\(c): no lesson lessons/\(c.lesson).md")
                continue
            }
            #expect(!c.cell.isEmpty && c.cell != "-", "\(c): a \(c.status) claim must name a cell")
            #expect(code.contains { $0.contains(c.cell) }, "\(c): no cell of \(c.lesson) contains `\(c.cell)`")
        }
    }

    @Test func correctedCitedAndLeftOutClaimsSayWhy() {
        for c in Self.table.claims where c.status != "checked" {
            #expect(c.note.count >= 10, "\(c): a \(c.status) claim needs a note (the truth, the source, or why it is left out)")
        }
    }

    @Test func countsInTheHeaderMatchTheTable() throws {
        let text = try String(contentsOfFile: Self.claimsPath, encoding: .utf8)
        var n: [String: Int] = [:]
        for c in Self.table.claims { n[c.status, default: 0] += 1 }
        let line = "Counts: \(Self.table.claims.count) claims; \(n["checked"] ?? 0) checked, \(n["corrected"] ?? 0) corrected, "
            + "\(n["cited"] ?? 0) cited, \(n["left out"] ?? 0) left out."
        #expect(text.contains(line), "CLAIMS.md should say: \(line)")
    }

    /// The parser itself: escaped bars, a wrong column count, a row that is not a claim.
    @Test func parserHandlesEdgeCases() {
        let text = """
        | id | claim | status | lesson | cell | note |
        |---|---|---|---|---|---|
        | 2.4-01 | a \\| b | checked | 05-pooling | `max(x[0:2, 0:2])` | |
        | 2.4-02 | too few | checked | 05-pooling |
        | not-an-id | x | checked | - | - | - |
        """
        let r = Self.parse(text)
        #expect(r.claims.count == 1)
        #expect(r.claims.first?.claim == "a | b")
        #expect(r.claims.first?.cell == "max(x[0:2, 0:2])")
        #expect(r.problems.count == 1)
    }

    /// A cell that is missing is caught: the same lookup on a snippet no lesson has.
    @Test func aMissingCellIsFound() throws {
        let code = try #require(Self.cellCode(of: "05-pooling"))
        #expect(code.contains { $0.contains("maxpool(x, size: 2, stride: 2)") })
        #expect(!code.contains { $0.contains("this code is in no cell") })
        #expect(Self.cellCode(of: "99-no-such-lesson") == nil)
    }
}

/// The lessons follow the tutorial's order, and the numbers they had before still lead to them.
@Suite struct LessonOrderTests {
    static let library = LessonLibrary(folder: repositoryRoot.appendingPathComponent("lessons").path)

    @Test func lessonsAreInTheTutorialsOrder() {
        // Sections 1-2, 2.1 ... 2.7 (with 3 in the tutorial's CNN), 4, 4.1, 4.2, 4.3 + 4.4, 5, 6.
        let order = ["introduction", "convolution", "volumes", "relu", "stride-and-padding", "pooling", "hyperparameters",
                     "fully-connected", "training", "tutorial-cnn", "dropout", "overfitting", "augmentation", "vgg16", "visualization"]
        let names = Self.library.entries().map(\.name)
        let known = names.filter { order.contains($0) }
        #expect(known == order.filter { names.contains($0) }, "lessons out of the tutorial's order: \(names)")
        #expect(names.prefix(14) == order.prefix(14)[...], "\(names)")
    }

    @Test func oldNumberStemsFindTheLessonWithANote() throws {
        let vgg = try Self.library.find("11-vgg16")
        #expect(vgg.name == "vgg16")
        #expect(vgg.number == 13)
        #expect(Self.library.renumberingNote(for: "11-vgg16") == "note: lesson 11-vgg16 is now 13-vgg16 (the lessons follow the tutorial's order); running it")
        #expect(try Self.library.find("13-overfitting").number == 11)
        #expect(Self.library.renumberingNote(for: "11")?.contains("vgg16 was 11 and is now 13") == true)
        #expect(Self.library.renumberingNote(for: "convolution") == nil)
        #expect(Self.library.renumberingNote(for: "13-vgg16") == nil)
        #expect(Self.library.renumberingNote(for: "12") == nil)
    }
}
