import SignCore
import SignTensor

/// How sentences are cut into target tokens.
public enum TextTokenization: String, CaseIterable, Sendable {
    /// Words and single punctuation/symbol characters; a token that follows whitespace (or starts
    /// the sentence) carries the word-start mark ▁ (U+2581, SentencePiece's convention), so
    /// detokenization restores the spacing: "Hallo, Welt!" → ▁Hallo , ▁Welt ! → "Hallo, Welt!".
    /// Han ideographs are single tokens even here.
    case word
    /// Every character (grapheme) is a token, spaces included (as " "); detokenization concatenates.
    /// Required for Chinese (CSL-Daily is evaluated at character level).
    case char

    /// `auto`: `char` when `language` is Chinese (`zh`, `zh-…`, `zh_…`, `cmn`) or when at least half of
    /// the letters of `texts` are Han ideographs / kana ("mostly CJK"); `word` otherwise.
    public static func automatic(texts: [String], language: String?) -> TextTokenization {
        if let l = language?.lowercased(), l == "zh" || l.hasPrefix("zh-") || l.hasPrefix("zh_") || l == "cmn" { return .char }
        var cjk = 0, letters = 0
        for text in texts {
            for s in text.unicodeScalars where s.properties.isAlphabetic {
                letters += 1
                if isCJK(s) { cjk += 1 }
            }
        }
        return letters > 0 && 2 * cjk >= letters ? .char : .word
    }

    /// Han ideographs, Hiragana and Katakana.
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        s.properties.isIdeographic || (0x3040...0x30FF).contains(s.value)
    }
}

/// The target vocabulary of the translation head: special tokens `<pad>` = 0, `<bos>` = 1,
/// `<eos>` = 2, `<unk>` = 3, then the training pieces by decreasing frequency (ties in code point
/// order), keeping those seen at least `minFrequency` times (at most `maxSize` entries in all).
///
/// Text is normalized before cutting: optional lower-casing, whitespace runs → one space, trimmed
/// ends (a literal ▁ in the text counts as a space). `decode(encode(t))` returns the
/// normalized `t` when every piece is known; unknown pieces decode as `<unk>` (in word mode as a
/// separate word, " <unk>").
public struct TextVocabulary: Sendable, Equatable {
    public static let pad = "<pad>", bos = "<bos>", eos = "<eos>", unk = "<unk>"
    public static let specials = [pad, bos, eos, unk]
    public static let padID = 0, bosID = 1, eosID = 2, unkID = 3
    /// Word mode's word-start mark.
    public static let wordStart: Character = "\u{2581}"

    public let tokenization: TextTokenization
    public let lowercase: Bool
    /// Every token, id order (the list a checkpoint stores).
    public let tokens: [String]
    private let ids: [String: Int]

    /// A vocabulary from its token list (a checkpoint's `vocabulary`). Errors: the first four are not
    /// the special tokens in order, a token appears twice, or a char-level list holds a token that is
    /// not one character.
    public init(tokens: [String], tokenization: TextTokenization, lowercase: Bool = false) throws {
        guard Array(tokens.prefix(4)) == Self.specials else {
            throw TensorError("head/translation", "vocabulary must start with \(Self.specials.joined(separator: " ")), got \(tokens.prefix(4).joined(separator: " "))")
        }
        var ids: [String: Int] = [:]
        for (i, t) in tokens.enumerated() {
            if let j = ids[t] { throw TensorError("head/translation", "vocabulary token \"\(t)\" appears at \(j) and \(i)") }
            if tokenization == .char && i >= 4 && t.count != 1 {
                throw TensorError("head/translation", "char-level vocabulary token \(i) \"\(t)\" is not one character")
            }
            ids[t] = i
        }
        self.tokens = tokens
        self.ids = ids
        self.tokenization = tokenization
        self.lowercase = lowercase
    }

    /// Builds the vocabulary from training sentences. `maxSize` 0 = no limit (else ≥ 5).
    public static func build(texts: [String], tokenization: TextTokenization, lowercase: Bool = false,
                             minFrequency: Int = 1, maxSize: Int = 0) throws -> TextVocabulary {
        guard minFrequency >= 1 else { throw TensorError("head/translation", "minFrequency must be ≥ 1, got \(minFrequency)") }
        guard maxSize == 0 || maxSize > specials.count else {
            throw TensorError("head/translation", "maxVocabulary must be 0 (no limit) or > \(specials.count), got \(maxSize)")
        }
        var counts: [String: Int] = [:]
        for text in texts { for p in pieces(text, tokenization: tokenization, lowercase: lowercase) { counts[p, default: 0] += 1 } }
        var kept = counts.filter { $0.value >= minFrequency && !specials.contains($0.key) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : Array($0.key.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.key.unicodeScalars.map(\.value)) }
            .map(\.key)
        if maxSize > 0 && kept.count > maxSize - specials.count { kept = Array(kept.prefix(maxSize - specials.count)) }
        return try TextVocabulary(tokens: specials + kept, tokenization: tokenization, lowercase: lowercase)
    }

    /// The tokenization a restored token list was built with: word level iff some token is a
    /// ▁-marked word (every non-empty word-level corpus yields one; a char-level list never has one).
    public static func inferTokenization(_ tokens: [String]) -> TextTokenization {
        tokens.dropFirst(specials.count).contains { $0.count > 1 && $0.first == wordStart } ? .word : .char
    }

    public var count: Int { tokens.count }
    public func id(_ token: String) -> Int? { ids[token] }

    /// Token ids of a sentence (no `<bos>`/`<eos>`).
    public func encode(_ text: String) -> [Int] {
        Self.pieces(text, tokenization: tokenization, lowercase: lowercase).map { ids[$0] ?? Self.unkID }
    }

    /// The sentence of a token sequence: stops at the first `<eos>`, skips `<pad>` and `<bos>`.
    public func decode(_ sequence: [Int]) -> String {
        var pieces: [String] = []
        for i in sequence {
            if i == Self.eosID { break }
            if i == Self.padID || i == Self.bosID { continue }
            if i == Self.unkID || i < 0 || i >= tokens.count {
                pieces.append(tokenization == .word ? String(Self.wordStart) + Self.unk : Self.unk)
            } else {
                pieces.append(tokens[i])
            }
        }
        return Self.join(pieces, tokenization: tokenization)
    }

    /// The normalization `encode` applies (what `decode(encode(t))` returns for known pieces).
    public static func normalize(_ text: String, lowercase: Bool) -> String {
        let t = lowercase ? text.lowercased() : text
        return t.split(whereSeparator: { $0.isWhitespace || $0 == wordStart }).joined(separator: " ")
    }

    /// Cuts a sentence into pieces (strings before id lookup).
    public static func pieces(_ text: String, tokenization: TextTokenization, lowercase: Bool) -> [String] {
        let normalized = normalize(text, lowercase: lowercase)
        switch tokenization {
        case .char:
            return normalized.map { String($0) }
        case .word:
            var out: [String] = []
            var current = ""
            var atWordStart = true
            func flush() { if !current.isEmpty { out.append(current); current = "" } }
            for ch in normalized {
                if ch == " " { flush(); atWordStart = true; continue }
                let mark = atWordStart ? String(wordStart) : ""
                atWordStart = false
                if isWordCharacter(ch) && !isHan(ch) {
                    if current.isEmpty { current = mark }
                    current.append(ch)
                } else {
                    flush()
                    out.append(mark + String(ch))
                }
            }
            flush()
            return out
        }
    }

    /// Pieces back to text: word level concatenates and turns ▁ into spaces; char level concatenates.
    public static func join(_ pieces: [String], tokenization: TextTokenization) -> String {
        let joined = pieces.joined()
        switch tokenization {
        case .char: return joined
        case .word:
            var s = String(joined.map { $0 == wordStart ? " " : $0 })
            while s.first == " " { s.removeFirst() }
            return s
        }
    }

    /// Letters, digits and combining marks make up words; everything else is a one-character token.
    static func isWordCharacter(_ ch: Character) -> Bool { ch.isLetter || ch.isNumber }
    static func isHan(_ ch: Character) -> Bool { ch.unicodeScalars.first.map(TextTokenization.isCJK) ?? false }
}
