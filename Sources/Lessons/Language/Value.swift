import Imaging
import Inspect
import NN
import Tensor
import Training

/// A value of the cell language.
///
/// Numbers are exact `Int` or 32-bit `Float`; a nested list of numbers is a tensor. A tensor of
/// shape `[]` is always folded back into a plain number.
public enum Value: Sendable {
    case int(Int)
    case float(Float)
    case string(String)
    case bool(Bool)
    case intTensor(Tensor<Int>)
    case floatTensor(Tensor<Float>)
    /// A tensor of truth values from a comparison (`x > 0`), kept as 0 (false) and 1 (true);
    /// it prints as `true`/`false`, chooses in `where(cond, a, b)` and is not a number.
    case boolTensor(Tensor<Int>)
    /// A list that is not a tensor (strings, mixed values, the empty list).
    case list([Value])
    /// The result of `shape(x)`: prints as `5x5`, and can be indexed and passed where a list of
    /// Ints is expected.
    case shape([Int])
    /// A network from `model("tutorial")` or `model("vgg16")`: its layers' shapes and counts.
    case model(Sequential)
    /// Images read by `dataset(...)`: the train, validation and test splits, kept as bytes.
    case dataset(DataSplits)
    /// A training run from `train(...)` (in memory) or `load_run(...)` (its history only).
    case run(RunValue)
    /// A model with its weights from `load_model(...)`: a run folder or a Keras weight file.
    case network(TrainedModel)
    /// What a builtin with no result gives (`print`, `save`, `assert_equal`); never printed.
    case nothing

    /// The name of the value's type, as errors say it.
    public var typeName: String {
        switch self {
        case .int: return "Int"
        case .float: return "Float"
        case .string: return "String"
        case .bool: return "Bool"
        case .intTensor(let t): return "Int tensor \(formatShape(t.shape))"
        case .floatTensor(let t): return "Float tensor \(formatShape(t.shape))"
        case .boolTensor(let t): return "Bool tensor \(formatShape(t.shape))"
        case .list: return "list"
        case .shape: return "shape"
        case .model: return "model"
        case .dataset: return "dataset"
        case .run: return "run"
        case .network: return "trained model"
        case .nothing: return "nothing"
        }
    }

    /// An Int tensor, folded to `.int` when it is a scalar.
    static func wrap(_ t: Tensor<Int>) -> Value { t.shape.isEmpty ? .int(t.scalars[0]) : .intTensor(t) }
    /// A Float tensor, folded to `.float` when it is a scalar.
    static func wrap(_ t: Tensor<Float>) -> Value { t.shape.isEmpty ? .float(t.scalars[0]) : .floatTensor(t) }
    /// A tensor of 0 (false) and 1 (true), folded to `.bool` when it is a scalar.
    static func wrapBool(_ t: Tensor<Int>) -> Value { t.shape.isEmpty ? .bool(t.scalars[0] != 0) : .boolTensor(t) }

    /// The truth values of a Bool or Bool tensor as 0/1, or nil for anything else.
    var truth: Tensor<Int>? {
        switch self {
        case .bool(let b): return Tensor(scalar: b ? 1 : 0)
        case .boolTensor(let t): return t
        default: return nil
        }
    }

    /// The hint for a Bool given where a number is needed.
    static let boolIsNotNumber = "true/false are not numbers; where(cond, 1, 0) turns them into 1 and 0"
}

/// A numeric value lifted to a tensor of one scalar type, for arithmetic.
enum Numeric {
    case int(Tensor<Int>)
    case float(Tensor<Float>)

    var shape: [Int] {
        switch self {
        case .int(let t): return t.shape
        case .float(let t): return t.shape
        }
    }

    var asFloat: Tensor<Float> {
        switch self {
        case .int(let t): return t.asFloat
        case .float(let t): return t
        }
    }

    /// The elements as Doubles (exact for every Int up to 2^53 and every Float).
    var doubles: [Double] {
        switch self {
        case .int(let t): return t.scalars.map(Double.init)
        case .float(let t): return t.scalars.map(Double.init)
        }
    }

    var value: Value {
        switch self {
        case .int(let t): return Value.wrap(t)
        case .float(let t): return Value.wrap(t)
        }
    }

    /// The numeric view of a value, or nil when it is not a number or tensor.
    init?(_ v: Value) {
        switch v {
        case .int(let i): self = .int(Tensor(scalar: i))
        case .float(let f): self = .float(Tensor(scalar: f))
        case .intTensor(let t): self = .int(t)
        case .floatTensor(let t): self = .float(t)
        case .shape(let s): self = .int(Tensor(shape: [s.count], scalars: s))
        // Bools are not numbers: `true + 1` or `sum(x > 0)` is an error with a hint, not a guess.
        case .bool, .boolTensor, .string, .list, .model, .dataset, .run, .network, .nothing: return nil
        }
    }
}
