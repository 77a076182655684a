import Foundation

/// Starts `path` with `argv` and `environment` in a clean signal state, as a login shell would
/// give: nothing blocked, every signal at its default (the test runner's threads may block or
/// ignore signals, and a child inherits that). `files` sets up the child's descriptors;
/// `flags` adds spawn flags (POSIX_SPAWN_SETSID for a pseudo-terminal's session).
func spawnWithCleanSignals(_ path: String, _ argv: [String], environment: [String: String], flags: Int16 = 0,
                           files: (inout posix_spawn_file_actions_t) -> Void) throws(SpawnFailure) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    files(&actions)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t(), all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, flags | Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in cEnv { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, &cArgs, &cEnv)
    guard rc == 0 else { throw SpawnFailure(description: "spawn \(path): \(String(cString: strerror(rc)))") }
    return pid
}

struct SpawnFailure: Error, CustomStringConvertible { let description: String }
