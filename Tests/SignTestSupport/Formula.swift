import Foundation
import SignTensor

/// A tensor whose i-th value (row-major) is scale·sin(a·i + b), or cos with `cos: true`, computed in Double.
/// Python fixtures rebuild the same values from the same formula, so tests can paste torch outputs.
public func formula(_ shape: [Int], _ a: Double, _ b: Double, scale: Double = 1, cos useCos: Bool = false) -> Tensor {
    let n = shape.reduce(1, *)
    let values = (0..<n).map { i in Float(scale * (useCos ? Foundation.cos(a * Double(i) + b) : Foundation.sin(a * Double(i) + b))) }
    return try! Tensor(shape: shape, data: values)
}

/// Overwrites a parameter's values in place (keeps its identity and requiresGrad).
public func assign(_ parameter: Tensor, _ values: Tensor) {
    precondition(parameter.shape == values.shape, "assign: \(parameter.shape) vs \(values.shape)")
    parameter.pointer.update(from: values.pointer, count: values.count)
}

/// The TensorError thrown by `body`, or nil when it returns normally or throws something else.
public func tensorError(_ body: () throws -> Any) -> TensorError? {
    do { _ = try body(); return nil } catch let e as TensorError { return e } catch { return nil }
}
