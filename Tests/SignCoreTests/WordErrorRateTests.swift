import Foundation
import Testing
import SignCore
import SignTestSupport

/// WER with the group's costs (del 3, ins 3, sub 4) and plain Levenshtein WER: hand-computed cases
/// (the alignments were worked out by hand and confirmed with a one-off Python port of the group's
/// `wer_single`/`get_alignment`), and Levenshtein against `jiwer` on Tests/Fixtures/wer/gloss_pairs.tsv.
@Suite("Word error rate")
struct WordErrorRateTests {
    func words(_ s: String) -> [String] { s.split(separator: " ").map(String.init) }

    func steps(_ s: String) -> [AlignmentStep] { s.map { AlignmentStep(rawValue: $0)! } }

    /// A shifted match: the group's costs keep "a b c" as correct words and pay 4 deletions and
    /// 4 insertions (cost 24 < 7 substitutions = 28), so its WER is 8/7; Levenshtein substitutes
    /// all 7 (7 < 8 errors), WER 7/7.
    @Test func groupCostsCanCountMoreErrorsThanLevenshtein() {
        let r = words("x1 x2 x3 x4 a b c"), h = words("a b c y1 y2 y3 y4")
        #expect(alignWords(reference: r, hypothesis: h, costs: .groupEvaluation) == steps("DDDDCCCIIII"))
        #expect(alignWords(reference: r, hypothesis: h, costs: .levenshtein) == steps("SSSSSSS"))
        let group = wordErrors(reference: r, hypothesis: h)
        #expect(group == WordErrorCounts(correct: 3, substitutions: 0, deletions: 4, insertions: 4, referenceWords: 7))
        #expect(group.wordErrorRate == 8.0 / 7.0)
        let lev = wordErrors(reference: r, hypothesis: h, costs: .levenshtein)
        #expect(lev.errors == 7 && lev.substitutions == 7 && lev.wordErrorRate == 1)
    }

    /// Same error count, different kinds: "a b" → "b c" is D C I under the group's costs (6 < 8) and
    /// S S under Levenshtein (substitution preferred on the tie-break).
    @Test func sameErrorCountDifferentKinds() {
        let group = wordErrors(reference: "a b", hypothesis: "b c")
        #expect(group == WordErrorCounts(correct: 1, substitutions: 0, deletions: 1, insertions: 1, referenceWords: 2))
        let lev = wordErrors(reference: "a b", hypothesis: "b c", costs: .levenshtein)
        #expect(lev == WordErrorCounts(correct: 0, substitutions: 2, deletions: 0, insertions: 0, referenceWords: 2))
        #expect(group.wordErrorRate == 1 && lev.wordErrorRate == 1)
        // A swap plus an insertion: C D C I C I (group, cost 9) vs C I C S S (Levenshtein, 3 errors).
        #expect(alignWords(reference: words("MORGEN REGEN NORD WIND"), hypothesis: words("MORGEN NORD REGEN WIND KALT")) == steps("CDCICI"))
        #expect(alignWords(reference: words("MORGEN REGEN NORD WIND"), hypothesis: words("MORGEN NORD REGEN WIND KALT"), costs: .levenshtein) == steps("CICSS"))
    }

    @Test func simpleCasesAgree() {
        for costs in [EditCosts.groupEvaluation, .levenshtein] {
            // One substitution and one deletion: C S C D, WER 2/4.
            #expect(alignWords(reference: words("a b c d"), hypothesis: words("a x c"), costs: costs) == steps("CSCD"))
            #expect(wordErrors(reference: "a b c d", hypothesis: "a x c", costs: costs).wordErrorRate == 0.5)
            #expect(wordErrors(reference: "a b c", hypothesis: "", costs: costs) == WordErrorCounts(deletions: 3, referenceWords: 3))
            #expect(wordErrors(reference: "a b c", hypothesis: " a  b c ", costs: costs).wordErrorRate == 0)
            let noReference = wordErrors(reference: "", hypothesis: "a b", costs: costs)
            #expect(noReference.insertions == 2 && noReference.wordErrorRate == .infinity)
            #expect(wordErrors(reference: "", hypothesis: "", costs: costs).wordErrorRate == 0)
        }
        // Gloss ids work as words too.
        #expect(wordErrors(reference: [3, 1, 4], hypothesis: [3, 4, 4]) == WordErrorCounts(correct: 2, substitutions: 1, referenceWords: 3))
    }

    @Test func countsAddOverACorpus() {
        var total = WordErrorCounts()
        total += wordErrors(reference: "a b c d", hypothesis: "a x c")
        total += wordErrors(reference: "x1 x2 x3 x4 a b c", hypothesis: "a b c y1 y2 y3 y4")
        #expect(total.referenceWords == 11 && total.errors == 10)
        #expect(total.wordErrorRate == 10.0 / 11.0)
        #expect(total.deletionRate == 5.0 / 11.0 && total.insertionRate == 4.0 / 11.0 && total.substitutionRate == 1.0 / 11.0)
    }

    /// Levenshtein WER against jiwer (installed by scripts/setup; this test fails, never skips, when
    /// it is missing): per sentence the error count S + D + I and N, and the corpus WER. The S/D/I split
    /// may differ between equally cheap alignments, so only their sum is compared per sentence.
    @Test func levenshteinMatchesJiwer() throws {
        let path = fixturesRoot.appendingPathComponent("wer/gloss_pairs.tsv").path
        let pairs = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .map { line -> (String, String) in
                let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }
        #expect(pairs.count >= 150)
        let script = """
        import sys, jiwer
        refs, hyps = [], []
        for line in open(sys.argv[1], encoding="utf-8"):
            if line.startswith("#"): continue
            r, h = line.rstrip("\\n").split("\\t")
            refs.append(r); hyps.append(h)
        for r, h in zip(refs, hyps):
            o = jiwer.process_words(r, h)
            print(o.substitutions + o.deletions + o.insertions, o.hits + o.substitutions + o.deletions)
        print(repr(jiwer.wer(refs, hyps)))
        """
        let lines = try Python.run(script, arguments: [path], requiring: ["jiwer"]).split(separator: "\n")
        try #require(lines.count == pairs.count + 1)
        var total = WordErrorCounts()
        for (i, (r, h)) in pairs.enumerated() {
            let ours = wordErrors(reference: r, hypothesis: h, costs: .levenshtein)
            let theirs = lines[i].split(separator: " ").map { Int($0)! }
            #expect(ours.errors == theirs[0] && ours.referenceWords == theirs[1], "line \(i): \(r) | \(h): ours \(ours), jiwer \(theirs)")
            total += ours
        }
        let jiwerWER = Double(lines[pairs.count])!
        #expect(Swift.abs(total.wordErrorRate - jiwerWER) < 1e-12, "corpus WER \(total.wordErrorRate) vs jiwer \(jiwerWER)")
        // The group's costs never count fewer errors than the minimum (Levenshtein) and differ on this list.
        let group = pairs.map { wordErrors(reference: $0.0, hypothesis: $0.1) }
        #expect(zip(group, pairs).allSatisfy { $0.0.errors >= wordErrors(reference: $0.1.0, hypothesis: $0.1.1, costs: .levenshtein).errors })
        #expect(group.reduce(WordErrorCounts(), +).errors > total.errors)
    }
}
