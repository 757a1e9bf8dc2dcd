import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPFetching` over the toolchain's Foundation `URLSession` (on Linux, FoundationNetworking,
/// which ships with the Swift toolchain and runs on libcurl): no package dependency, follows
/// redirects (the Hugging Face Hub's resolve URLs redirect to a CDN), speaks https, and streams the
/// body through a data delegate, so memory stays flat and Range resume works.
///
/// Each `get` runs one data task on its own ephemeral session (no cookies, no URL cache) and
/// blocks until it ends; the delegate's callbacks run on a serial queue, in order.
public final class URLSessionFetcher: HTTPFetching, @unchecked Sendable {
    /// Seconds without any data before the request fails.
    public let timeout: TimeInterval

    public init(timeout: TimeInterval = 60) { self.timeout = timeout }

    public func get(_ url: URL, from offset: Int64, head: (HTTPResponseHead) throws -> Void, body: (Data) throws -> Void) throws {
        try withoutActuallyEscaping(head) { head in
            try withoutActuallyEscaping(body) { body in
                let delegate = StreamingDelegate(head: head, body: body)
                let queue = OperationQueue()
                queue.maxConcurrentOperationCount = 1
                let configuration = URLSessionConfiguration.ephemeral
                configuration.timeoutIntervalForRequest = timeout
                configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
                configuration.urlCache = nil
                let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
                var request = URLRequest(url: url)
                request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
                request.setValue("signzoo/\(ZooEngineVersion.current)", forHTTPHeaderField: "User-Agent")
                if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
                session.dataTask(with: request).resume()
                delegate.finished.wait()
                delegate.release()   // the session keeps its delegate a while; the closures must not outlive this call
                session.finishTasksAndInvalidate()
                if let error = delegate.callbackError { throw error }
                if let error = delegate.transportError {
                    let reason = (error as NSError).userInfo[NSLocalizedDescriptionKey] as? String ?? "\(error)"
                    throw HTTPTransportError("\(reason) (URLError \((error as NSError).code))")
                }
            }
        }
    }
}

/// Feeds a data task's response and body to the caller's closures; records the first error.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private var head: ((HTTPResponseHead) throws -> Void)?
    private var body: ((Data) throws -> Void)?
    let finished = DispatchSemaphore(value: 0)
    var callbackError: Error?
    var transportError: Error?

    init(head: @escaping (HTTPResponseHead) throws -> Void, body: @escaping (Data) throws -> Void) {
        self.head = head
        self.body = body
    }

    /// Drops the caller's closures (called once the task has completed).
    func release() { head = nil; body = nil }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else {
            callbackError = ZooError("\(response.url?.absoluteString ?? "?") did not answer with HTTP")
            completionHandler(.cancel)
            return
        }
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers["\(k)"] = "\(v)" }
        do {
            try head?(HTTPResponseHead(status: http.statusCode, headers: headers))
            completionHandler(.allow)
        } catch {
            callbackError = error
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard callbackError == nil else { return }
        do { try body?(data) } catch {
            callbackError = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if callbackError == nil { transportError = error }
        finished.signal()
    }
}
