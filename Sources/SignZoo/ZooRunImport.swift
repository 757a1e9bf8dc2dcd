import Foundation
import SignPose

/// Builds a manifest entry from a checkpoint folder (`signzoo zoo add`): the files `config.json`,
/// `model.safetensors` and `README.md` (when present) with their sizes and SHA-256, URLs
/// `<url-base>/<file>`, and from `config.json` the task (`kind` / `head.type`), pose layout,
/// preprocessing (the pipeline) and parent; metrics from the run's `eval-<split>.json` files
/// (written by `signzoo eval`), else the config's `metrics` (fine-tuning) or `last_eval` (pre-training).
public enum ZooRunImport {
    public static let fileNames = ["config.json", "model.safetensors", "README.md"]

    public static func entry(runDirectory: URL, id: String, urlBase: String, task: ZooTask? = nil, license: String,
                             revision: String? = nil, description: String? = nil, dataset: String? = nil) throws -> ZooEntry {
        guard ZooID.isValid(id) else { throw ZooError("--id \(id): expected arch.tag (e.g. mslu-tiny.pretrain-shared)") }
        let configURL = runDirectory.appendingPathComponent("config.json")
        guard let configData = FileManager.default.contents(atPath: configURL.path),
              case .object(let config) = try JSONValue.parse(configData) else {
            throw ZooError("\(configURL.path) is missing or not a JSON object (is \(runDirectory.path) a checkpoint folder?)")
        }
        func member(_ obj: [(String, JSONValue)], _ key: String) -> JSONValue? { obj.first { $0.0 == key }?.1 }
        func string(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }

        let base = urlBase.hasSuffix("/") ? String(urlBase.dropLast()) : urlBase
        var files: [ZooFile] = []
        for name in fileNames {
            let url = runDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                if name == "README.md" { continue }
                throw ZooError("\(url.path) is missing")
            }
            let (size, sha) = try FileDigest.digest(url)
            files.append(ZooFile(path: name, size: size, sha256: sha, urls: ["\(base)/\(name)"]))
        }
        for file in files { _ = try ZooSource.parse(file.urls[0]) }

        let kind = string(member(config, "kind"))
        var headType: String? = nil
        if case .object(let head)? = member(config, "head") { headType = string(member(head, "type")) }
        let inferred: ZooTask? = kind == "pretrained" ? .pretrain : headType.flatMap { ZooTask(rawValue: String($0.split(separator: "/").last ?? "")) }
        guard let resolvedTask = task ?? inferred else {
            throw ZooError("cannot tell the task from \(configURL.path) (kind \(kind ?? "none"), head \(headType ?? "none")): pass --task \(ZooTask.names)")
        }
        let name = string(member(config, "name")) ?? id
        let parent = string(member(config, "parent")).flatMap { ZooReference($0) != nil ? $0 : nil }
        let metrics = try readMetrics(runDirectory, config: config, dataset: dataset ?? name)
        let weightsSHA = files.first { $0.path == "model.safetensors" }!.sha256
        return ZooEntry(id: id, revision: revision ?? String(weightsSHA.prefix(12)), task: resolvedTask,
                        description: description ?? "\(name) (\(kind ?? resolvedTask.rawValue)), trained with SignZoo",
                        files: files, poseLayout: string(member(config, "pose_layout")) ?? "",
                        preprocessing: member(config, "pipeline") ?? .null, metrics: metrics, license: license, parent: parent,
                        engineVersion: ZooEngineRange(min: ZooEngineVersion.current))
    }

    /// `eval-*.json` files ({"split", "data", "metrics": {name: value}}), else the config's metrics.
    static func readMetrics(_ dir: URL, config: [(String, JSONValue)], dataset: String) throws -> [ZooMetric] {
        func numbers(_ v: JSONValue?) -> [(String, Double)] {
            guard case .object(let m)? = v else { return [] }
            return m.compactMap { if case .number(let d) = $0.1 { return ($0.0, d) }; return nil }.sorted { $0.0 < $1.0 }
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix("eval") && $0.hasSuffix(".json") }.sorted()
        var out: [ZooMetric] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path),
                  case .object(let o) = try JSONValue.parse(data) else { continue }
            var split = "test"
            if case .string(let s)? = o.first(where: { $0.0 == "split" })?.1 { split = s }
            for (metric, value) in numbers(o.first { $0.0 == "metrics" }?.1) {
                out.append(ZooMetric(dataset: dataset, split: split, metric: metric, value: value))
            }
        }
        if !out.isEmpty { return out }
        let fallback = numbers(config.first { $0.0 == "metrics" }?.1) + numbers(config.first { $0.0 == "last_eval" }?.1)
        return fallback.map { ZooMetric(dataset: dataset, split: "held-out", metric: $0.0, value: $0.1) }
    }
}
