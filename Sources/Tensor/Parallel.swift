import Dispatch
import Foundation

/// Runs the engine's own loops (element-wise work, pooling by the plain loop) over the cores
/// `Threads.count` allows, with each iteration writing only its own part of the output, so
/// results never depend on thread timing or on the thread count.
enum Parallel {
    static var cores: Int { Threads.count }

    /// Below this many elements of work a loop runs on the calling thread: waking the other
    /// core costs more than it saves.
    static let smallWork = 1 << 16

    /// Calls `body(i)` for `i` in `0..<n`, concurrently when there is more than one core and
    /// `work` (elements touched, when the caller knows) is not small. Which thread runs an
    /// iteration never changes what it computes.
    static func forEach(_ n: Int, work: Int = Int.max, _ body: (Int) -> Void) {
        if n <= 1 || cores == 1 || work < smallWork {
            for i in 0..<n { body(i) }
            return
        }
        // Each iteration writes a disjoint part of the output; the box only tells the compiler.
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendableBox(value: escapable)
            // At most `cores` iterations at a time: a limit below the machine's cores holds.
            let workers = Swift.min(n, cores)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < n { box.value(i); i += workers }
            }
        }
    }

    /// Splits `0..<n` into about `cores * 4` contiguous ranges and runs them concurrently.
    static func forRanges(_ n: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let pieces = Swift.max(1, Swift.min(cores * 4, n / Swift.max(minimumChunk, 1)))
        forEach(pieces) { p in
            let lo = n * p / pieces, hi = n * (p + 1) / pieces
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// Carries a value into a concurrent loop whose iterations touch disjoint memory.
struct UncheckedSendableBox<T>: @unchecked Sendable { let value: T }
