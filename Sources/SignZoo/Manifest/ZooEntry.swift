import SignPose

/// One file of a zoo entry: where it goes in the snapshot, how big it is, its SHA-256 and the
/// mirrors it can be fetched from, tried in order (see `ZooSource` for the accepted forms).
public struct ZooFile: Equatable, Sendable {
    public var path: String
    public var size: Int64
    public var sha256: String
    public var urls: [String]
    public init(path: String, size: Int64, sha256: String, urls: [String]) {
        self.path = path; self.size = size; self.sha256 = sha256; self.urls = urls
    }
}

/// A published number: `{dataset, split, metric, value}` (MMPose metafile `Results`).
public struct ZooMetric: Equatable, Sendable {
    public var dataset: String
    public var split: String
    public var metric: String
    public var value: Double
    public init(dataset: String, split: String, metric: String, value: Double) {
        self.dataset = dataset; self.split = split; self.metric = metric; self.value = value
    }
}

/// A dataset the weights were trained on: name, optional split and license.
public struct ZooDataset: Equatable, Sendable {
    public var name: String
    public var split: String?
    public var license: String?
    public init(name: String, split: String? = nil, license: String? = nil) { self.name = name; self.split = split; self.license = license }
}

/// An ONNX export of the entry, validated against the reference forward (timm `onnx_validate.py`).
public struct ZooONNX: Equatable, Sendable {
    public var opset: Int
    public var path: String?
    public var sha256: String
    /// The runtime it was validated with, e.g. `onnxruntime 1.20.1`.
    public var validatedWith: String
    public var maxAbsDiff: Double
    public init(opset: Int, path: String?, sha256: String, validatedWith: String, maxAbsDiff: Double) {
        self.opset = opset; self.path = path; self.sha256 = sha256; self.validatedWith = validatedWith; self.maxAbsDiff = maxAbsDiff
    }
}

/// One checkpoint in the zoo: `id` is `arch.tag` (timm), `revision` pins its files.
public struct ZooEntry: Equatable, Sendable {
    public var id: String
    public var revision: String
    public var task: ZooTask
    public var description: String
    public var files: [ZooFile]
    public var poseLayout: String
    /// The preprocessing contract copied from the checkpoint's config (any JSON object), or null.
    public var preprocessing: JSONValue
    public var languages: [String]
    public var datasets: [ZooDataset]
    public var metrics: [ZooMetric]
    public var onnx: [ZooONNX]
    public var license: String
    /// The entry it was fine-tuned from (`id@revision`), if any.
    public var parent: String?
    public var engineVersion: ZooEngineRange?
    /// Why the entry is deprecated (`true` in the manifest reads as "deprecated"), or nil.
    public var deprecated: String?
    public var renamedTo: String?

    public init(id: String, revision: String, task: ZooTask, description: String, files: [ZooFile], poseLayout: String,
                preprocessing: JSONValue = .null, languages: [String] = [], datasets: [ZooDataset] = [], metrics: [ZooMetric] = [],
                onnx: [ZooONNX] = [], license: String, parent: String? = nil, engineVersion: ZooEngineRange? = nil,
                deprecated: String? = nil, renamedTo: String? = nil) {
        self.id = id; self.revision = revision; self.task = task; self.description = description; self.files = files
        self.poseLayout = poseLayout; self.preprocessing = preprocessing; self.languages = languages; self.datasets = datasets
        self.metrics = metrics; self.onnx = onnx; self.license = license; self.parent = parent; self.engineVersion = engineVersion
        self.deprecated = deprecated; self.renamedTo = renamedTo
    }

    /// `arch` of `arch.tag`.
    public var architecture: String { String(id.split(separator: ".", maxSplits: 1).first ?? "") }
    /// Total bytes of the entry's files.
    public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }
}
