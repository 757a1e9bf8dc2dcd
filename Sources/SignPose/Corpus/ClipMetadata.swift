/// Everything a pack stores about a clip besides its keypoints.
public struct ClipMetadata: Equatable, Hashable, Sendable {
    public var id: String
    public var text: String?
    public var language: String?
    public var label: String?
    public var glosses: [String]?
    public var split: String?
    public var fps: Float
    /// Frame size in pixels (0 = unknown); Uni-Sign normalization divides x and y by it.
    public var width: Int
    public var height: Int
    /// The frame of the source file that is the clip's frame 0 (the manifest's `start`).
    public var sourceStart: Int

    public init(id: String, text: String? = nil, language: String? = nil, label: String? = nil, glosses: [String]? = nil,
                split: String? = nil, fps: Float = 0, width: Int = 0, height: Int = 0, sourceStart: Int = 0) {
        self.id = id; self.text = text; self.language = language; self.label = label; self.glosses = glosses
        self.split = split; self.fps = fps; self.width = width; self.height = height; self.sourceStart = sourceStart
    }

    /// The metadata of a manifest entry whose pose file was read as `sequence`.
    public init(entry: ManifestEntry, sequence: PoseSequence) {
        self.init(id: entry.id, text: entry.text, language: entry.language, label: entry.label, glosses: entry.glosses,
                  split: entry.split, fps: sequence.fps, width: sequence.width, height: sequence.height,
                  sourceStart: entry.start ?? 0)
    }
}
