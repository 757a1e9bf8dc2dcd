import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo add RUN_DIR --id ARCH.TAG --url-base URL`: hash a checkpoint folder's files and
/// append (or with --replace, replace) its entry in the manifest. A relative --url-base is relative
/// to the manifest's folder (e.g. `checkpoints/mslu-tiny.pretrain-shared` for in-repo files).
struct ZooAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a checkpoint folder to the zoo manifest.")

    @Argument(help: "Checkpoint folder (config.json, model.safetensors, README.md).") var runDirectory: String
    @Option(help: "Entry id, arch.tag.") var id: String
    @Option(help: "Where the files will be served: a folder relative to the manifest, file://, http(s):// or hf://owner/repo@rev.") var urlBase: String
    @Option(help: "Task (default: from config.json).") var task: String?
    @Option(help: "License of the weights.") var license = "CC-BY-4.0"
    @Option(help: "Revision (default: the first 12 hex digits of the weights' SHA-256).") var revision: String?
    @Option(help: "Description (default: from config.json).") var description: String?
    @Option(help: "Dataset name for the metrics (default: the checkpoint's name).") var dataset: String?
    @Option(help: "Zoo manifest to edit (default: $SIGNZOO_INDEX, else zoo/index.json above the current folder).") var index: String?
    @Flag(help: "Replace an existing entry with the same id and revision.") var replace = false

    func run() throws {
        let taskValue = try task.map { t -> ZooTask in
            guard let v = ZooTask(rawValue: t) else { throw ValidationError("unknown task \(t) (known: \(ZooTask.names))") }
            return v
        }
        let url = try ZooLocation.manifestURL(explicit: index)
        var manifest = FileManager.default.fileExists(atPath: url.path) ? try ZooManifest.load(url)
            : ZooManifest(folder: url.deletingLastPathComponent(), file: url.path)
        let entry = try ZooRunImport.entry(runDirectory: URL(fileURLWithPath: runDirectory), id: id, urlBase: urlBase, task: taskValue,
                                           license: license, revision: revision, description: description, dataset: dataset)
        if let i = manifest.models.firstIndex(where: { $0.id == entry.id && $0.revision == entry.revision }) {
            guard replace else { throw ValidationError("\(entry.id)@\(entry.revision) is already in \(url.path) (pass --replace)") }
            manifest.models[i] = entry
        } else {
            manifest.models.append(entry)
        }
        // Round-trip through the validator before writing, so the file on disk always loads.
        _ = try ZooManifest.parse(Data(manifest.prettyJSON.utf8), file: url.path, folder: manifest.folder)
        try manifest.write(to: url)
        for f in entry.files {
            if case .local(let path) = try ZooSource.parse(f.urls[0]).resolved(against: manifest.folder), !FileManager.default.fileExists(atPath: path) {
                print("note: \(path) does not exist yet; copy \(runDirectory)/\(f.path) there before pulling")
            }
        }
        print("added \(entry.id)@\(entry.revision) (\(entry.task.rawValue), \(entry.files.count) files, \(entry.metrics.count) metrics) to \(url.path)")
    }
}
