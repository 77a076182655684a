import Foundation
import Tensor

/// Living under an address-space limit (`ulimit -v`): the headroom the limit leaves, and what
/// the program does about it before any command runs.
///
/// libdispatch, which runs the engine's parallel loops, retries forever (sleeping a second each
/// time) when it cannot start a worker thread, so under a limit too tight for another thread's
/// stack (glibc reserves RLIMIT_STACK, 8 MiB by default, per thread) any parallel loop would
/// hang. `prepare` starts as many threads as the engine would use; if they cannot all start,
/// the engine computes on the calling thread alone (with a warning) instead of hanging.
enum AddressSpace {
    /// The soft RLIMIT_AS in bytes, or nil when there is none.
    static var limit: Int? {
        var r = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &r) == 0, r.rlim_cur < rlim_t(Int.max) else { return nil }
        return Int(r.rlim_cur)
    }

    /// The address space mapped now (VmSize of /proc/self/status), in bytes.
    static var used: Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmSize:") {
            let kb = line.dropFirst(7).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
            return kb.map { $0 * 1024 }
        }
        return nil
    }

    /// What a command that computes needs beyond what loading took: below it, every command
    /// that makes tensors refuses to start (MemoryOptions.apply) rather than crash part-way.
    static let minimumHeadroom = 64 << 20

    /// What the limit leaves (nil: no limit).
    static var headroom: Int? {
        guard let limit else { return nil }
        return Swift.max(0, limit - (used ?? 0))
    }

    /// Whether `count` more threads of the default stack size can run at once: each is started
    /// and held until all are, then all end.
    static func canStartThreads(_ count: Int) -> Bool {
        guard count > 0 else { return true }
        var gate = pthread_mutex_t()
        pthread_mutex_init(&gate, nil)
        defer { pthread_mutex_destroy(&gate) }
        pthread_mutex_lock(&gate)
        var started: [pthread_t] = []
        var ok = true
        withUnsafeMutablePointer(to: &gate) { g in
            for _ in 0..<count {
                var t = pthread_t()
                let rc = pthread_create(&t, nil, { arg in
                    let m = arg!.assumingMemoryBound(to: pthread_mutex_t.self)
                    pthread_mutex_lock(m)
                    pthread_mutex_unlock(m)
                    return nil
                }, UnsafeMutableRawPointer(g))
                if rc != 0 { ok = false; break }
                started.append(t)
            }
            pthread_mutex_unlock(g)
            for t in started { pthread_join(t, nil) }
        }
        return ok
    }

    /// Run once before any command: under an address-space limit, computes on one thread if
    /// the engine's threads (one per core in use, with a spare for libdispatch's bookkeeping)
    /// cannot start.
    static func prepare() {
        guard limit != nil else { return }
        let threads = Threads.count
        guard threads > 1 else { return }
        if !canStartThreads(threads + 1) {
            Threads.set(1)
            let kb = (limit ?? 0) / 1024
            FileHandle.standardError.write(Data("warning: the address-space limit (ulimit -v \(kb)) leaves no room for \(threads) more threads; computing on one\n".utf8))
        }
    }
}
