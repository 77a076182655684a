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
        case .bool(let b): self = .int(Tensor(scalar: b ? 1 : 0))
        case .intTensor(let t): self = .int(t)
        case .floatTensor(let t): self = .float(t)
        case .shape(let s): self = .int(Tensor(shape: [s.count], scalars: s))
        case .string, .list, .model, .dataset, .run, .network, .nothing: return nil
        }
    }
}
