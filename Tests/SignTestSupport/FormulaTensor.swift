import Foundation
import SignTensor

/// A tensor whose flat element i is sin(a·i + c) + ½·cos(b·i), computed in Double and rounded to
/// Float — the formula the one-off PyTorch fixture scripts use, so fixtures need no data files.
public func formulaTensor(_ shape: [Int], _ a: Double, _ b: Double, _ c: Double = 0) -> Tensor {
    let n = shape.reduce(1, *)
    let data = (0..<n).map { i in Float(sin(a * Double(i) + c) + 0.5 * cos(b * Double(i))) }
    return try! Tensor(shape: shape, data: data)
}

/// |a − b| ≤ tol element-wise against expected values (false on a count mismatch).
public func allClose(_ t: Tensor, _ expected: [Float], tol: Float) -> Bool {
    guard t.count == expected.count else { return false }
    for i in 0..<t.count where !(Swift.abs(t.pointer[i] - expected[i]) <= tol) { return false }
    return true
}
