import Foundation

/// One line of `metrics.jsonl`: `{"step": 10, "split": "train", "masked_pose.l1": 0.31, …}`.
public struct MetricsRecord: Equatable, Sendable {
    public let step: Int
    public let split: String
    public let values: [String: Double]

    var json: [String: Any] {
        var d: [String: Any] = ["step": step, "split": split]
        for (k, v) in values where v.isFinite { d[k] = v }
        return d
    }
}

/// Append-only JSONL metrics log. On resume, lines past the resumed step are dropped so the log
/// reads as one uninterrupted run.
struct MetricsLog {
    let url: URL

    func append(_ r: MetricsRecord) throws {
        var line = try JSONSerialization.data(withJSONObject: r.json, options: [.sortedKeys])
        line.append(0x0A)
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: line)
    }

    func read() throws -> [MetricsRecord] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let step = obj["step"] as? Int, let split = obj["split"] as? String else { return nil }
            var values: [String: Double] = [:]
            for (k, v) in obj where k != "step" && k != "split" { if let d = (v as? NSNumber)?.doubleValue { values[k] = d } }
            return MetricsRecord(step: step, split: split, values: values)
        }
    }

    /// Drops the lines of steps after `step`, keeping the others byte for byte.
    func truncate(afterStep step: Int) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let kept = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let s = obj["step"] as? Int else { return false }
            return s <= step
        }
        try Data(kept.map { $0 + "\n" }.joined().utf8).write(to: url, options: .atomic)
    }
}
