import Foundation
import Testing
import SignCore
import SignTestSupport

/// One hand-written hypothesis/reference pair of Tests/Fixtures/metrics/bleu_rouge_corpus.json.
struct MetricPair: Decodable {
    let lang: String
    let hypothesis: String
    let reference: String
}

func metricCorpus() throws -> [MetricPair] {
    let url = fixturesRoot.appendingPathComponent("metrics/bleu_rouge_corpus.json")
    return try JSONDecoder().decode([MetricPair].self, from: Data(contentsOf: url))
}

/// Corpus BLEU against the `sacrebleu` package, computed at test time (the test fails, never skips,
/// when sacrebleu is missing: `scripts/setup` installs it).
@Suite("Corpus BLEU equals sacreBLEU")
struct BLEUTests {
    /// Extra lines for the tokenizer comparison (beyond the corpus).
    static let extraLines = [
        "a.b,c 1.5 2,5 x. y, 3-4 a-b <skipped>x &quot;q&quot; &lt;tag&gt; &amp;lt;",
        "end with period . and , comma", "über-cool ((nested)) [brackets] {braces} ~tilde~ `tick` |pipe| ^caret^",
        "\u{1C}sep\u{1F}arated\u{85}next\u{A0}nbsp\u{2009}thin\u{3000}ideo", "emoji 😀 and CJK ext-B 𠀀 char",
        "curly ‘quotes’ – dash • bullet € 20 № 5 → arrow", "１２３ＡＢＣ、。「」『』",
    ]

    /// The multi-reference mini corpus (two reference streams).
    static let multi: (hyps: [String], refs: [[String]]) = (
        ["the cat is on the mat", "there is a dog in the garden today", "hello world", ""],
        [["the cat sat on the mat", "a dog is in the garden", "hello, world!", "nothing"],
         ["there is a cat on the mat", "there is a dog in the garden", "hello there world", "nothing at all here"]]
    )

    static let script = #"""
import json, sys
from sacrebleu.metrics import BLEU
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh
items = json.load(open(sys.argv[1], encoding="utf-8"))
extra = json.loads(sys.argv[2])
multi = json.loads(sys.argv[3])
texts = [t for it in items for t in (it["hypothesis"], it["reference"])] + extra
out = {"tokens": {"13a": [Tokenizer13a()(t.rstrip()) for t in texts], "zh": [TokenizerZh()(t.rstrip()) for t in texts]}, "scores": []}
def subset(name):
    sel = [it for it in items if name == "all" or it["lang"] == name]
    return [it["hypothesis"] for it in sel], [it["reference"] for it in sel]
runs = [("en", "13a"), ("de", "13a"), ("zh", "zh"), ("zh", "13a"), ("all", "13a"), ("all", "zh"), ("all", "none")]
for name, tok in runs:
    hyps, refs = subset(name)
    for smooth in ["exp", "none", "floor", "add-k"]:
        for n in range(1, 5):
            for lower, eff in [(False, False), (True, False), (False, True)]:
                if (lower or eff) and smooth != "exp":
                    continue
                s = BLEU(tokenize=tok, smooth_method=smooth, max_ngram_order=n, lowercase=lower, effective_order=eff).corpus_score(hyps, [refs])
                out["scores"].append({"subset": name, "tokenize": tok, "smooth": smooth, "order": n, "lowercase": lower,
                                      "effective": eff, "score": s.score, "bp": s.bp, "precisions": s.precisions,
                                      "sys_len": s.sys_len, "ref_len": s.ref_len})
for n in range(1, 5):
    s = BLEU(max_ngram_order=n).corpus_score(multi["hyps"], multi["refs"])
    out["scores"].append({"subset": "multi", "tokenize": "13a", "smooth": "exp", "order": n, "lowercase": False, "effective": False,
                          "score": s.score, "bp": s.bp, "precisions": s.precisions, "sys_len": s.sys_len, "ref_len": s.ref_len})
print(json.dumps(out))
"""#

    struct Reference: Decodable {
        let subset: String, tokenize: String, smooth: String, order: Int, lowercase: Bool, effective: Bool
        let score: Double, bp: Double, precisions: [Double]
        let sys_len: Int, ref_len: Int
    }
    struct Output: Decodable {
        let tokens: [String: [String]]
        let scores: [Reference]
    }

    func sacrebleu() throws -> Output {
        let extra = String(decoding: try JSONEncoder().encode(Self.extraLines), as: UTF8.self)
        let multi = String(decoding: try JSONSerialization.data(withJSONObject: ["hyps": Self.multi.hyps, "refs": Self.multi.refs]), as: UTF8.self)
        let path = fixturesRoot.appendingPathComponent("metrics/bleu_rouge_corpus.json").path
        let json = try Python.run(Self.script, arguments: [path, extra, multi], requiring: ["sacrebleu"])
        return try JSONDecoder().decode(Output.self, from: Data(json.utf8))
    }

    @Test func corpusHasThirtyPairsInThreeLanguages() throws {
        let corpus = try metricCorpus()
        #expect(corpus.count >= 30)
        #expect(Set(corpus.map(\.lang)) == ["en", "de", "zh"])
        #expect(corpus.contains { $0.hypothesis.isEmpty })
    }

    @Test func tokenizersMatchSacreBLEUTokenForToken() throws {
        let ref = try sacrebleu()
        let corpus = try metricCorpus()
        let texts = corpus.flatMap { [$0.hypothesis, $0.reference] } + Self.extraLines
        for (name, tokenizer) in [("13a", BLEUTokenizer.thirteenA), ("zh", .zh)] {
            let expected = try #require(ref.tokens[name])
            #expect(expected.count == texts.count)
            for (text, exp) in zip(texts, expected) {
                #expect(tokenizer.tokenizedLine(text) == exp, "\(name) tokenizer on \(text.debugDescription)")
            }
        }
    }

    @Test func bleu1To4MatchSacreBLEUWithin1e6() throws {
        let ref = try sacrebleu()
        let corpus = try metricCorpus()
        #expect(ref.scores.count == 7 * (4 * 4 + 2 * 4) + 4)
        var nonzero = 0
        for r in ref.scores {
            let tokenizer = try #require(BLEUTokenizer(rawValue: r.tokenize))
            var bleu = try CorpusBLEU(tokenizer: tokenizer, maxOrder: 4, lowercase: r.lowercase)
            if r.subset == "multi" {
                for (i, h) in Self.multi.hyps.enumerated() { try bleu.add(hypothesis: h, references: Self.multi.refs.map { $0[i] }) }
            } else {
                for p in corpus where r.subset == "all" || p.lang == r.subset { try bleu.add(hypothesis: p.hypothesis, references: [p.reference]) }
            }
            let smoothing: BLEUSmoothing
            switch r.smooth {
            case "exp": smoothing = .exp
            case "none": smoothing = .none
            case "floor": smoothing = .floor(0.1)
            default: smoothing = .addK(1)
            }
            let s = try bleu.score(order: r.order, smoothing: smoothing, effectiveOrder: r.effective)
            let what = "\(r.subset) tok=\(r.tokenize) smooth=\(r.smooth) order=\(r.order) lower=\(r.lowercase) eff=\(r.effective)"
            #expect(abs(s.score - r.score) <= 1e-6, "\(what): \(s.score) vs sacrebleu \(r.score)")
            #expect(abs(s.brevityPenalty - r.bp) <= 1e-9, "\(what): BP \(s.brevityPenalty) vs \(r.bp)")
            #expect(s.systemLength == r.sys_len && s.referenceLength == r.ref_len, "\(what): lengths")
            for (a, b) in zip(s.precisions, r.precisions) { #expect(abs(a - b) <= 1e-9, "\(what): precisions \(s.precisions) vs \(r.precisions)") }
            if r.score > 1 { nonzero += 1 }
        }
        #expect(nonzero > 50)
    }

    @Test func handComputedSingleSegment() throws {
        // hyp "a b c d" vs ref "a b c e": p1 = 3/4, p2 = 2/3, p3 = 1/2, p4 = 0 → exp smoothing: 100/(2·1).
        // BLEU-4 = exp((ln 75 + ln 66.667 + ln 50 + ln 50)/4) = (75·66.667·50·50)^(1/4) = 59.46…; BP = 1.
        var bleu = try CorpusBLEU()
        try bleu.add(hypothesis: "a b c d", references: ["a b c e"])
        #expect(bleu.correct == [3, 2, 1, 0] && bleu.total == [4, 3, 2, 1])
        let expected = pow(75.0 * (200.0 / 3) * 50 * 50, 0.25)
        #expect(abs(try bleu.score().score - expected) < 1e-9)
        #expect(abs(try bleu.score(order: 1).score - 75) < 1e-9)
        #expect(try bleu.score(smoothing: .none).score == 0)
        // Brevity: hyp of 2 tokens vs ref of 4 → BP = e^{1 − 4/2}.
        var short = try CorpusBLEU()
        try short.add(hypothesis: "a b", references: ["a b c d"])
        #expect(abs(try short.score(order: 1).brevityPenalty - exp(-1.0)) < 1e-12)
        #expect(abs(try short.score(order: 1).score - 100 * exp(-1.0)) < 1e-9)
    }

    @Test func emptyAndMisuseAreHandled() throws {
        var bleu = try CorpusBLEU()
        try bleu.add(hypothesis: "", references: ["a b"])
        #expect(try bleu.score().score == 0)
        #expect(throws: (any Error).self) { try bleu.add(hypothesis: "x", references: []) }
        #expect(throws: (any Error).self) { _ = try bleu.score(order: 5) }
        #expect(throws: (any Error).self) { _ = try CorpusBLEU(maxOrder: 0) }
    }
}
