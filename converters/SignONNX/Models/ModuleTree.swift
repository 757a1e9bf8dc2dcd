import SignNN
import SignTensor

/// A module's children and tensors by their PyTorch state-dict paths (`body_gcn.blocks.0.conv`,
/// `manual.pos_embedding`), so a whole-model export reads a plugin's layers through the same names
/// its checkpoints use, without depending on the plugin's Swift internals. A path that is not there
/// fails the export with `ONNXExportError.noLowering` naming it.
struct ModuleTree {
    let root: String
    private let modules: [String: Module]
    private let tensors: [String: Tensor]

    /// `root` is the exported module's own path (`encoder`, `head`), used in error messages.
    init(_ module: Module, root: String) {
        self.root = root
        modules = Dictionary(module.namedModules().map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        tensors = Dictionary((module.namedParameters() + module.namedBuffers()).map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    }

    func full(_ path: String) -> String { root.isEmpty ? path : (path.isEmpty ? root : root + "." + path) }

    func has(_ path: String) -> Bool { modules[path] != nil || tensors[path] != nil }

    /// The child at `path` as a `T`.
    func module<T: Module>(_ path: String, as type: T.Type = T.self) throws -> T {
        guard let m = modules[path] else { throw ONNXExportError.noLowering(op: "missing module \(T.self)", path: full(path)) }
        guard let t = m as? T else { throw ONNXExportError.noLowering(op: String(describing: Swift.type(of: m)), path: full(path)) }
        return t
    }

    /// The parameter or buffer at `path`.
    func tensor(_ path: String) throws -> Tensor {
        guard let t = tensors[path] else { throw ONNXExportError.noLowering(op: "missing tensor", path: full(path)) }
        return t
    }

    func optionalTensor(_ path: String) -> Tensor? { tensors[path] }

    /// The module at `path`, any type, or nil.
    func optionalModule(_ path: String) -> Module? { modules[path] }
}
