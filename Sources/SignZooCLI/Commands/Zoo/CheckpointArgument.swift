import Foundation
import SignZoo

/// A `--from` / `--checkpoint` argument: a checkpoint folder, or a zoo id (`arch.tag[@revision]`)
/// pulled into the cache (offline when SIGNZOO_OFFLINE=1) and used from its snapshot folder.
func checkpointFolder(_ idOrPath: String) throws -> URL {
    try ZooCheckpoint.resolve(idOrPath)
}

/// Where a command writes files "beside the checkpoint": the checkpoint folder, except for a zoo
/// snapshot in the cache (kept pristine), where it is the current folder.
func besideCheckpoint(_ dir: URL) -> URL {
    let cache = ZooCache.standard().root.standardizedFileURL.path
    return dir.standardizedFileURL.path.hasPrefix(cache + "/") ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath) : dir
}
