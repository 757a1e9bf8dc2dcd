import SignTensor
import SignNN

/// Lowerings of the single-input SignNN layers, in eval mode (dropout off, running statistics).
/// Each uses the current module path for its initializers: call it inside `scope(<module path>)`.
extension ONNXGraphBuilder {
    /// `nn.Linear`: x·Wᵀ + b (MatMul with the transposed weight initializer, Add).
    public func lower(_ m: Linear, _ x: String) throws -> String {
        moduleOutput(try linear(x, weight: m.weight, bias: m.bias))
    }

    /// `nn.LayerNorm` over the last axis.
    public func lower(_ m: LayerNorm, _ x: String) throws -> String {
        moduleOutput(try layerNorm(x, weight: m.weight, bias: m.bias, eps: m.eps))
    }

    /// `nn.Embedding`: rows of the table for int64 `ids` of any shape (Gather).
    public func lower(_ m: Embedding, ids: String) throws -> String {
        moduleOutput(try embedding(ids, weight: m.weight))
    }

    /// `nn.Conv1d` over [B, Cin, T] (Conv).
    public func lower(_ m: Conv1d, _ x: String) throws -> String {
        moduleOutput(try conv1d(x, weight: m.weight, bias: m.bias, stride: m.stride, padding: m.padding,
                                dilation: m.dilation, groups: m.groups))
    }

    /// `nn.BatchNorm1d` in eval mode over [B, C] or [B, C, T] (BatchNormalization with the running statistics).
    public func lower(_ m: BatchNorm1d, _ x: String) throws -> String {
        moduleOutput(try batchNorm(x, weight: m.weight, bias: m.bias, runningMean: m.runningMean, runningVar: m.runningVar, eps: m.eps))
    }

    /// `nn.Dropout` in eval mode: the identity (no node).
    public func lower(_ m: Dropout, _ x: String) throws -> String { x }

    /// The feed-forward activation (Relu, or GELU by opset).
    public func lower(_ a: Activation, _ x: String) throws -> String {
        switch a {
        case .relu: return try relu(x)
        case .gelu: return try gelu(x)
        }
    }

    /// Any single-input module this file or Modules/ knows (Linear, LayerNorm, Conv1d, BatchNorm1d,
    /// Dropout, GraphConv, MultiHeadAttention as self-attention, TransformerEncoderLayer,
    /// TransformerEncoder), dispatched on its type; any other module fails with
    /// `ONNXExportError.noLowering` naming its type and the current module path.
    public func lower(module m: Module, _ x: String) throws -> String {
        switch m {
        case let m as Linear: return try lower(m, x)
        case let m as LayerNorm: return try lower(m, x)
        case let m as Conv1d: return try lower(m, x)
        case let m as BatchNorm1d: return try lower(m, x)
        case let m as Dropout: return try lower(m, x)
        case let m as GraphConv: return try lower(m, x)
        case let m as MultiHeadAttention: return try lower(m, x)
        case let m as TransformerEncoderLayer: return try lower(m, x)
        case let m as TransformerEncoder: return try lower(m, x)
        default: throw fail(op: String(describing: type(of: m)))
        }
    }
}
