import Foundation
import Synchronization

/// The work budget of a running lesson cell: a time limit per cell and Ctrl-C.
///
/// The interpreter starts the clock for each cell (`begin`); long kernels (exact Int products,
/// pooling and convolution loops, figure frames) ask `shouldStop` between rows and return
/// early when it is true, and the interpreter then throws, so a half-computed result is never
/// seen. Outside a cell nothing is limited: `shouldStop` is false unless Ctrl-C was pressed
/// while a handler from `catchingInterrupts` was installed.
public enum WorkLimit {
    /// 0 running; 1 past the time limit; 2 interrupted (Ctrl-C).
    static let state = Atomic<Int>(0)
    /// The cell's deadline in monotonic nanoseconds; 0 for none.
    static let deadline = Atomic<UInt64>(0)
    /// The limit the current cell was given, for the error message.
    static let limitMilliseconds = Atomic<Int>(0)

    /// The default per-cell time limit: generous (lessons train small networks in a cell);
    /// `CNNLEARN_CELL_TIME_LIMIT=SECONDS` sets it, 0 turns it off.
    public static let defaultSeconds: Double = {
        if let t = ProcessInfo.processInfo.environment["CNNLEARN_CELL_TIME_LIMIT"], let s = Double(t), s >= 0 { return s }
        return 300
    }()

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Starts a cell's clock (`seconds` 0 or nil: no time limit) and clears an earlier stop.
    public static func begin(seconds: Double?) {
        state.store(0, ordering: .sequentiallyConsistent)
        let s = seconds ?? 0
        limitMilliseconds.store(Int(s * 1000), ordering: .relaxed)
        deadline.store(s > 0 ? now() &+ UInt64(s * 1e9) : 0, ordering: .sequentiallyConsistent)
    }

    /// Ends a cell: no deadline, no pending stop.
    public static func end() {
        deadline.store(0, ordering: .sequentiallyConsistent)
        state.store(0, ordering: .sequentiallyConsistent)
    }

    /// Asks the running work to stop (Ctrl-C); safe to call from a signal handler.
    public static func requestInterrupt() { state.store(2, ordering: .relaxed) }

    /// True when the running work should stop: cheap enough for a kernel's row loop.
    @inline(__always) public static var shouldStop: Bool {
        if state.load(ordering: .relaxed) != 0 { return true }
        let d = deadline.load(ordering: .relaxed)
        if d != 0, now() > d {
            _ = state.compareExchange(expected: 0, desired: 1, ordering: .relaxed)
            return true
        }
        return false
    }

    /// Why the work stopped, or nil when it may go on.
    public static var stopReason: String? {
        guard shouldStop else { return nil }
        switch state.load(ordering: .relaxed) {
        case 2: return "interrupted (Ctrl-C)"
        default:
            let s = Double(limitMilliseconds.load(ordering: .relaxed)) / 1000
            let shown = s == s.rounded() ? "\(Int(s))" : "\(s)"
            return "the cell ran past its time limit of \(shown) s"
        }
    }

    /// Throws `TensorError.interrupted` when the work should stop.
    public static func check() throws(TensorError) {
        if let r = stopReason { throw .interrupted(r) }
    }

    /// Runs `body` with Ctrl-C (SIGINT) turned into `requestInterrupt` instead of ending the
    /// process; a second Ctrl-C while the first is pending ends it as usual.
    public static func catchingInterrupts<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let previous = signal(SIGINT) { _ in
            if WorkLimit.state.load(ordering: .relaxed) == 2 {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
            WorkLimit.requestInterrupt()
        }
        // A process started with SIGINT blocked (children of some runners inherit that mask)
        // would never see the key: unblock it on this thread for the cell.
        var set = sigset_t(), old = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, &old)
        defer {
            signal(SIGINT, previous)
            pthread_sigmask(SIG_SETMASK, &old, nil)
        }
        return try body()
    }
}
