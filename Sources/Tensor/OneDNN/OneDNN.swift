import CDNNL
import Foundation

/// The engine's door to oneDNN (Debian's libdnnl, the library TensorFlow and PyTorch use for
/// CPU convolutions): one CPU engine and stream, and a cache of primitives keyed by what they
/// compute and the shapes they compute it on, so that a training step creates no primitive
/// after its first.
///
/// oneDNN chooses its kernels from the CPU's features (AVX2, AVX-512, AMX...), not from a table
/// of model numbers, so a CPU newer than the library still gets its widest vector unit.
/// `ONEDNN_MAX_CPU_ISA=AVX2` in the environment restricts it (the bench uses that to measure a
/// laptop-class CPU on this machine).
///
/// Tensors stay channels-last: activations are described to oneDNN as `nhwc` and Keras'
/// kernels (KH,KW,C,F) as `hwio`, so no copy is made of either. Where a primitive prefers a
/// blocked weight layout it says so through its memory descriptor and the weights are
/// reordered into a scratch buffer for that call (a few hundred KB for the tutorial model).
///
/// All calls go through one lock: a primitive and the memory objects cached with it belong to
/// one call at a time. The work inside a call uses every allowed core (OpenMP threads), so
/// concurrent callers would only take turns on the same cores anyway.
public enum OneDNN {
    /// A failed oneDNN call: its status and what was being done. The engine describes only
    /// shapes it has checked, so this is a bug or an exhausted machine, never user input.
    static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
        precondition(status == dnnl_success, "oneDNN: \(what()) failed with status \(status.rawValue)")
    }

    /// The process-wide engine, stream, lock and primitive cache.
    final class Context: @unchecked Sendable {
        let engine: dnnl_engine_t
        let stream: dnnl_stream_t
        let lock = NSLock()
        /// The scratch memory every primitive runs with (grown to the largest asked): see
        /// `scratchpadAttributes`.
        var scratchpad: UnsafeMutableRawPointer?
        var scratchpadBytes = 0

        func scratchpad(bytes: Int) -> UnsafeMutableRawPointer {
            if bytes > scratchpadBytes || scratchpad == nil {
                scratchpad?.deallocate()
                scratchpad = .allocate(byteCount: Swift.max(bytes, 64), alignment: 64)
                scratchpadBytes = Swift.max(bytes, 64)
            }
            return scratchpad!
        }
        var primitives: [Key: Primitive] = [:]
        var reorders: [ReorderKey: Primitive] = [:]
        /// Keys whose primitive oneDNN declined (a Winograd convolution on a CPU without
        /// AVX-512, or under ONEDNN_MAX_CPU_ISA=AVX2): asked once, not on every step.
        var declined: Set<Key> = []

        init() {
            var e: dnnl_engine_t?
            OneDNN.check(dnnl_engine_create(&e, dnnl_cpu, 0), "creating the CPU engine")
            var s: dnnl_stream_t?
            OneDNN.check(dnnl_stream_create(&s, e, dnnl_stream_default_flags.rawValue), "creating a stream")
            engine = e!
            stream = s!
        }
    }

    static let context = Context()

    /// Runs `body` with the context locked, and OpenMP set on this thread (OpenMP keeps the
    /// setting per calling thread) to the threads a call of `work` multiply-adds (or element
    /// visits) gets: all the engine's threads from `parallelWork` up, one below it.
    ///
    /// Every parallel call ends in an OpenMP barrier, and when another program has one of the
    /// two cores the thread it waits for may be off the CPU for a scheduler slice. On this
    /// machine under such load, 28x28x1 training at batch 64 ran at 240 images/s on two threads
    /// and 1124 on one: small calls lose more at the barrier than the second core gives them.
    /// The choice depends on the shape only, so a run computes the same bits every time.
    static func withContext<R>(work: Int, _ body: (Context) -> R) -> R {
        let c = context
        c.lock.lock()
        defer { c.lock.unlock() }
        Threads.applyToOpenMP(work >= parallelWork ? Threads.count : 1)
        return body(c)
    }

    /// Calls of at least this much work use every thread (2^25: the tutorial model's conv_2 to
    /// conv_4 at 28x28x1 and batch 64, and every conv and pooling at 150x150x3).
    static let parallelWork = 1 << 25

    /// What a cached primitive computes, with every number its descriptor was made from.
    struct Key: Hashable {
        enum Kind: Hashable {
            case convForward(bias: Bool, relu: Bool)
            case convBackwardData
            case convBackwardWeights(bias: Bool)
            case maxPoolForward, maxPoolBackward
            case avgPoolForward, avgPoolBackward
            case matmul(transposeA: Bool, transposeB: Bool)
        }
        let kind: Kind
        let numbers: [Int]
    }

    struct ReorderKey: Hashable {
        let from: [UInt8], to: [UInt8]
    }

    /// A primitive with its descriptor, and the memory descriptors of its arguments as the
    /// primitive wants them (queried once).
    final class Primitive: @unchecked Sendable {
        let pd: dnnl_primitive_desc_t
        let primitive: dnnl_primitive_t
        init(_ pd: dnnl_primitive_desc_t) {
            self.pd = pd
            var p: dnnl_primitive_t?
            OneDNN.check(dnnl_primitive_create(&p, pd), "creating a primitive")
            primitive = p!
        }
        /// The memory descriptor the primitive uses for `what` (a weights or workspace query).
        func md(_ what: dnnl_query_t) -> dnnl_memory_desc_t {
            dnnl_primitive_desc_query_md(pd, what, 0)!.pointee
        }
        /// The name of the implementation oneDNN chose (e.g. `brg:avx512_core`).
        var implementation: String {
            var s: UnsafePointer<CChar>?
            withUnsafeMutablePointer(to: &s) { p in
                _ = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, p)
            }
            return s.map { String(cString: $0) } ?? "?"
        }
    }

    /// The cached primitive for `key`, made by `make` (which returns a primitive descriptor)
    /// the first time. Called with the context locked.
    static func primitive(_ c: Context, _ key: Key, _ make: () -> dnnl_primitive_desc_t) -> Primitive {
        if let p = c.primitives[key] { return p }
        let p = Primitive(make())
        c.primitives[key] = p
        return p
    }

    /// The cached primitive for `key` if oneDNN has an implementation for what `make`
    /// describes (nil when `make` returns nil, remembered). Called with the context locked.
    static func optionalPrimitive(_ c: Context, _ key: Key, _ make: () -> dnnl_primitive_desc_t?) -> Primitive? {
        if let p = c.primitives[key] { return p }
        if c.declined.contains(key) { return nil }
        guard let pd = make() else {
            c.declined.insert(key)
            return nil
        }
        let p = Primitive(pd)
        c.primitives[key] = p
        return p
    }

    /// Runs `primitive` on `args` (argument id, memory descriptor, data pointer) and waits.
    static func execute(_ c: Context, _ p: Primitive, _ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer?)]) {
        var memories: [dnnl_memory_t] = []
        memories.reserveCapacity(args.count)
        defer { for m in memories { dnnl_memory_destroy(m) } }
        var exec: [dnnl_exec_arg_t] = []
        for (arg, md, data) in args {
            var md = md
            var m: dnnl_memory_t?
            OneDNN.check(dnnl_memory_create(&m, &md, c.engine, data), "making a memory object")
            memories.append(m!)
            exec.append(dnnl_exec_arg_t(arg: arg, memory: m))
        }
        let scratch = size(p.md(dnnl_query_scratchpad_md))
        if scratch > 0 {
            var md = p.md(dnnl_query_scratchpad_md)
            var m: dnnl_memory_t?
            OneDNN.check(dnnl_memory_create(&m, &md, c.engine, c.scratchpad(bytes: scratch)), "making the scratchpad")
            memories.append(m!)
            exec.append(dnnl_exec_arg_t(arg: CNN_DNNL_ARG_SCRATCHPAD, memory: m))
        }
        OneDNN.check(dnnl_primitive_execute(p.primitive, c.stream, Int32(exec.count), exec), "executing a primitive")
        OneDNN.check(dnnl_stream_wait(c.stream), "waiting for the stream")
    }

    /// The bytes of one memory descriptor (the key of a reorder).
    static func bytes(_ md: dnnl_memory_desc_t) -> [UInt8] {
        withUnsafeBytes(of: md) { Array($0) }
    }

    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        var a = a, b = b
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    static func size(_ md: dnnl_memory_desc_t) -> Int {
        var md = md
        return dnnl_memory_desc_get_size(&md)
    }

    /// Copies `from` (laid out as `fromMD`) into `to` (laid out as `toMD`): the same values in
    /// another layout (a reorder without scales changes no bits).
    static func reorder(_ c: Context, _ fromMD: dnnl_memory_desc_t, _ from: UnsafeMutableRawPointer,
                        _ toMD: dnnl_memory_desc_t, _ to: UnsafeMutableRawPointer) {
        let key = ReorderKey(from: bytes(fromMD), to: bytes(toMD))
        let p: Primitive
        if let cached = c.reorders[key] {
            p = cached
        } else {
            var (a, b) = (fromMD, toMD)
            var pd: dnnl_primitive_desc_t?
            let attr = scratchpadAttributes(nil)
            defer { dnnl_primitive_attr_destroy(attr) }
            check(dnnl_reorder_primitive_desc_create(&pd, &a, c.engine, &b, c.engine, attr), "describing a reorder")
            p = Primitive(pd!)
            c.reorders[key] = p
        }
        execute(c, p, [(CNN_DNNL_ARG_FROM, fromMD, from), (CNN_DNNL_ARG_TO, toMD, to)])
    }

    /// A plain f32 memory descriptor of logical `dims` in layout `tag` (`dnnl_format_tag_any`
    /// lets the primitive choose).
    static func md(_ dims: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let d = dims.map(Int64.init)
        check(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, dnnl_f32, tag), "describing \(dims)")
        return md
    }

    /// A plain f32 memory descriptor of logical `dims` with element `strides`.
    static func md(_ dims: [Int], strides: [Int]) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let d = dims.map(Int64.init), s = strides.map(Int64.init)
        check(dnnl_memory_desc_init_by_strides(&md, Int32(d.count), d, dnnl_f32, s), "describing \(dims) with strides \(strides)")
        return md
    }

    /// A primitive descriptor for an operation descriptor (a convolution, pooling or matmul
    /// descriptor), optionally with attributes and the forward primitive a backward one needs.
    static func describe<D>(_ c: Context, _ desc: inout D, attr: dnnl_primitive_attr_t? = nil,
                            hint: dnnl_primitive_desc_t? = nil) -> dnnl_primitive_desc_t {
        guard let pd = describeIfSupported(c, &desc, attr: attr, hint: hint) else {
            preconditionFailure("oneDNN: describing a primitive failed")
        }
        return pd
    }

    /// Attributes that make a primitive take its scratch memory from the caller (`execute`
    /// passes the context's buffer) instead of oneDNN's "library" scratchpad: that one is a
    /// thread-local buffer sized on the thread that created the primitive, so a primitive
    /// created on one thread and run on another (the test suite's parallel tests, the notebook
    /// server's cells) read the other thread's buffer, which may not exist: under
    /// ONEDNN_MAX_CPU_ISA=AVX2 the training tests crashed in libdnnl (null dereference in a
    /// kernel gradient) at 1 thread and at 2. `base` (or new attributes) with the mode set;
    /// the caller destroys what it made.
    static func scratchpadAttributes(_ base: dnnl_primitive_attr_t?) -> dnnl_primitive_attr_t {
        var attr = base
        if attr == nil { check(dnnl_primitive_attr_create(&attr), "making attributes") }
        check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "setting the scratchpad mode")
        return attr!
    }

    /// Like `describe`, but nil where oneDNN has no implementation (`dnnl_unimplemented`) or
    /// declines the operation descriptor's parameters.
    static func describeIfSupported<D>(_ c: Context, _ desc: inout D, attr: dnnl_primitive_attr_t? = nil,
                                       hint: dnnl_primitive_desc_t? = nil) -> dnnl_primitive_desc_t? {
        var pd: dnnl_primitive_desc_t?
        let own = attr == nil
        let attributes = scratchpadAttributes(attr)
        defer { if own { dnnl_primitive_attr_destroy(attributes) } }
        let status = withUnsafePointer(to: &desc) { p in
            dnnl_primitive_desc_create(&pd, UnsafeRawPointer(p), attributes, c.engine, hint)
        }
        return status == dnnl_success ? pd : nil
    }

    /// Runs `body` with a 64-byte aligned scratch buffer of the size `md` describes.
    static func withScratch<R>(_ md: dnnl_memory_desc_t, _ body: (UnsafeMutableRawPointer) -> R) -> R {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(size(md), 1), alignment: 64)
        defer { scratch.deallocate() }
        return body(scratch)
    }

    /// The names of the implementations oneDNN chose so far, by kind (for `bench`).
    static func implementations() -> [String] {
        withContext(work: 0) { c in
            c.primitives.map { "\($0.key.kind): \($0.value.implementation)" }.sorted()
        }
    }

    /// The widest instruction set oneDNN dispatches to on this CPU (within ONEDNN_MAX_CPU_ISA).
    /// (Asked under the context's lock, like every other oneDNN call.)
    public static var effectiveISA: String {
        let isa = withContext(work: 0) { _ in dnnl_get_effective_cpu_isa() }
        switch isa {
        case dnnl_cpu_isa_sse41: return "SSE4.1"
        case dnnl_cpu_isa_avx: return "AVX"
        case dnnl_cpu_isa_avx2: return "AVX2"
        case dnnl_cpu_isa_avx512_mic: return "AVX-512 (MIC)"
        case dnnl_cpu_isa_avx512_mic_4ops: return "AVX-512 (MIC 4ops)"
        case dnnl_cpu_isa_avx512_core: return "AVX-512"
        case dnnl_cpu_isa_avx512_core_vnni: return "AVX-512 VNNI"
        case dnnl_cpu_isa_avx512_core_bf16: return "AVX-512 BF16"
        case dnnl_cpu_isa_avx512_core_amx: return "AVX-512 AMX"
        case dnnl_cpu_isa_avx2_vnni: return "AVX2 VNNI"
        default: return "baseline"
        }
    }

    /// oneDNN's version, e.g. `2.6.3`.
    public static var version: String {
        guard let v = dnnl_version() else { return "?" }
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch)"
    }
}

/// The number of threads the engine computes on: every core, or `CNNLEARN_THREADS` when set
/// (a positive whole number; anything else is ignored with a warning), or what `set(_:)` says.
///
/// Both oneDNN's OpenMP threads and the engine's own parallel loops follow it. Results do not
/// depend on it: every parallel loop writes disjoint parts of its output in a fixed order, and
/// the oneDNN primitives used in training give the same bits at any thread count (tested).
public enum Threads {
    nonisolated(unsafe) private static var current: Int = initial
    private static let lock = NSLock()

    private static let initial: Int = {
        let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let text = ProcessInfo.processInfo.environment["CNNLEARN_THREADS"] else { return cores }
        guard let n = Int(text), n >= 1, n <= 4096 else {
            FileHandle.standardError.write(Data("warning: CNNLEARN_THREADS=\(text) is not a whole number from 1 to 4096; using \(cores) threads\n".utf8))
            return cores
        }
        return n
    }()

    /// The thread count in force.
    public static var count: Int { lock.lock(); defer { lock.unlock() }; return current }

    /// Sets the thread count (at least 1) for every later computation.
    public static func set(_ n: Int) {
        lock.lock(); defer { lock.unlock() }
        current = Swift.max(1, n)
    }

    /// `omp_set_num_threads`, found at run time in the OpenMP runtime oneDNN loaded (libgomp):
    /// the project does not link OpenMP itself.
    private static let ompSetNumThreads: (@convention(c) (Int32) -> Void)? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return nil }
        return unsafeBitCast(sym, to: (@convention(c) (Int32) -> Void).self)
    }()

    /// Whether the OpenMP runtime's thread control was found (so oneDNN follows `count`).
    public static var controlsOpenMP: Bool { ompSetNumThreads != nil }

    static func applyToOpenMP(_ n: Int) {
        ompSetNumThreads?(Int32(Swift.max(1, n)))
    }
}
