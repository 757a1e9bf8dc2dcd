import SignTensor

/// A loss term became NaN or infinite; training should stop (or skip the step) rather than write
/// NaN into the parameters. Prints as `step 12: loss term 'mlm' is NaN`.
public struct NonFiniteLossError: Error, CustomStringConvertible, Equatable {
    public let step: Int
    public let term: String
    /// `NaN`, `+Inf` or `-Inf`.
    public let value: String
    public init(step: Int, term: String, value: String) { self.step = step; self.term = term; self.value = value }
    public var description: String { "step \(step): loss term '\(term)' is \(value)" }
}

/// Throws `NonFiniteLossError` naming `step` and `term` when any value of `loss` is NaN or ±Inf
/// (the first such value is reported).
public func checkFinite(_ loss: Tensor, step: Int, term: String) throws {
    let p = loss.pointer
    for i in 0..<loss.count where !p[i].isFinite {
        let v = p[i]
        throw NonFiniteLossError(step: step, term: term, value: v.isNaN ? "NaN" : (v > 0 ? "+Inf" : "-Inf"))
    }
}
