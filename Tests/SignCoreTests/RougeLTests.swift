import Foundation
import Testing
import SignCore
import SignTestSupport

@Suite("ROUGE-L")
struct RougeLTests {
    func words(_ s: String) -> [String] { RougeTokenization.words.units(s) }

    @Test func longestCommonSubsequenceByHand() {
        // The textbook pair: LCS("ABCBDAB", "BDCABA") = 4 (e.g. BCBA).
        #expect(RougeL.lcsLength(["A", "B", "C", "B", "D", "A", "B"], ["B", "D", "C", "A", "B", "A"]) == 4)
        #expect(RougeL.lcsLength([], ["a"]) == 0)
        #expect(RougeL.lcsLength(["a", "b"], ["c", "d"]) == 0)
        #expect(RougeL.lcsLength(["x", "a", "y", "b"], ["a", "b"]) == 2)
    }

    @Test func sentenceScoresByHand() {
        // LCS("the cat sat on the mat", "the cat on the mat") = 5; P = 5/6, R = 1;
        // F = 2.44·(5/6)·1 / (1 + 1.44·5/6) = (12.2/6)/(13.2/6) = 12.2/13.2.
        let f = RougeL.sentenceScore(candidate: words("the cat sat on the mat"), references: [words("the cat on the mat")])
        #expect(abs(f - 12.2 / 13.2) < 1e-12)
        // β = 1: 2PR/(P+R) = 2·(5/6)/(11/6) = 10/11.
        let f1 = RougeL.sentenceScore(candidate: words("the cat sat on the mat"), references: [words("the cat on the mat")], beta: 1)
        #expect(abs(f1 - 10.0 / 11) < 1e-12)
        // Characters: 今天天气好 (5) vs 今天的天气很好 (7), LCS 5; P = 1, R = 5/7;
        // F = 2.44·(5/7)/(5/7 + 1.44) = 12.2/15.08.
        let zh = RougeL.sentenceScore(candidate: RougeTokenization.characters.units("今天天气好"),
                                      references: [RougeTokenization.characters.units("今天的 天气很好")])
        #expect(abs(zh - 12.2 / 15.08) < 1e-12)
        #expect(RougeL.sentenceScore(candidate: words("a b c"), references: [words("a b c")]) == 1)
        #expect(RougeL.sentenceScore(candidate: words("a b c"), references: [words("d e")]) == 0)
        #expect(RougeL.sentenceScore(candidate: [], references: [words("d e")]) == 0)
        #expect(RougeL.sentenceScore(candidate: words("d e"), references: [[]]) == 0)
        // Two references: P = max(2/4, 1/4) = 1/2 from the first, R = max(2/8, 1/1) = 1 from the second;
        // F = 2.44·0.5·1/(1 + 1.44·0.5) = 1.22/1.72.
        let multi = RougeL.sentenceScore(candidate: words("a b c d"), references: [words("a x b x x x x x"), words("c")])
        #expect(abs(multi - 1.22 / 1.72) < 1e-12)
    }

    @Test func corpusScoreIsTheMeanInPercent() throws {
        var r = try CorpusRougeL()
        try r.add(hypothesis: "the cat sat on the mat", references: ["the cat on the mat"])
        try r.add(hypothesis: "", references: ["anything"])
        #expect(abs(r.score - 100 * (12.2 / 13.2) / 2) < 1e-10)
        #expect(throws: (any Error).self) { _ = try CorpusRougeL(beta: 0) }
        #expect(throws: (any Error).self) { try r.add(hypothesis: "x", references: []) }
    }

    /// β = 1 on rouge-score's own tokens equals `rouge_score.rouge_scorer.RougeScorer(["rougeL"],
    /// use_stemmer=False)` F1 on the fixture corpus (its tokenizer keeps only [a-z0-9] runs, so the
    /// Chinese pairs become empty and score 0 on both sides).
    @Test func betaOneMatchesTheRougeScorePackage() throws {
        let script = #"""
import json, sys
from rouge_score import rouge_scorer, tokenizers
items = json.load(open(sys.argv[1], encoding="utf-8"))
tok = tokenizers.DefaultTokenizer(use_stemmer=False)
scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
out = [{"hyp": tok.tokenize(it["hypothesis"]), "ref": tok.tokenize(it["reference"]),
        "f": scorer.score(it["reference"], it["hypothesis"])["rougeL"].fmeasure} for it in items]
print(json.dumps(out))
"""#
        struct Row: Decodable { let hyp: [String]; let ref: [String]; let f: Double }
        let path = fixturesRoot.appendingPathComponent("metrics/bleu_rouge_corpus.json").path
        let rows = try JSONDecoder().decode([Row].self, from: Data(try Python.run(script, arguments: [path], requiring: ["rouge_score"]).utf8))
        #expect(rows.count == (try metricCorpus()).count)
        var positive = 0
        for row in rows {
            let f = RougeL.sentenceScore(candidate: row.hyp, references: [row.ref], beta: 1)
            #expect(abs(f - row.f) < 1e-12, "\(row.hyp) vs \(row.ref): \(f) vs rouge-score \(row.f)")
            if row.f > 0 { positive += 1 }
        }
        #expect(positive >= 15)
    }
}
