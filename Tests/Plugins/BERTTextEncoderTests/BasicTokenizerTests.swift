import Testing
import BERTTextEncoder

/// Hand-written cases of BERT's basic tokenizer rules (expected words worked out by hand from the
/// rules in BasicTokenizer's doc comment) and of WordPiece on a tiny vocabulary.
@Suite("BERT basic tokenizer and WordPiece")
struct BasicTokenizerTests {
    let basic = BasicTokenizer()

    @Test func punctuationIsSplitAndWhitespaceDropped() {
        #expect(basic.tokenize("Hello, World!") == ["hello", ",", "world", "!"])
        #expect(basic.tokenize("$5+3=8 (ok)") == ["$", "5", "+", "3", "=", "8", "(", "ok", ")"])
        #expect(basic.tokenize("don't") == ["don", "'", "t"])
        #expect(basic.tokenize("¿Qué?—«sí»") == ["¿", "que", "?", "—", "«", "si", "»"])
        #expect(basic.tokenize("a...b") == ["a", ".", ".", ".", "b"])
    }

    @Test func accentsAreStrippedThroughNFD() {
        #expect(basic.tokenize("Café naïve Ångström") == ["cafe", "naive", "angstrom"])
        // ß has no decomposition and lower-cases to itself; Ä → A + U+0308 → a.
        #expect(basic.tokenize("Straße Ärger") == ["straße", "arger"])
        // A decomposed accent (e + U+0301) is stripped the same way.
        #expect(basic.tokenize("Cafe\u{301}") == ["cafe"])
        // Greek tonos is a nonspacing mark after NFD; Σ lower-cases to σ (no final-sigma context).
        #expect(basic.tokenize("ΟΔΌΣ") == ["οδοσ"])
    }

    @Test func lowerCasingAndAccentsFollowTheFlags() {
        #expect(BasicTokenizer(lowercase: false).tokenize("Café ÄB") == ["Café", "ÄB"])
        #expect(BasicTokenizer(lowercase: true, stripAccents: false).tokenize("Café ÄB") == ["café", "äb"])
        #expect(BasicTokenizer(lowercase: false, stripAccents: true).tokenize("Café ÄB") == ["Cafe", "AB"])
    }

    @Test func cjkIdeographsBecomeSingleWords() {
        #expect(basic.tokenize("我爱abc中文def") == ["我", "爱", "abc", "中", "文", "def"])
        // Extension B (U+20000) and a compatibility ideograph (U+F900) are split too; kana are not.
        #expect(basic.tokenize("\u{20000}\u{F900}これ") == ["\u{20000}", "\u{F900}", "これ"])
        #expect(BasicTokenizer(splitCJK: false).tokenize("我爱abc") == ["我爱abc"])
    }

    @Test func controlCharactersAreRemovedAndWhitespaceFolded() {
        // NUL, BEL (Cc), zero-width space and soft hyphen (Cf), U+FFFD and a private-use scalar (Co) vanish.
        #expect(basic.tokenize("a\u{0}b\u{7}c\u{200B}d\u{AD}e\u{FFFD}f\u{E000}g") == ["abcdefg"])
        // Tab, newline, CR, no-break space, ideographic space and em space separate words.
        #expect(basic.tokenize(" a\tb\nc\r\nd\u{A0}e\u{3000}f\u{2003}g ") == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(basic.tokenize("   ") == [])
        #expect(basic.tokenize("") == [])
    }

    @Test func hangulDecomposesIntoJamo() {
        // NFD splits the syllable 한 (U+D55C) into ᄒ ᅡ ᆫ (U+1112 U+1161 U+11AB), none of them Mn.
        #expect(basic.normalize("한").map(\.value) == [0x1112, 0x1161, 0x11AB])
    }

    @Test func wordPieceTakesTheLongestMatchFirst() throws {
        let vocab = try WordPiece(tokens: ["[UNK]", "un", "##aff", "##able", "aff", "able", "##a", "a", "##af"])
        func pieces(_ w: String) -> [String] {
            var ids: [Int32] = []
            vocab.pieces(Array(w.unicodeScalars), into: &ids)
            return ids.map { vocab.tokens[Int($0)] }
        }
        #expect(pieces("unaffable") == ["un", "##aff", "##able"])
        #expect(pieces("able") == ["able"])
        #expect(pieces("unx") == ["[UNK]"])            // one unmatched position makes the whole word unknown
        #expect(pieces("aaa") == ["a", "##a", "##a"])
        #expect(pieces(String(repeating: "a", count: 100)).count == 100)
        #expect(pieces(String(repeating: "a", count: 101)) == ["[UNK]"])   // more than 100 scalars
        #expect(throws: BERTError("the vocabulary (1 tokens) has no unknown token \"[UNK]\"")) {
            _ = try WordPiece(tokens: ["a"])
        }
    }

    @Test func wordPieceComparesBytesNotCanonicalEquivalence() throws {
        // "é" precomposed (U+00E9) is in the vocabulary; e + U+0301 is canonically equivalent but
        // a different byte string, so it is not found (Swift's String == would say it is).
        let vocab = try WordPiece(tokens: ["[UNK]", "\u{E9}"])
        #expect(vocab.id(of: "\u{E9}") == 1)
        #expect(vocab.id(of: "e\u{301}") == nil)
    }

    @Test func specialTokensAreMatchedVerbatimAndLengthIsCapped() throws {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "[", "]", "mask", "##s"]
        let t = try BertTokenizer(basic: BasicTokenizer(), vocabulary: try WordPiece(tokens: tokens), maxLength: 6)
        #expect(t.tokens("The [MASK] sat") == ["[CLS]", "the", "[MASK]", "sat", "[SEP]"])
        // Lower-case [mask] is not the special token: it is split as punctuation and a word.
        #expect(t.tokens("[mask]") == ["[CLS]", "[", "mask", "]", "[SEP]"])
        #expect(t.tokens("cats[MASK]cat") == ["[CLS]", "cat", "##s", "[MASK]", "cat", "[SEP]"])
        // At most 6 ids: the pieces are cut, [SEP] stays.
        #expect(t.tokens("the cat sat the cat sat") == ["[CLS]", "the", "cat", "sat", "the", "[SEP]"])
        #expect(t.tokens("") == ["[CLS]", "[SEP]"])
        #expect(throws: BERTError("maxLength must be at least 2 ([CLS] and [SEP]), got 1")) {
            _ = try BertTokenizer(basic: BasicTokenizer(), vocabulary: try WordPiece(tokens: tokens), maxLength: 1)
        }
    }
}
