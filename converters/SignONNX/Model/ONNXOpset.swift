/// The default-domain operator set a model imports, and the IR version shipped with it
/// (onnx releases: opset 17 and 18 ↔ IR 8, 19 and 20 ↔ IR 9, 21 and 22 ↔ IR 10).
///
/// The lowerings switch form by opset: `Gelu` from 20 (an `Erf` formula before), `ReduceMean` /
/// `ReduceMax` / `ReduceL2` take `axes` as an input from 18 (an attribute before), `ReduceSum` from 13.
public struct ONNXOpset: Sendable, Equatable, CustomStringConvertible {
    public let version: Int

    /// The opsets the lowerings are written and tested for.
    public static let supported: ClosedRange<Int> = 17...22
    /// Opset 17 (IR 8): the common modern floor (LayerNormalization exists).
    public static let opset17 = ONNXOpset(checked: 17)
    /// Opset 20 (IR 9): adds `Gelu`.
    public static let opset20 = ONNXOpset(checked: 20)
    public static let `default` = opset17

    /// Throws for an opset outside `supported`.
    public init(_ version: Int) throws {
        guard Self.supported.contains(version) else {
            throw ONNXExportError.invalid("opset \(version) is not supported; choose one of \(Self.supported.lowerBound)…\(Self.supported.upperBound) (17 is the default, 20 emits Gelu)")
        }
        self.version = version
    }

    private init(checked version: Int) { self.version = version }

    /// The IR version released with this opset.
    public var irVersion: Int {
        switch version {
        case ...18: return 8
        case 19...20: return 9
        default: return 10
        }
    }

    public var description: String { "opset \(version) (IR \(irVersion))" }
}
