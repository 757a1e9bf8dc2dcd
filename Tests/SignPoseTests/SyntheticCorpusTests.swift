import Foundation
import Testing
import SignPose
import SignTestSupport

@Suite("Synthetic corpus")
struct SyntheticCorpusTests {
    @Test func templates() {
        #expect(SyntheticLexicon.isolatedText(meaning: "house", language: "en") == "The sign means house.")
        #expect(SyntheticLexicon.isolatedText(meaning: "Haus", language: "de") == "Die Gebärde bedeutet Haus.")
        #expect(SyntheticLexicon.isolatedText(meaning: "房子", language: "zh") == "这个手语的意思是房子。")
        #expect(SyntheticLexicon.sentenceText(meanings: ["rain", "tomorrow"], language: "en") == "Rain tomorrow.")
        #expect(SyntheticLexicon.sentenceText(meanings: ["下雨", "明天"], language: "zh") == "下雨明天。")
        #expect(SyntheticSigner.split(of: 7, count: 10) == "train" && SyntheticSigner.split(of: 8, count: 10) == "dev"
                && SyntheticSigner.split(of: 9, count: 10) == "test")
        #expect(SyntheticSigner.split(of: 15, count: 20) == "train" && SyntheticSigner.split(of: 16, count: 20) == "dev"
                && SyntheticSigner.split(of: 18, count: 20) == "test")
    }

    /// A written corpus: every manifest line is a valid entry whose `.pose` file reads back (PoseFormat)
    /// as exactly the generator's sequence, with texts, glosses and signer splits as documented; Python
    /// (json, pose-format) reads the manifest and a file too.
    @Test func writtenCorpusReadsBack() throws {
        let dir = try makeTemporaryDirectory("synth-corpus").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = SyntheticCorpusOptions(signs: 4, samplesPerSign: 3, sentences: 2, signers: 3, layout: "mslu-79", seed: 9)
        let entries = try SyntheticCorpus.write(options, to: dir)
        #expect(entries.count == 4 * 3 + 2)
        #expect(try SyntheticCorpus.readManifest(dir + "/manifest.jsonl") == entries)
        let g = try SyntheticSignGenerator(signs: 4, signers: 3, seed: 9)
        let layout = try PoseLayouts.named("mslu-79")
        for (n, e) in entries.enumerated() {
            let seq = try PoseFormat.read(dir + "/" + e.pose)
            #expect(seq.layout.name == "mslu-79" && seq.frameCount == e.frames)
            #expect(e.split == ["train", "dev", "test"][e.signer])
            #expect(e.language == ["en", "de", "zh"][n % 3])
            if n < 12 {
                let sign = n / 3, take = n % 3
                #expect(e.label == g.vocabulary[sign].gloss && e.glosses == [e.label!] && e.signer == (sign + take) % 3)
                #expect(e.text == SyntheticLexicon.isolatedText(meaning: g.vocabulary[sign].meanings[e.language]!, language: e.language))
                #expect(Self.sameValues(seq, try g.isolated(sign: sign, signer: e.signer, take: 0, layout: layout)))
            } else {
                #expect(e.label == nil && (2...5).contains(e.glosses.count) && e.signer == n - 12)
                let signs = e.glosses.map { gloss in g.vocabulary.firstIndex { $0.gloss == gloss }! }
                #expect(e.text == SyntheticLexicon.sentenceText(meanings: signs.map { g.vocabulary[$0].meanings[e.language]! },
                                                                 language: e.language))
                #expect(Self.sameValues(seq, try g.sentence(signs: signs, signer: e.signer, layout: layout).sequence))
            }
        }
        let out = try Python.run("""
        import json, sys
        from pose_format import Pose
        rows = [json.loads(l) for l in open(sys.argv[1] + "/manifest.jsonl", encoding="utf-8")]
        keys = {"id", "pose", "text", "language", "glosses", "split", "signer", "frames"}
        assert all(keys <= set(r) for r in rows), rows[0]
        assert sum("label" in r for r in rows) == 12
        p = Pose.read(open(sys.argv[1] + "/" + rows[-1]["pose"], "rb").read())
        print(p.body.data.shape, rows[-1]["frames"], len(p.header.components))
        """, arguments: [dir], requiring: ["pose_format"])
        let frames = entries.last!.frames
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "(\(frames), 1, 79, 2) \(frames) 4")
    }

    /// Same points, values, frame rate and size (a layout read from a file has no subset origin).
    static func sameValues(_ a: PoseSequence, _ b: PoseSequence) -> Bool {
        a.layout.components == b.layout.components && a.data == b.data && a.confidence == b.confidence && a.fps == b.fps
            && a.width == b.width && a.height == b.height
    }

    @Test func badOptionsAreRejected() throws {
        let dir = try makeTemporaryDirectory("synth-bad").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: PoseError.self) {
            try SyntheticCorpus.write(SyntheticCorpusOptions(signs: 2, samplesPerSign: 1, layout: "openpose-137"), to: dir)
        }
        #expect(throws: PoseError.self) {
            try SyntheticCorpus.write(SyntheticCorpusOptions(signs: 2, samplesPerSign: 1, languages: ["fr"]), to: dir)
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/manifest.jsonl"))
    }
}
