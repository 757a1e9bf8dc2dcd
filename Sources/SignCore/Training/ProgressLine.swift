import Foundation

/// A one-line progress display on stderr: step/total, losses, clips/s and ETA. On a terminal it
/// redraws in place; otherwise (CI, pipes) each update is its own line.
final class ProgressLine {
    let total: Int
    let start = Date()
    let isTTY = isatty(STDERR_FILENO) != 0
    var startStep: Int?

    init(total: Int) { self.total = total }

    func update(step: Int, values: [String: Double], clipsPerSecond: Double) {
        if startStep == nil { startStep = step - 1 }
        let done = Double(step - (startStep ?? 0)), elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / done * Double(total - step) : 0
        let losses = values.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  ")
        let line = String(format: "step %d/%d  %@  %.1f clips/s  ETA %@", step, total, losses, clipsPerSecond, Self.clock(eta))
        write(isTTY ? "\r\u{1B}[K" + line : line + "\n")
    }

    func note(_ text: String) { write((isTTY ? "\r\u{1B}[K" : "") + text + "\n") }

    func finish() { if isTTY { write("\n") } }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
