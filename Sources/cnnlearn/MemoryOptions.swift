import ArgumentParser
import Foundation
import Tensor

/// `--max-memory SIZE`: the memory budget (`MemoryBudget`) of every tensor and image the
/// command makes, as bytes or with a K/M/G/T suffix (`512M`, `8G`). The flag wins over
/// `CNNLEARN_MAX_MEMORY`; without either the budget is `MemoryBudget.defaultBytes`, or under an
/// address-space limit (`ulimit -v`) half of what the limit leaves, if that is less.
struct MemoryOptions: ParsableArguments {
    @Option(name: .customLong("max-memory"), help: ArgumentHelp("The memory budget of any one tensor or image: bytes, or with a K/M/G suffix (default 4G, or CNNLEARN_MAX_MEMORY).", valueName: "size"))
    var maxMemory: String?

    static let sizeHint = "give a size in bytes or with a K, M, G or T suffix (powers of 1024), e.g. 512M or 8G"

    /// The budget the flag or the environment asks for (nil: the default), or an error naming
    /// the bad value and where it came from.
    static func budget(flag: String?, environment: [String: String]) throws -> Int? {
        if let flag {
            guard let b = MemoryBudget.parse(flag) else {
                throw LessonCommandError("--max-memory '\(flag)' is not a size\nhint: \(sizeHint)")
            }
            return b
        }
        if let text = environment["CNNLEARN_MAX_MEMORY"] {
            guard let b = MemoryBudget.parse(text) else {
                throw LessonCommandError("CNNLEARN_MAX_MEMORY='\(text)' is not a size\nhint: \(sizeHint)")
            }
            return b
        }
        return nil
    }

    /// Sets the process-wide budget; the first thing every command that makes tensors does.
    func apply() throws {
        // Under `ulimit -v`, a limit that leaves too little beyond loading the program is refused
        // up front: Swift ends the process on a failed allocation (it cannot be caught), and
        // oneDNN crashes on its own, so computing there would end in a crash, not an error.
        if let room = AddressSpace.headroom, room < AddressSpace.minimumHeadroom, let limit = AddressSpace.limit {
            let kb = limit / 1024
            let needed = kb + (AddressSpace.minimumHeadroom - room) / 1024 + 1
            throw LessonCommandError("the address-space limit (ulimit -v \(kb)) leaves \(MemoryBudget.describe(Double(room))) beyond what loading cnnlearn took; computing needs at least \(MemoryBudget.describe(Double(AddressSpace.minimumHeadroom)))\nhint: raise the limit to at least ulimit -v \(needed)")
        }
        if let b = try Self.budget(flag: maxMemory, environment: ProcessInfo.processInfo.environment) {
            MemoryBudget.bytes = b
        } else if let room = AddressSpace.headroom, room / 2 < MemoryBudget.bytes {
            // Under `ulimit -v` the default budget is half of what the limit leaves, so a tensor
            // too large for it is the budget's clear error rather than a failed allocation.
            MemoryBudget.bytes = Swift.max(1 << 20, room / 2)
        }
    }
}
