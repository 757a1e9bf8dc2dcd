import Foundation

/// Where a zoo file can be fetched from, as written in a manifest's `urls[]`:
///
/// - a relative path (`checkpoints/x/model.safetensors`), resolved against the manifest's folder,
///   or an absolute path, or `file:///abs/path`: read from disk, never touching the network;
/// - `http://…` / `https://…`: fetched (with Range resume) by an `HTTPFetching` client;
/// - `hf://owner/repo@revision/path/in/repo`: the Hugging Face Hub resolve URL
///   `https://huggingface.co/owner/repo/resolve/revision/path/in/repo` (revision defaults to `main`).
public enum ZooSource: Equatable, Sendable {
    case local(path: String)
    case http(URL)

    /// Parses `text`; relative paths stay relative until `resolved(against:)`.
    public static func parse(_ text: String) throws -> ZooSource {
        if let colon = text.range(of: "://") {
            let scheme = text[..<colon.lowerBound].lowercased()
            let rest = String(text[colon.upperBound...])
            switch scheme {
            case "file":
                guard rest.hasPrefix("/") else { throw ZooError("file URL \"\(text)\" needs an absolute path (file:///…)") }
                return .local(path: rest.removingPercentEncoding ?? rest)
            case "http", "https":
                guard let url = URL(string: text), url.host != nil else { throw ZooError("malformed URL \"\(text)\"") }
                return .http(url)
            case "hf":
                return .http(try huggingFace(rest, original: text))
            default:
                throw ZooError("unsupported URL scheme \"\(scheme)\" in \"\(text)\" (use a relative path, file://, http://, https:// or hf://)")
            }
        }
        guard !text.isEmpty else { throw ZooError("empty URL") }
        return .local(path: text)
    }

    /// `owner/repo@rev/path` → `https://huggingface.co/owner/repo/resolve/rev/path`.
    static func huggingFace(_ rest: String, original: String) throws -> URL {
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, !parts[0].isEmpty, parts[2...].allSatisfy({ !$0.isEmpty }) else {
            throw ZooError("hf URL \"\(original)\" must look like hf://owner/repo@revision/path")
        }
        let repoAndRev = parts[1].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let repo = repoAndRev[0], revision = repoAndRev.count == 2 ? repoAndRev[1] : "main"
        guard !repo.isEmpty, !revision.isEmpty else { throw ZooError("hf URL \"\(original)\" has an empty repo or revision") }
        let path = parts[2...].joined(separator: "/")
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
        let escapedRevision = revision.addingPercentEncoding(withAllowedCharacters: allowed) ?? revision
        guard let url = URL(string: "https://huggingface.co/\(parts[0])/\(repo)/resolve/\(escapedRevision)/\(path)") else {
            throw ZooError("hf URL \"\(original)\" does not form a valid https URL")
        }
        return url
    }

    /// The source with a relative path made absolute against `folder` (the manifest's folder).
    public func resolved(against folder: URL) -> ZooSource {
        guard case .local(let path) = self, !path.hasPrefix("/") else { return self }
        return .local(path: folder.appendingPathComponent(path).standardizedFileURL.path)
    }

    /// For messages: the path or URL.
    public var description: String {
        switch self {
        case .local(let path): return path
        case .http(let url): return url.absoluteString
        }
    }

    /// Whether fetching it needs the network.
    public var needsNetwork: Bool { if case .http = self { return true }; return false }
}
