/// One lexical unit of the cell language, with where it starts.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case integer(Int)
        case decimal(Float)
        case string(String)
        case identifier(String)
        case keyword(String)  // true, false, step
        case symbol(String)   // + - * / ** @ = == != < <= > >= ( ) [ ] , :
        case newline
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// How the token reads in an error message.
    var spelling: String {
        switch kind {
        case .integer(let v): return "\(v)"
        case .decimal(let v): return "\(v)"
        case .string(let s): return "\"\(s)\""
        case .identifier(let s), .keyword(let s): return s
        case .symbol(let s): return "'\(s)'"
        case .newline: return "end of line"
        case .end: return "end of cell"
        }
    }
}
