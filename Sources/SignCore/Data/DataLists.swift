import SignPose

/// The label list, gloss vocabulary and training texts of a pack, for sizing heads (the build
/// context's lists `labels`, `glosses`, `texts`).
public struct DataLists: Equatable, Sendable {
    /// The pack's class names (every split), in class-index order.
    public var labels: [String]
    /// Every gloss of every clip (all splits), sorted.
    public var glosses: [String]
    /// The texts of the training splits' clips, in pack order (a translation head builds its vocabulary from them).
    public var texts: [String]

    public init(labels: [String], glosses: [String], texts: [String]) {
        self.labels = labels; self.glosses = glosses; self.texts = texts
    }

    public var asContext: [String: [String]] {
        var d: [String: [String]] = ["labels": labels, "texts": texts]
        if !glosses.isEmpty { d["glosses"] = glosses }
        return d
    }

    /// `trainSplits` nil: every clip counts as training.
    public static func collect(_ pack: ShardPack, trainSplits: Set<String>?) throws -> DataLists {
        var glosses = Set<String>(), texts: [String] = []
        for i in 0..<pack.count {
            let m = try pack.metadata(try pack.record(i), clip: i)
            for g in m.glosses ?? [] { glosses.insert(g) }
            if let t = m.text, trainSplits.map({ s in m.split.map(s.contains) ?? false }) ?? true { texts.append(t) }
        }
        return DataLists(labels: pack.header.labels, glosses: glosses.sorted(), texts: texts)
    }
}
