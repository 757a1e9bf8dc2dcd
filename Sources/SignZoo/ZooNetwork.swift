import Foundation

/// Whether the zoo may use the network. Offline is the absence of an HTTP client: an offline
/// `ZooClient` holds no fetcher and no way to make one, so it cannot open a socket.
public enum ZooNetwork: Sendable {
    case offline
    /// Online; the fetcher is made on the first HTTP source (never for cache hits or local files).
    case online(makeFetcher: @Sendable () -> any HTTPFetching)

    /// Online with `URLSessionFetcher`.
    public static var standard: ZooNetwork { .online(makeFetcher: { URLSessionFetcher() }) }

    /// Offline when `offline` is set or `SIGNZOO_OFFLINE` is 1 / true / yes / on.
    public static func from(offline: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> ZooNetwork {
        offline || isOfflineEnvironment(environment) ? .offline : .standard
    }

    public static func isOfflineEnvironment(_ environment: [String: String]) -> Bool {
        ["1", "true", "yes", "on"].contains(environment["SIGNZOO_OFFLINE"]?.lowercased() ?? "")
    }

    public var isOffline: Bool { if case .offline = self { return true }; return false }
}
