import Foundation

/// Checkpoint arguments that take either a folder or a zoo id (`finetune --from`, `eval`,
/// `predict`, `embed`, `search --checkpoint`).
public enum ZooCheckpoint {
    /// A folder path → itself; `arch.tag[@revision]` → pulled (offline when `offline` or
    /// `SIGNZOO_OFFLINE` says so) and its snapshot folder returned. The manifest is found by
    /// `ZooLocation` and the cache is `ZooCache.standard()`.
    public static func resolve(_ idOrPath: String, offline: Bool = false, manifest: String? = nil) throws -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: idOrPath, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: idOrPath)
        }
        guard let reference = ZooReference(idOrPath) else {
            throw ZooError("\(idOrPath) is neither a checkpoint folder nor a zoo id (arch.tag[@revision])")
        }
        let client = ZooClient(manifest: try ZooLocation.manifest(explicit: manifest), cache: .standard(),
                               network: .from(offline: offline))
        return try client.pull(reference)
    }
}
