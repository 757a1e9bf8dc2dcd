import Foundation

/// Retries of transient failures (HTTP 5xx / 408 / 429, connection refused, reset or closed early):
/// attempt k (0-based) waits `baseDelay × 2^k` seconds (at most `maxDelay`) before attempt k + 1.
/// 404, wrong sizes, HTML pages and hash mismatches are never retried.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 8) {
        self.maxAttempts = maxAttempts; self.baseDelay = baseDelay; self.maxDelay = maxDelay
    }

    public func delay(afterAttempt k: Int) -> Double { min(maxDelay, baseDelay * pow(2, Double(k))) }
}

/// A failure worth retrying against the same URL (the partial download is kept for a resume).
struct TransientFailure: Error, CustomStringConvertible {
    let description: String
}
