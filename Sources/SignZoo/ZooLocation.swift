import Foundation

/// Where the zoo manifest is: `--index PATH`, else `$SIGNZOO_INDEX`, else `zoo/index.json` in the
/// current folder or one of its parents, else `zoo/index.json` in a folder above the running
/// executable (a `.build/release/signzoo` inside the repository finds the repository's zoo).
public enum ZooLocation {
    public static func manifestURL(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                                   currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                   executable: URL? = Bundle.main.executableURL) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let env = environment["SIGNZOO_INDEX"], !env.isEmpty { return URL(fileURLWithPath: env) }
        var looked: [String] = []
        for start in [currentDirectory, executable?.resolvingSymlinksInPath().deletingLastPathComponent()].compactMap({ $0 }) {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("zoo/index.json")
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
                looked.append(candidate.path)
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw ZooError("no zoo manifest found: pass --index PATH or set SIGNZOO_INDEX (looked for zoo/index.json above the current folder and the executable)")
    }

    /// The manifest found as above, loaded and validated.
    public static func manifest(explicit: String? = nil) throws -> ZooManifest {
        try ZooManifest.load(try manifestURL(explicit: explicit))
    }
}
