import Dispatch
import Foundation

/// Runs loops over both cores, with each iteration writing only its own part of the output,
/// so results never depend on thread timing.
enum Parallel {
    static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Below this many elements of work a loop runs on the calling thread: waking the other
    /// core costs more than it saves.
    static let smallWork = 1 << 16

    /// Calls `body(i)` for `i` in `0..<n`, concurrently when there is more than one core and
    /// `work` (elements touched, when the caller knows) is not small. Which thread runs an
    /// iteration never changes what it computes.
    static func forEach(_ n: Int, work: Int = Int.max, _ body: (Int) -> Void) {
        if n <= 1 || cores == 1 || work < smallWork || onPartThread {
            for i in 0..<n { body(i) }
            return
        }
        // Each iteration writes a disjoint part of the output; the box only tells the compiler.
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendableBox(value: escapable)
            DispatchQueue.concurrentPerform(iterations: n) { box.value($0) }
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

/// Marks the threads that run one part of `runConcurrently`: loops on them stay on that thread.
private let partThreadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

extension Parallel {
    /// Whether this thread runs one part of `runConcurrently` (then the engine's own loops do
    /// not split further: the parts already keep the cores busy).
    static var onPartThread: Bool { pthread_getspecific(partThreadKey) != nil }
}

/// Runs `body(i)` for `i` in `0..<parts`, concurrently when there is more than one core, and
/// returns the results in order. Each part runs start to finish on one thread, and the
/// engine's loops inside it stay on that thread (also when the parts run one after another
/// on a single core), so independent parts of a batch (one tape each) use the cores without
/// meeting at every layer, and a part computes the same bits on any machine.
public func runConcurrently<T>(_ parts: Int, _ body: (Int) -> T) -> [T] {
    if parts <= 1 { return (0..<parts).map(body) }
    func part(_ i: Int) -> T {
        let outer = pthread_getspecific(partThreadKey)
        pthread_setspecific(partThreadKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(partThreadKey, outer) }
        return body(i)
    }
    if Parallel.cores == 1 || Parallel.onPartThread { return (0..<parts).map(part) }
    var results = [T?](repeating: nil, count: parts)
    results.withUnsafeMutableBufferPointer { out in
        withoutActuallyEscaping(part) { escapable in
            let box = UncheckedSendableBox(value: (escapable, out))
            DispatchQueue.concurrentPerform(iterations: parts) { i in box.value.1[i] = box.value.0(i) }
        }
    }
    return results.map { $0! }
}

/// Carries a value into a concurrent loop whose iterations touch disjoint memory.
struct UncheckedSendableBox<T>: @unchecked Sendable { let value: T }
