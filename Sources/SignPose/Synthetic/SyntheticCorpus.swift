import Foundation
import SignTensor

/// One line of a corpus manifest (`manifest.jsonl`, DESIGN.md §5).
public struct SyntheticManifestEntry: Codable, Equatable, Sendable {
    public var id: String
    /// Path of the `.pose` file relative to the manifest's folder.
    public var pose: String
    public var text: String
    /// `en`, `de` or `zh`.
    public var language: String
    /// The gloss of an isolated sample; absent for sentences.
    public var label: String?
    public var glosses: [String]
    /// `train`, `dev` or `test`: decided by the signer (see `SyntheticSigner.split`).
    public var split: String
    public var signer: Int
    public var frames: Int

    public init(id: String, pose: String, text: String, language: String, label: String?, glosses: [String],
                split: String, signer: Int, frames: Int) {
        self.id = id; self.pose = pose; self.text = text; self.language = language; self.label = label
        self.glosses = glosses; self.split = split; self.signer = signer; self.frames = frames
    }
}

/// What `signzoo data synth` writes: the corpus options.
public struct SyntheticCorpusOptions: Equatable, Sendable {
    public var signs: Int
    /// Isolated samples per sign; sample j of sign i is signed by signer (i + j) mod `signers`.
    public var samplesPerSign: Int
    /// Continuous sentences of 2–5 signs; sentence k is signed by signer k mod `signers`.
    public var sentences: Int
    public var signers: Int
    public var layout: String
    public var seed: UInt64
    /// Languages of the texts, used in turn (sample n gets `languages[n mod count]`).
    public var languages: [String]
    public var width: Int
    public var height: Int
    public var fps: Float

    public init(signs: Int, samplesPerSign: Int, sentences: Int = 0, signers: Int = 10, layout: String = "coco-wholebody-133",
                seed: UInt64 = 0, languages: [String] = SyntheticLexicon.languages, width: Int = 512, height: Int = 512,
                fps: Float = 25) {
        self.signs = signs; self.samplesPerSign = samplesPerSign; self.sentences = sentences; self.signers = signers
        self.layout = layout; self.seed = seed; self.languages = languages; self.width = width; self.height = height
        self.fps = fps
    }
}

/// A synthetic corpus: `.pose` files under `poses/` and `manifest.jsonl` beside them.
///
/// Splits hold out whole signers: of S signers, the last max(1, round(S/10)) are test signers, the
/// same number before them dev signers, the rest train signers, so dev and test measure how well a
/// model generalises to people it has never seen.
public enum SyntheticCorpus {
    /// One sample to generate.
    public struct Job: Equatable, Sendable {
        public var entry: SyntheticManifestEntry
        public var signs: [Int]
        public var take: Int
        public var isolated: Bool
    }

    /// The samples the options describe, in manifest order (isolated samples sign by sign, then
    /// sentences). `frames` is filled in when the sample is generated.
    public static func plan(_ options: SyntheticCorpusOptions, generator: SyntheticSignGenerator) throws -> [Job] {
        guard options.samplesPerSign >= 0, options.sentences >= 0 else {
            throw PoseError("<memory>", .invalidArgument, "sample and sentence counts must not be negative")
        }
        guard !options.languages.isEmpty, options.languages.allSatisfy({ SyntheticLexicon.languages.contains($0) }) else {
            throw PoseError("<memory>", .invalidArgument, "languages \(options.languages) must be among \(SyntheticLexicon.languages.joined(separator: ", "))")
        }
        let vocab = generator.vocabulary, S = generator.signers.count
        var jobs = [Job]()
        let isoDigits = String(max(vocab.count * options.samplesPerSign - 1, 0)).count
        var n = 0
        for i in vocab.indices {
            for j in 0..<options.samplesPerSign {
                let signer = (i + j) % S
                let language = options.languages[n % options.languages.count]
                let id = "isolated-" + pad(n, isoDigits)
                let text = SyntheticLexicon.isolatedText(meaning: vocab[i].meanings[language]!, language: language, variant: j / S)
                jobs.append(Job(entry: SyntheticManifestEntry(id: id, pose: "poses/\(id).pose", text: text, language: language,
                                                              label: vocab[i].gloss, glosses: [vocab[i].gloss],
                                                              split: generator.signers[signer].split, signer: signer, frames: 0),
                                signs: [i], take: j / S, isolated: true))
                n += 1
            }
        }
        let sentDigits = String(max(options.sentences - 1, 0)).count
        for k in 0..<options.sentences {
            var rng = SyntheticSignGenerator.stream(generator.seed, [5, UInt64(k)])
            let length = 2 + rng.int(4)
            var signs = [Int]()
            for _ in 0..<length {
                var s = rng.int(vocab.count)
                if vocab.count > 1, s == signs.last { s = (s + 1) % vocab.count }  // no immediate repeats
                signs.append(s)
            }
            let signer = k % S
            let language = options.languages[(n + k) % options.languages.count]
            let id = "sentence-" + pad(k, sentDigits)
            let text = SyntheticLexicon.sentenceText(meanings: signs.map { vocab[$0].meanings[language]! }, language: language)
            jobs.append(Job(entry: SyntheticManifestEntry(id: id, pose: "poses/\(id).pose", text: text, language: language,
                                                          label: nil, glosses: signs.map { vocab[$0].gloss },
                                                          split: generator.signers[signer].split, signer: signer, frames: 0),
                            signs: signs, take: k / S, isolated: false))
        }
        return jobs
    }

    static func pad(_ n: Int, _ digits: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// Generates the corpus into `directory` (created if needed): `poses/*.pose` (v0.2) and
    /// `manifest.jsonl` (one JSON object per line, keys sorted), written last and atomically.
    /// Samples are generated on all cores. Returns the manifest entries.
    @discardableResult
    public static func write(_ options: SyntheticCorpusOptions, to directory: String,
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [SyntheticManifestEntry] {
        let generator = try SyntheticSignGenerator(signs: options.signs, signers: options.signers, seed: options.seed,
                                                   width: options.width, height: options.height, fps: options.fps)
        let layout = try PoseLayouts.named(options.layout)
        _ = try SyntheticSignGenerator.family(for: layout)
        let jobs = try plan(options, generator: generator)
        let poses = directory + "/poses"
        do {
            try FileManager.default.createDirectory(atPath: poses, withIntermediateDirectories: true)
        } catch {
            throw PoseError(directory, .unreadable, "cannot create the folder: \(error.localizedDescription)")
        }
        let results = SyntheticJobResults(count: jobs.count)
        let done = SyntheticJobResults.Counter()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { n in
            let job = jobs[n]
            do {
                let seq: PoseSequence
                if job.isolated {
                    seq = try generator.isolated(sign: job.signs[0], signer: job.entry.signer, take: job.take, layout: layout)
                } else {
                    seq = try generator.sentence(signs: job.signs, signer: job.entry.signer, take: job.take, layout: layout).sequence
                }
                try PoseFormat.write(seq, to: directory + "/" + job.entry.pose)
                var entry = job.entry
                entry.frames = seq.frameCount
                results.set(n, .success(entry))
            } catch {
                results.set(n, .failure(error))
            }
            if let progress { progress(done.increment(), jobs.count) }
        }
        var entries = [SyntheticManifestEntry]()
        for r in results.all() { entries.append(try r!.get()) }
        try writeManifest(entries, to: directory + "/manifest.jsonl")
        return entries
    }

    /// Writes `entries` as JSON Lines (sorted keys, no escaped slashes), atomically.
    public static func writeManifest(_ entries: [SyntheticManifestEntry], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8]()
        for e in entries {
            bytes += try encoder.encode(e)
            bytes.append(0x0A)
        }
        try FileAccess.writeAtomically(bytes, to: path)
    }

    /// Reads a manifest written by `writeManifest`.
    public static func readManifest(_ path: String) throws -> [SyntheticManifestEntry] {
        let bytes = try FileAccess.read(path)
        let decoder = JSONDecoder()
        var out = [SyntheticManifestEntry]()
        for (n, line) in bytes.split(separator: 0x0A).enumerated() where !line.isEmpty {
            do {
                out.append(try decoder.decode(SyntheticManifestEntry.self, from: Data(line)))
            } catch {
                throw PoseError(path, .corrupt, "line \(n + 1) is not a manifest entry: \(error)")
            }
        }
        return out
    }
}

/// Results of concurrent jobs, by index.
fileprivate final class SyntheticJobResults: @unchecked Sendable {
    private var results: [Result<SyntheticManifestEntry, Error>?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<SyntheticManifestEntry, Error>) {
        lock.lock(); results[i] = r; lock.unlock()
    }

    func all() -> [Result<SyntheticManifestEntry, Error>?] {
        lock.lock(); defer { lock.unlock() }
        return results
    }

    final class Counter: @unchecked Sendable {
        private var n = 0
        private let lock = NSLock()
        func increment() -> Int {
            lock.lock(); defer { lock.unlock() }
            n += 1
            return n
        }
    }
}
