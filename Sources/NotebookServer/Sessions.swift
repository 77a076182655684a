import Foundation
import Lessons
import Notebook
import Tensor

/// One page's notebook on the server, with what is needed to run it from request handlers:
/// a lock for its flags, and a thread of its own for each run (cells are synchronous and may
/// recurse deeply, so they get a large stack rather than a cooperative-pool thread).
final class SessionBox: @unchecked Sendable {
    let id: String
    let lessonName: String
    private let lock = NSLock()
    private let session: NotebookSession
    private var busy = false
    private var stop = false
    private(set) var lastUsed = Date()
    static let running = NSLock()

    init(id: String, lessonName: String, session: NotebookSession) {
        self.id = id
        self.lessonName = lessonName
        self.session = session
        session.stopRequested = { [weak self] in self?.stopRequested ?? true }
    }

    var stopRequested: Bool { lock.withLock { stop } }
    var isBusy: Bool { lock.withLock { busy } }

    /// Stops this page's running cell: between statements and batches, and inside the engine's
    /// long kernels (which poll the work limit; only one cell runs in the server at a time,
    /// so the limit is this cell's).
    func requestStop() {
        let running = lock.withLock { stop = true; return busy }
        if running { WorkLimit.requestInterrupt() }
    }

    /// Claims the session for a run; false when a run is already going.
    func begin() -> Bool {
        lock.withLock {
            guard !busy else { return false }
            busy = true
            stop = false
            lastUsed = Date()
            return true
        }
    }

    private func end() { lock.withLock { busy = false; lastUsed = Date() } }

    /// Runs `body` on the session on a new thread, then releases the session and calls `done`.
    func start(_ body: @escaping @Sendable (NotebookSession) -> Void, done: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            // One cell at a time in the whole server: the engine's per-cell work limit and
            // memory accounting are the process's, and two pages' cells would share them.
            Self.running.lock()
            defer { Self.running.unlock() }
            Engine.portably { body(session) }
            end()
            done()
        }
        thread.stackSize = 64 << 20
        thread.start()
    }

    /// The views as they are (call only between runs, for rendering a page).
    var views: [CellView] { session.views }
    var document: LessonDocument { session.document }
    var cellCount: Int { session.cellCount }
}

/// The open pages' sessions. Bounded: opening more pages than `capacity` ends the one used
/// longest ago that is not running (its page then says to reload).
actor SessionStore {
    private var boxes: [String: SessionBox] = [:]
    let capacity: Int

    init(capacity: Int = 24) { self.capacity = capacity }

    func add(_ box: SessionBox) {
        if boxes.count >= capacity,
           let oldest = boxes.values.filter({ !$0.isBusy }).min(by: { $0.lastUsed < $1.lastUsed }) {
            boxes[oldest.id] = nil
        }
        boxes[box.id] = box
    }

    func get(_ id: String) -> SessionBox? { boxes[id] }

    func remove(_ id: String) -> SessionBox? { boxes.removeValue(forKey: id) }

    var count: Int { boxes.count }
}

/// Random identifiers: tokens, session ids, script nonces.
enum Random {
    static func hex(bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
