/// What a zoo checkpoint is for (OpenHands-style per-task checkpoints).
public enum ZooTask: String, CaseIterable, Sendable {
    case pretrain, islr, ctc, retrieval, translation

    /// All task names, for error messages and `--task` help.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
