/// A unified diff of two texts by lines, with three lines of context, as `diff -u` prints it.
public enum UnifiedDiff {
    enum Edit: Equatable { case same(String), removed(String), added(String) }

    /// The edit script from `a` to `b` by longest common subsequence.
    static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [Edit] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] { out.append(.same(a[i])); i += 1; j += 1 }
            else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] { out.append(.removed(a[i])); i += 1 }
            else { out.append(.added(b[j])); j += 1 }
        }
        return out
    }

    /// `--- expected` / `+++ got` and `@@` hunks; empty when the texts are equal.
    public static func diff(expected: String, got: String, context: Int = 3) -> String {
        let a = expected.isEmpty ? [] : expected.components(separatedBy: "\n")
        let b = got.isEmpty ? [] : got.components(separatedBy: "\n")
        let e = edits(a, b)
        let changed = e.indices.filter { if case .same = e[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return "" }
        // Group changes whose context overlaps into hunks.
        var hunks: [ClosedRange<Int>] = []
        for c in changed {
            let r = max(0, c - context)...min(e.count - 1, c + context)
            if let last = hunks.last, r.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                hunks.append(r)
            }
        }
        var lines = ["--- expected", "+++ got"]
        for h in hunks {
            var aStart = 1, bStart = 1
            for k in 0..<h.lowerBound {
                switch e[k] {
                case .same: aStart += 1; bStart += 1
                case .removed: aStart += 1
                case .added: bStart += 1
                }
            }
            var aCount = 0, bCount = 0
            var body: [String] = []
            for k in h {
                switch e[k] {
                case .same(let s): body.append(" " + s); aCount += 1; bCount += 1
                case .removed(let s): body.append("-" + s); aCount += 1
                case .added(let s): body.append("+" + s); bCount += 1
                }
            }
            lines.append("@@ -\(aCount == 0 ? aStart - 1 : aStart),\(aCount) +\(bCount == 0 ? bStart - 1 : bStart),\(bCount) @@")
            lines += body
        }
        return lines.joined(separator: "\n")
    }
}
