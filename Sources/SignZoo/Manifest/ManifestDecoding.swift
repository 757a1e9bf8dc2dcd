import SignPose

/// The hand validator: each manifest type built from a `ManifestField`, refusing missing fields,
/// wrong types, unknown fields, malformed hashes / ids / paths and unknown tasks, always naming the
/// field path.
extension ZooEntry {
    static let fields: Set<String> = ["id", "revision", "task", "description", "files", "pose_layout", "preprocessing", "languages",
                                      "datasets", "metrics", "onnx", "license", "parent", "engine_version", "deprecated", "renamed_to"]

    init(_ f: ManifestField) throws {
        let o = try f.object(allowed: Self.fields)
        let idField = try o.required("id", in: f)
        id = try idField.string()
        guard ZooID.isValid(id) else { throw idField.fail("expected arch.tag (letters, digits, - and _, one dot between arch and tag), found \"\(id)\"") }
        let revField = try o.required("revision", in: f)
        revision = try revField.nonEmptyString()
        guard ZooID.isValidRevision(revision) else { throw revField.fail("a revision is one folder name (no /, not . or ..), found \"\(revision)\"") }
        let taskField = try o.required("task", in: f)
        let taskName = try taskField.string()
        guard let t = ZooTask(rawValue: taskName) else { throw taskField.fail("unknown task \"\(taskName)\" (known: \(ZooTask.names))") }
        task = t
        description = try o.required("description", in: f).string()
        let fileFields = try o.required("files", in: f).elements()
        guard !fileFields.isEmpty else { throw o["files"]!.fail("an entry needs at least one file") }
        files = try fileFields.map(ZooFile.init)
        var seen = Set<String>()
        for (file, field) in zip(files, fileFields) where !seen.insert(file.path).inserted {
            throw field.child("path", .string(file.path)).fail("duplicate path \"\(file.path)\"")
        }
        poseLayout = try o.required("pose_layout", in: f).string()
        if let p = o.optional("preprocessing") {
            guard case .object = p.value else { throw p.fail("expected an object, found \(p.value.typeDescription)") }
            preprocessing = p.value
        } else {
            preprocessing = .null
        }
        languages = try o.optional("languages")?.strings() ?? []
        datasets = try o.optional("datasets")?.elements().map(ZooDataset.init) ?? []
        metrics = try o.optional("metrics")?.elements().map(ZooMetric.init) ?? []
        onnx = try o.optional("onnx")?.elements().map(ZooONNX.init) ?? []
        license = try o.required("license", in: f).nonEmptyString()
        parent = try o.optional("parent")?.nonEmptyString()
        engineVersion = try o.optional("engine_version").map(ZooEngineRange.init)
        if let d = o.optional("deprecated") {
            if case .bool(let b) = d.value { deprecated = b ? "deprecated" : nil } else { deprecated = try d.nonEmptyString() }
        } else {
            deprecated = nil
        }
        renamedTo = try o.optional("renamed_to")?.string()
        if let r = renamedTo, !ZooID.isValid(r) { throw o["renamed_to"]!.fail("expected an arch.tag id, found \"\(r)\"") }
    }
}

extension ZooFile {
    init(_ f: ManifestField) throws {
        let o = try f.object(allowed: ["path", "size", "sha256", "urls"])
        let pathField = try o.required("path", in: f)
        path = try pathField.nonEmptyString()
        guard ZooID.isValidRelativePath(path) else { throw pathField.fail("expected a relative path without . or .. components, found \"\(path)\"") }
        size = try o.required("size", in: f).integer(atLeast: 0)
        sha256 = try o.required("sha256", in: f).sha256()
        let urlFields = try o.required("urls", in: f).elements()
        guard !urlFields.isEmpty else { throw o["urls"]!.fail("a file needs at least one URL") }
        urls = try urlFields.map { u in
            let s = try u.nonEmptyString()
            do { _ = try ZooSource.parse(s) } catch let e as ZooError { throw u.fail(e.description) }
            return s
        }
    }
}

extension ZooMetric {
    init(_ f: ManifestField) throws {
        let o = try f.object(allowed: ["dataset", "split", "metric", "value"])
        dataset = try o.required("dataset", in: f).nonEmptyString()
        split = try o.required("split", in: f).nonEmptyString()
        metric = try o.required("metric", in: f).nonEmptyString()
        value = try o.required("value", in: f).number()
    }
}

extension ZooDataset {
    init(_ f: ManifestField) throws {
        let o = try f.object(allowed: ["name", "split", "license"])
        name = try o.required("name", in: f).nonEmptyString()
        split = try o.optional("split")?.string()
        license = try o.optional("license")?.string()
    }
}

extension ZooONNX {
    init(_ f: ManifestField) throws {
        let o = try f.object(allowed: ["opset", "path", "sha256", "validated_with", "max_abs_diff"])
        opset = Int(try o.required("opset", in: f).integer(atLeast: 1))
        path = try o.optional("path")?.nonEmptyString()
        if let p = path, !ZooID.isValidRelativePath(p) { throw o["path"]!.fail("expected a relative path, found \"\(p)\"") }
        sha256 = try o.required("sha256", in: f).sha256()
        validatedWith = try o.required("validated_with", in: f).nonEmptyString()
        let diff = try o.required("max_abs_diff", in: f)
        maxAbsDiff = try diff.number()
        guard maxAbsDiff >= 0 else { throw diff.fail("must be ≥ 0") }
    }
}

extension ZooEngineRange {
    init(_ f: ManifestField) throws {
        let o = try f.object(allowed: ["min", "max"])
        for key in ["min", "max"] {
            if let v = o.optional(key), ZooEngineVersion.parse(try v.string()) == nil {
                throw v.fail("expected a version like 0.1.0, found \"\(try v.string())\"")
            }
        }
        self.init(min: try o.optional("min")?.string(), max: try o.optional("max")?.string())
    }
}

/// The shapes ids, revisions and snapshot paths must have (they become folder names in the cache).
enum ZooID {
    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_")
    }

    /// `arch.tag`: a non-empty arch and tag of letters, digits, `-`, `_`; the tag may hold more dots.
    static func isValid(_ id: String) -> Bool {
        guard let dot = id.firstIndex(of: "."), dot != id.startIndex else { return false }
        let arch = id[..<dot], tag = id[id.index(after: dot)...]
        return arch.allSatisfy(isNameCharacter) && !tag.isEmpty && tag.first != "." && tag.last != "."
            && tag.allSatisfy { isNameCharacter($0) || $0 == "." }
    }

    static func isValidRevision(_ r: String) -> Bool {
        !r.isEmpty && r != "." && r != ".." && !r.contains("/") && r.allSatisfy { isNameCharacter($0) || $0 == "." }
    }

    static func isValidRelativePath(_ p: String) -> Bool {
        guard !p.hasPrefix("/") else { return false }
        let parts = p.split(separator: "/", omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
