import Foundation

/// One progress report for a file being fetched.
public struct ZooProgress: Sendable {
    public var path: String
    /// Bytes of the file held so far (a resumed prefix included).
    public var bytes: Int64
    public var total: Int64
    /// Bytes per second over this transfer.
    public var bytesPerSecond: Double
    /// Seconds left at the current speed, nil before any speed is known.
    public var eta: Double?
    /// True for the last report of a file.
    public var done: Bool

    /// `model.safetensors  1.2 MB / 3.4 MB  5.6 MB/s  ETA 0:03`
    public var line: String {
        var s = "\(path)  \(Self.sizeText(bytes)) / \(Self.sizeText(total))  \(Self.sizeText(Int64(bytesPerSecond)))/s"
        if done { s += "  done" } else if let eta { s += "  ETA \(Int(eta) / 60):\(String(format: "%02d", Int(eta) % 60))" }
        return s
    }

    /// `1.2 MB`-style byte counts.
    public static func sizeText(_ b: Int64) -> String {
        let d = Double(b)
        if d >= 1e9 { return String(format: "%.2f GB", d / 1e9) }
        if d >= 1e6 { return String(format: "%.1f MB", d / 1e6) }
        if d >= 1e3 { return String(format: "%.1f kB", d / 1e3) }
        return "\(b) B"
    }
}

/// Turns byte counts into `ZooProgress` reports, at most ten a second (plus the final one).
final class ProgressMeter {
    private let path: String, total: Int64, start = Date(), startBytes: Int64
    private var lastReport = Date.distantPast
    private let sink: (ZooProgress) -> Void

    init(path: String, total: Int64, startingAt bytes: Int64, sink: @escaping (ZooProgress) -> Void) {
        self.path = path; self.total = total; self.startBytes = bytes; self.sink = sink
    }

    func update(_ bytes: Int64, done: Bool = false) {
        let now = Date()
        guard done || now.timeIntervalSince(lastReport) >= 0.1 else { return }
        lastReport = now
        let elapsed = max(now.timeIntervalSince(start), 1e-3)
        let speed = Double(bytes - startBytes) / elapsed
        sink(ZooProgress(path: path, bytes: bytes, total: total, bytesPerSecond: speed,
                         eta: speed > 0 ? Double(total - bytes) / speed : nil, done: done))
    }

    /// A sink that redraws one line on stderr (`\r`), ending it when the file is done; nil when
    /// stderr is not a terminal (logs and pipes get no progress noise).
    static func terminal() -> ((ZooProgress) -> Void)? {
        guard isatty(2) != 0 else { return nil }
        return { p in
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + p.line + (p.done ? "\n" : "")).utf8))
        }
    }
}
