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
            // At most `cores` iterations at a time: a limit below the machine's cores holds.
            let workers = Swift.min(n, cores)
            if let omp = OpenMPTeam.runtime {
                var job = OpenMPTeam.Job(n: n, body: escapable, threadNumber: omp.threadNumber, teamSize: omp.teamSize)
                OpenMPTeam.withSignalsBlocked {
                    withUnsafeMutablePointer(to: &job) { omp.parallel(OpenMPTeam.run, UnsafeMutableRawPointer($0), UInt32(workers), 0) }
                }
                return
            }
            let box = UncheckedSendableBox(value: escapable)
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

/// The engine's loops on the OpenMP threads oneDNN computes on (libgomp's `GOMP_parallel`,
/// found at run time like `omp_set_num_threads`), so the two never compete for a core.
///
/// After each parallel call libgomp's threads spin for a while before they sleep, waiting for
/// the next one. Loops on threads of their own (Dispatch) ran against those spinning threads:
/// on an AMD EPYC (Zen 1, 2 cores) training at 28x28x1 went from 1220-1290 images/s to 1400
/// with `GOMP_SPINCOUNT=10000`, and at 150x150x3 from 52.4 to 57.5. On the same threads the
/// spinning thread is the one that picks up the loop.
///
/// Dispatch is used where libgomp is not loaded, and under ThreadSanitizer
/// (`CNNLEARN_SANITIZER=thread`, set by scripts/sanitize), which cannot see libgomp's barriers
/// and would report the loops' writes as races.
enum OpenMPTeam {
    typealias Body = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias ParallelCall = @convention(c) (Body, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    typealias Query = @convention(c) () -> Int32

    struct Runtime {
        let parallel: ParallelCall
        let threadNumber: Query, teamSize: Query
    }

    static let runtime: Runtime? = {
        if ProcessInfo.processInfo.environment["CNNLEARN_SANITIZER"] == "thread" { return nil }
        let all = UnsafeMutableRawPointer(bitPattern: 0)
        guard let p = dlsym(all, "GOMP_parallel"), let t = dlsym(all, "omp_get_thread_num"),
              let s = dlsym(all, "omp_get_num_threads") else { return nil }
        return Runtime(parallel: unsafeBitCast(p, to: ParallelCall.self), threadNumber: unsafeBitCast(t, to: Query.self),
                       teamSize: unsafeBitCast(s, to: Query.self))
    }()

    /// Runs `body` with every signal blocked on this thread, then restores the mask (a signal
    /// that came meanwhile is delivered then). libgomp starts its threads inside the first
    /// parallel call and they keep the caller's signal mask: with signals open they took
    /// process-wide signals such as SIGWINCH, whose handler must interrupt the lesson
    /// player's read on the main thread, and a resize went unseen (a pseudo-terminal test
    /// timed out). Dispatch's threads block signals themselves.
    static func withSignalsBlocked(_ body: () -> Void) {
        var all = sigset_t(), old = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        body()
    }

    /// One loop: iterations 0..<n, each team thread taking every team-size-th from its number.
    struct Job {
        let n: Int
        let body: (Int) -> Void
        let threadNumber: Query, teamSize: Query
    }

    static let run: Body = { raw in
        let job = raw!.assumingMemoryBound(to: Job.self)
        let (n, body) = (job.pointee.n, job.pointee.body)
        let step = Swift.max(1, Int(job.pointee.teamSize()))
        var i = Int(job.pointee.threadNumber())
        while i < n { body(i); i += step }
    }
}

/// Carries a value into a concurrent loop whose iterations touch disjoint memory.
struct UncheckedSendableBox<T>: @unchecked Sendable { let value: T }
