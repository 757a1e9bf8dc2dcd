import Testing
import SignCore
import TranslationHead

@Suite("Target vocabulary and tokenization")
struct TokenizationTests {
    let german = ["und nun die wettervorhersage für morgen, mittwoch.", "im süden regnet es (stark)!",
                  "morgen: 5 bis 10 grad", "im norden bleibt es trocken."]

    @Test func wordLevelRoundTripsWithSpacingAndPunctuation() throws {
        let v = try TextVocabulary.build(texts: german, tokenization: .word)
        #expect(Array(v.tokens.prefix(4)) == ["<pad>", "<bos>", "<eos>", "<unk>"])
        #expect(v.id("<pad>") == 0 && v.id("<bos>") == 1 && v.id("<eos>") == 2 && v.id("<unk>") == 3)
        for text in german { #expect(v.decode(v.encode(text)) == text) }
        #expect(TextVocabulary.pieces("im süden regnet es (stark)!", tokenization: .word, lowercase: false)
                == ["▁im", "▁süden", "▁regnet", "▁es", "▁(", "stark", ")", "!"])
        // Whitespace is normalized; a new sentence made of known pieces round-trips.
        #expect(v.decode(v.encode("  morgen   im süden,  trocken! ")) == "morgen im süden, trocken!")
        // Decoding stops at <eos> and skips <bos>/<pad>.
        let ids = [TextVocabulary.bosID] + v.encode("im norden") + [TextVocabulary.eosID] + v.encode("morgen") + [0, 0]
        #expect(v.decode(ids) == "im norden")
    }

    @Test func unknownWordsBecomeUnkAndFrequencyCutoffApplies() throws {
        let v = try TextVocabulary.build(texts: german, tokenization: .word)
        let ids = v.encode("im westen regnet es")
        #expect(ids.contains(TextVocabulary.unkID))
        #expect(v.decode(ids) == "im <unk> regnet es")
        // minFrequency 2: only pieces seen twice or more survive ("▁im", "▁es", ".", "▁morgen", …).
        let cut = try TextVocabulary.build(texts: german, tokenization: .word, minFrequency: 2)
        #expect(cut.tokens.dropFirst(4).allSatisfy { t in german.reduce(0) { $0 + TextVocabulary.pieces($1, tokenization: .word, lowercase: false).filter { $0 == t }.count } >= 2 })
        #expect(cut.id("▁im") != nil && cut.id("▁süden") == nil)
        #expect(cut.decode(cut.encode("im süden regnet es.")) == "im <unk> <unk> es.")
        // Most frequent first: "▁im", "▁es" and "." appear twice; ties in code point order.
        #expect(Array(cut.tokens.dropFirst(4)) == [".", "▁es", "▁im", "▁morgen"])
        let small = try TextVocabulary.build(texts: german, tokenization: .word, maxSize: 6)
        #expect(small.count == 6 && Array(small.tokens.dropFirst(4)) == [".", "▁es"])
    }

    @Test func charLevelRoundTripsChineseWithoutSeparators() throws {
        let zh = ["今天天气很好。", "我们明天去北京，好吗？", "价格是3.5元 共100个"]
        let v = try TextVocabulary.build(texts: zh, tokenization: .char)
        for text in zh { #expect(v.decode(v.encode(text)) == text) }
        #expect(TextVocabulary.pieces("好吗？", tokenization: .char, lowercase: false) == ["好", "吗", "？"])
        #expect(v.encode("价格 5").contains(v.id(" ")!))
        #expect(v.decode(v.encode("今天很冷")) == "今天很<unk>")
        #expect(TextVocabulary.inferTokenization(v.tokens) == .char)
    }

    @Test func automaticTokenizationPicksCharForChinese() {
        #expect(TextTokenization.automatic(texts: ["morgen regnet es"], language: nil) == .word)
        #expect(TextTokenization.automatic(texts: ["morgen regnet es"], language: "zh") == .char)
        #expect(TextTokenization.automatic(texts: ["morgen"], language: "zh-CN") == .char)
        #expect(TextTokenization.automatic(texts: ["今天天气很好", "我们去 Beijing"], language: nil) == .char)
        #expect(TextTokenization.automatic(texts: ["the word 好 is chinese"], language: "en") == .word)
    }

    @Test func restoredListsKeepTheirTokenization() throws {
        let v = try TextVocabulary.build(texts: german, tokenization: .word, lowercase: true)
        #expect(TextVocabulary.inferTokenization(v.tokens) == .word)
        let restored = try TextVocabulary(tokens: v.tokens, tokenization: .word, lowercase: true)
        #expect(restored == v)
        #expect(restored.encode("Im Süden") == v.encode("im süden"))
        #expect(throws: (any Error).self) { _ = try TextVocabulary(tokens: ["<bos>", "<pad>", "<eos>", "<unk>"], tokenization: .word) }
        #expect(throws: (any Error).self) { _ = try TextVocabulary(tokens: TextVocabulary.specials + ["a", "a"], tokenization: .word) }
        #expect(throws: (any Error).self) { _ = try TextVocabulary(tokens: TextVocabulary.specials + ["ab"], tokenization: .char) }
        #expect(throws: (any Error).self) { _ = try TextVocabulary.build(texts: german, tokenization: .word, minFrequency: 0) }
        #expect(throws: (any Error).self) { _ = try TextVocabulary.build(texts: german, tokenization: .word, maxSize: 3) }
    }

    @Test func hanCharactersAreSeparateWordsAndApostrophesSplit() {
        #expect(TextVocabulary.pieces("it's 好的", tokenization: .word, lowercase: false) == ["▁it", "'", "s", "▁好", "的"])
        #expect(TextVocabulary.join(["▁it", "'", "s", "▁好", "的"], tokenization: .word) == "it's 好的")
    }
}
