import Foundation

/// Writes a shard pack (format: see `ShardPack`) clip by clip with bounded memory: values go straight
/// to the current shard file, records to the index file, variable-length metadata to a scratch file.
///
/// Every file is written through a temporary file, fsynced and renamed (`AtomicOutputFile`); the new
/// pack's files carry a fresh 8-hex-digit pack id in their names, and `header.json` (which names them)
/// is renamed into place last. A pack already in the folder therefore stays readable until the new
/// one is complete; after that its files (and orphans of interrupted runs: names
/// `<8 hex>-<5 digits>.shard`, `<8 hex>.index`) are removed. `abort()` (or dropping the writer
/// unfinished) removes the new pack's files and leaves the folder as it was.
public final class ShardPackWriter {
    public let directory: String
    /// The stored layout (the given one with formats "XYC").
    public let layout: PoseLayout
    public let packID: String
    public let shardBytes: Int

    private var shards: [ShardPackHeader.FileEntry?] = []
    private var shardFile: AtomicOutputFile?
    private var shardNumber = -1, shardClips = 0, shardID: UInt64 = 0
    private var referenced = [String: Int]()   // external shard path → shard number
    private var committedPaths: [String] = []
    private let index: AtomicOutputFile
    private let metaScratch: Int32
    private var metaSize = 0
    private var recordBuffer: [UInt8] = []
    private var recordsChecksum: UInt64 = 0
    private var labels = NameTable(limit: Int(UInt32.max)), languages = NameTable(limit: Int(UInt16.max))
    private var splits = NameTable(limit: Int(UInt16.max))
    private var halfBuffer: [UInt16] = []
    public private(set) var clipCount = 0
    public private(set) var frameCount = 0
    private var finished = false
    private let createdDirectory: Bool

    static let shardHeaderSize = 32
    static let indexHeaderSize = 64
    public static let recordsPerChunk = 1024

    /// Starts a pack in `directory` (created if missing). `shardBytes` bounds each shard file (a clip
    /// larger than that gets a shard of its own).
    public init(directory: String, layout: PoseLayout, shardBytes: Int = 256 << 20) throws {
        guard shardBytes >= 4096 else { throw CorpusError(directory, .invalidArgument, "shard size \(shardBytes) bytes is too small (at least 4096)") }
        guard layout.pointCount > 0, layout.pointCount <= Int(UInt16.max) else {
            throw CorpusError(directory, .invalidArgument, "layout \(layout.name) has \(layout.pointCount) points (1…65535 allowed)")
        }
        createdDirectory = !FileManager.default.fileExists(atPath: directory)
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw CorpusError(directory, .io, "cannot create the folder: \(error.localizedDescription)")
        }
        self.directory = directory
        self.layout = layout.withDims(2)
        self.shardBytes = shardBytes
        let id = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        packID = String(repeating: "0", count: 8 - id.count) + id
        index = try AtomicOutputFile(path: directory + "/\(packID).index")
        try index.write([UInt8](repeating: 0, count: ShardPackWriter.indexHeaderSize))
        let scratchPath = directory + "/.\(packID).meta-scratch"
        metaScratch = open(scratchPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard metaScratch >= 0 else { throw CorpusError(scratchPath, .io, "cannot create: \(String(cString: strerror(errno)))") }
        unlink(scratchPath)
    }

    deinit {
        if !finished { abort() }
        close(metaScratch)
    }

    /// Appends one clip: `values` holds `frames × layout.pointCount × 3` floats (x, y, score per point).
    /// Throws `invalidValue` (writing nothing) when a value is not finite or exceeds float16's range.
    public func append(values: UnsafeBufferPointer<Float>, frames: Int, metadata: ClipMetadata) throws {
        try checkOpen()
        let count = frames * layout.pointCount * 3
        guard frames > 0, frames <= Int(UInt32.max), values.count == count else {
            throw CorpusError(metadata.id, .invalidArgument, "\(values.count) values given, \(frames) frames × \(layout.pointCount) points × 3 need \(count)")
        }
        if halfBuffer.count < count { halfBuffer = [UInt16](repeating: 0, count: count) }
        let bad = halfBuffer.withUnsafeMutableBufferPointer { HalfFloat.encode(values.baseAddress!, count: count, into: $0.baseAddress!) }
        if let bad {
            let p = bad / 3
            let (c, name) = layout.pointName(at: p % layout.pointCount)
            throw CorpusError(metadata.id, .invalidValue, "\(["x", "y", "score"][bad % 3]) = \(values[bad]) at frame \(p / layout.pointCount), point \(c)/\(name) is not representable as float16 (finite, |v| ≤ 65504)")
        }
        let bytes = count * 2
        if shardFile == nil || (shardClips > 0 && shardFile!.size + bytes > shardBytes) { try startShard() }
        let file = shardFile!
        let offset = file.size
        let checksum = try halfBuffer.withUnsafeBytes { raw -> UInt64 in
            let clip = UnsafeRawBufferPointer(rebasing: raw[0..<bytes])
            try file.write(clip)
            return ClipChecksum.of(clip)
        }
        shardClips += 1
        try appendRecord(shard: shardNumber, frames: frames, offset: offset, checksum: checksum, metadata: metadata)
    }

    public func append(values: [Float], frames: Int, metadata: ClipMetadata) throws {
        try values.withUnsafeBufferPointer { try append(values: $0, frames: frames, metadata: metadata) }
    }

    /// Appends person 0 of `sequence` (x, y and the confidence as score; z and further dims dropped).
    /// Its layout must have this pack's point names (convert it first otherwise).
    public func append(_ sequence: PoseSequence, metadata: ClipMetadata) throws {
        guard Self.samePoints(sequence.layout, layout) else {
            throw CorpusError(metadata.id, .invalidValue, "layout \(sequence.layout.name) (\(sequence.layout.signature)) differs from the pack's layout \(layout.name) (\(layout.signature))")
        }
        guard sequence.dims >= 2 else { throw CorpusError(metadata.id, .invalidValue, "the sequence has \(sequence.dims) dim; x and y are needed") }
        let T = sequence.frameCount, P = layout.pointCount, N = sequence.peopleCount, D = sequence.dims
        var v = [Float](repeating: 0, count: T * P * 3)
        sequence.data.withUnsafeBufferPointer { d in
            sequence.confidence.withUnsafeBufferPointer { c in
                v.withUnsafeMutableBufferPointer { o in
                    for t in 0..<T {
                        for p in 0..<P {
                            let src = (t * N) * P + p
                            o[(t * P + p) * 3] = d[src * D]
                            o[(t * P + p) * 3 + 1] = d[src * D + 1]
                            o[(t * P + p) * 3 + 2] = c[src]
                        }
                    }
                }
            }
        }
        try append(values: v, frames: T, metadata: metadata)
    }

    /// Appends an index entry pointing at clip `i` of an existing `pack` (its values are not copied;
    /// the new header lists that pack's shard file by relative path). Used to build derived indexes
    /// (subsets, re-labelled or repeated views) without duplicating keypoints.
    public func appendReference(to pack: ShardPack, clip i: Int, metadata: ClipMetadata) throws {
        try checkOpen()
        guard Self.samePoints(pack.layout, layout) else {
            throw CorpusError(pack.directory, .invalidArgument, "layout \(pack.layout.name) differs from the pack's layout \(layout.name)")
        }
        let r = try pack.record(i)
        let source = pack.header.shards[r.shard]
        let absolute = URL(fileURLWithPath: pack.directory).appendingPathComponent(source.file).standardizedFileURL.path
        let number: Int
        if let n = referenced[absolute] { number = n } else {
            number = shards.count
            shards.append(ShardPackHeader.FileEntry(file: Self.relativePath(from: directory, to: absolute), id: source.id,
                                                    clips: nil, bytes: source.bytes))
            referenced[absolute] = number
        }
        try appendRecord(shard: number, frames: r.frames, offset: r.offset, checksum: r.checksum, metadata: metadata)
    }

    /// Commits the remaining files and `header.json`, then removes the previous pack's files.
    @discardableResult
    public func finish() throws -> ShardPackHeader {
        try checkOpen()
        guard clipCount > 0 else { throw CorpusError(directory, .invalidArgument, "no clips were added; an empty pack is not written") }
        try commitShard()
        try flushRecords()
        // Meta blob after the records.
        let metaOffset = index.size
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var copied = 0
        while copied < metaSize {
            let n = min(chunk.count, metaSize - copied)
            try chunk.withUnsafeMutableBytes {
                try ReadOnlyFile.readFully(fd: metaScratch, path: directory + "/.\(packID).meta-scratch", into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), at: copied)
            }
            try chunk.withUnsafeBytes { try index.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            copied += n
        }
        var head = [UInt8](repeating: 0, count: ShardPackWriter.indexHeaderSize)
        head.withUnsafeMutableBytes { b in
            for (k, c) in ShardPack.indexMagic.enumerated() { b[k] = c }
            b.putLE(UInt32(ShardPack.formatVersion), at: 8)
            b.putLE(UInt32(ClipRecord.size), at: 12)
            b.putLE(UInt64(clipCount), at: 16)
            b.putLE(UInt64(metaOffset), at: 24)
            b.putLE(UInt64(metaSize), at: 32)
            b.putLE(UInt32(shards.count), at: 40)
            b.putLE(recordsChecksum, at: 48)
        }
        try index.write(head, at: 0)
        let indexBytes = index.size
        try index.commit()
        committedPaths.append(index.path)
        let header = ShardPackHeader(
            format: ShardPackHeader.formatName, version: ShardPack.formatVersion, packID: packID,
            layout: .init(name: layout.name, pointCount: layout.pointCount, components: layout.components),
            valuesPerPoint: 3, valueNames: ["x", "y", "score"], dtype: "float16", byteOrder: "little",
            clips: clipCount, frames: frameCount,
            index: .init(file: "\(packID).index", id: nil, clips: clipCount, bytes: indexBytes),
            shards: shards.map { $0! }, labels: labels.names, languages: languages.names, splits: splits.names)
        let headerFile = try AtomicOutputFile(path: directory + "/" + ShardPack.headerName)
        try headerFile.write(try header.encoded())
        try headerFile.commit()
        finished = true
        removeStaleFiles(keeping: Set(header.shards.map(\.file) + [header.index.file]))
        return header
    }

    /// Removes the files this writer committed; the folder keeps whatever pack it had before.
    public func abort() {
        guard !finished else { return }
        finished = true
        shardFile?.discard()
        shardFile = nil
        index.discard()
        for p in committedPaths { unlink(p) }
        committedPaths = []
        if createdDirectory { rmdir(directory) }   // only succeeds when empty
    }

    // MARK: Internals

    private func checkOpen() throws {
        guard !finished else { throw CorpusError(directory, .invalidArgument, "the writer is already finished or aborted") }
    }

    static func samePoints(_ a: PoseLayout, _ b: PoseLayout) -> Bool {
        a.components.count == b.components.count
            && zip(a.components, b.components).allSatisfy { $0.name == $1.name && $0.points == $1.points }
    }

    private func startShard() throws {
        try commitShard()
        shardNumber = shards.count
        shards.append(nil)
        shardID = UInt64.random(in: 0...UInt64.max)
        shardClips = 0
        let file = try AtomicOutputFile(path: directory + "/" + shardName(shardNumber))
        try file.write([UInt8](repeating: 0, count: ShardPackWriter.shardHeaderSize))
        shardFile = file
    }

    private func shardName(_ n: Int) -> String {
        let s = String(n)
        return "\(packID)-" + String(repeating: "0", count: max(0, 5 - s.count)) + s + ".shard"
    }

    private func commitShard() throws {
        guard let file = shardFile else { return }
        var head = [UInt8](repeating: 0, count: ShardPackWriter.shardHeaderSize)
        head.withUnsafeMutableBytes { b in
            for (k, c) in ShardPack.shardMagic.enumerated() { b[k] = c }
            b.putLE(UInt32(ShardPack.formatVersion), at: 8)
            b.putLE(UInt32(shardNumber), at: 12)
            b.putLE(shardID, at: 16)
            b.putLE(UInt64(file.size - ShardPackWriter.shardHeaderSize), at: 24)
        }
        try file.write(head, at: 0)
        try file.commit()
        committedPaths.append(file.path)
        shards[shardNumber] = .init(file: shardName(shardNumber), id: ShardPack.hex16(shardID), clips: shardClips, bytes: file.size)
        shardFile = nil
    }

    private func appendRecord(shard: Int, frames: Int, offset: Int, checksum: UInt64, metadata m: ClipMetadata) throws {
        let meta = ClipMeta(id: m.id, text: m.text, glosses: m.glosses).encoded()
        guard m.fps.isFinite, m.fps >= 0 else { throw CorpusError(m.id, .invalidValue, "fps \(m.fps) must be finite and ≥ 0") }
        guard m.width >= 0, m.width <= Int(UInt16.max), m.height >= 0, m.height <= Int(UInt16.max) else {
            throw CorpusError(m.id, .invalidValue, "frame size \(m.width)×\(m.height) does not fit uint16")
        }
        guard m.sourceStart >= 0, m.sourceStart <= Int(UInt32.max) else { throw CorpusError(m.id, .invalidValue, "start frame \(m.sourceStart) out of range") }
        guard meta.count <= Int(UInt32.max) else { throw CorpusError(m.id, .invalidValue, "metadata of \(meta.count) bytes is too large") }
        let label = try m.label.map { try labels.code($0, file: directory, what: "labels") }
        let language = try m.language.map { try languages.code($0, file: directory, what: "languages") }
        let split = try m.split.map { try splits.code($0, file: directory, what: "splits") }
        var written = 0
        while written < meta.count {
            let n = meta.withUnsafeBytes { pwrite(metaScratch, $0.baseAddress! + written, meta.count - written, off_t(metaSize + written)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CorpusError(directory, .io, "writing the metadata scratch file failed: \(String(cString: strerror(errno)))") }
            written += n
        }
        let record = ClipRecord(shard: shard, frames: frames, offset: offset, points: layout.pointCount, fps: m.fps,
                                label: label, language: language, split: split, checksum: checksum,
                                metaOffset: metaSize, metaBytes: meta.count, width: m.width, height: m.height,
                                sourceStart: m.sourceStart,
                                metaChecksum: meta.withUnsafeBytes { UInt32(truncatingIfNeeded: ClipChecksum.of($0)) })
        metaSize += meta.count
        let start = recordBuffer.count
        recordBuffer.append(contentsOf: repeatElement(0, count: ClipRecord.size))
        recordBuffer.withUnsafeMutableBytes { record.store(UnsafeMutableRawBufferPointer(rebasing: $0[start..<(start + ClipRecord.size)])) }
        clipCount += 1
        frameCount += frames
        if recordBuffer.count == ShardPackWriter.recordsPerChunk * ClipRecord.size { try flushRecords() }
    }

    private func flushRecords() throws {
        guard !recordBuffer.isEmpty else { return }
        try recordBuffer.withUnsafeBytes { raw in
            recordsChecksum = ShardPack.foldChecksum(recordsChecksum, ClipChecksum.of(raw))
            try index.write(raw)
        }
        recordBuffer.removeAll(keepingCapacity: true)
    }

    private func removeStaleFiles(keeping keep: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where !keep.contains(name) && ShardPack.isPackFileName(name) {
            unlink(directory + "/" + name)
        }
    }

    static func relativePath(from dir: String, to file: String) -> String {
        let a = URL(fileURLWithPath: dir).standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let fileURL = URL(fileURLWithPath: file).standardizedFileURL
        let b = fileURL.deletingLastPathComponent().resolvingSymlinksInPath().pathComponents + [fileURL.lastPathComponent]
        var common = 0
        while common < a.count, common < b.count - 1, a[common] == b[common] { common += 1 }
        return (Array(repeating: "..", count: a.count - common) + b[common...]).joined(separator: "/")
    }
}

/// Names mapped to dense codes in first-seen order.
struct NameTable {
    let limit: Int
    private(set) var names: [String] = []
    private var codes = [String: Int]()

    init(limit: Int) { self.limit = limit }

    mutating func code(_ name: String, file: String, what: String) throws -> Int {
        if let c = codes[name] { return c }
        guard names.count < limit else { throw CorpusError(file, .invalidArgument, "more than \(limit) distinct \(what)") }
        codes[name] = names.count
        names.append(name)
        return names.count - 1
    }
}
