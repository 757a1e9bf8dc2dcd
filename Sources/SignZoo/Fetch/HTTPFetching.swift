import Foundation

/// The status line and headers of an HTTP response, as the zoo checks them.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    /// Header values by lowercased name.
    public var headers: [String: String]

    public init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    public var contentType: String? { headers["content-type"] }
    public var contentLength: Int64? { headers["content-length"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }

    /// The first byte of a `Content-Range: bytes A-B/N` answer.
    public var contentRangeStart: Int64? {
        guard let v = headers["content-range"], v.hasPrefix("bytes ") else { return nil }
        return Int64(v.dropFirst(6).prefix { $0.isNumber })
    }
}

/// An HTTP GET that streams the body (so it can be hashed and written as it arrives) and can ask
/// for the bytes from `offset` on (`Range: bytes=offset-`, for resuming a partial download).
///
/// `head` is called once with the response's status and headers, then `body` with each chunk in
/// order. An error thrown by either callback stops the transfer and is rethrown unchanged; a
/// failure of the connection itself (refused, reset, closed early, timed out) is thrown as
/// `HTTPTransportError`, which the zoo treats as transient (retried, partial kept).
public protocol HTTPFetching: Sendable {
    func get(_ url: URL, from offset: Int64, head: (HTTPResponseHead) throws -> Void, body: (Data) throws -> Void) throws
}

/// The connection failed: refused, reset, closed before the announced length, or timed out.
public struct HTTPTransportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
