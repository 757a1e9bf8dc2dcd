import Foundation

/// BERT's text cleanup and word splitting, the rules of Hugging Face `tokenizers`' `BertNormalizer`
/// followed by `BertPreTokenizer` (the fast tokenizer every BERT `tokenizer.json` names), applied to
/// Unicode scalars (never to Swift `Character`s, whose canonical equivalence would merge strings the
/// reference keeps apart):
///
/// 1. clean text: drop U+0000, U+FFFD and control characters (categories Cc, Cf, Co, except
///    `\t \n \r`); every whitespace scalar (`\t \n \r` or Unicode White_Space) becomes a space;
/// 2. CJK ideographs (the blocks listed in `isCJKIdeograph`) get a space on each side, so each is
///    its own word;
/// 3. strip accents (default: when lower-casing): canonical decomposition (NFD), then drop every
///    nonspacing mark (category Mn);
/// 4. lower-case each scalar with its full Unicode lowercase mapping (context-free: `Σ` → `σ`);
/// 5. split on whitespace (dropped) and around punctuation (kept, one scalar per word), where
///    punctuation is ASCII punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`) or any Unicode P*.
/// WordPiece (`WordPiece`) then cuts each word into vocabulary pieces.
public struct BasicTokenizer: Sendable, Equatable {
    public var lowercase: Bool
    public var stripAccents: Bool
    public var splitCJK: Bool
    public var cleanText: Bool

    /// `stripAccents: nil` follows `lowercase`, like Hugging Face's `strip_accents: null`.
    public init(lowercase: Bool = true, stripAccents: Bool? = nil, splitCJK: Bool = true, cleanText: Bool = true) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents ?? lowercase
        self.splitCJK = splitCJK
        self.cleanText = cleanText
    }

    /// Steps 1–4: the normalized scalars.
    public func normalize(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count + 8)
        var ascii = true
        for s in text.unicodeScalars {
            var s = s
            if cleanText {
                if s.value == 0 || s.value == 0xFFFD || isControl(s) { continue }
                if isWhitespace(s) { s = " " }
            }
            if splitCJK && isCJKIdeograph(s) {
                out.append(" "); out.append(s); out.append(" ")
            } else {
                out.append(s)
            }
            if s.value >= 0x80 { ascii = false }
        }
        if stripAccents && !ascii {
            let decomposed = String(String.UnicodeScalarView(out)).decomposedStringWithCanonicalMapping
            out = decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        }
        if lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(out.count)
            for s in out {
                if s.value < 0x80 {
                    lowered.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
                } else {
                    lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                }
            }
            out = lowered
        }
        return out
    }

    /// Steps 1–5: the words, each an array of scalars.
    public func words(_ text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for s in normalize(text) {
            if isWhitespace(s) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if isPunctuation(s) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([s])
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The words as strings (for inspection and tests).
    public func tokenize(_ text: String) -> [String] {
        words(text).map { String(String.UnicodeScalarView($0)) }
    }
}

/// `\t`, `\n`, `\r` or a scalar with the Unicode White_Space property.
@inline(__always) func isWhitespace(_ s: Unicode.Scalar) -> Bool {
    s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
}

/// A control, format or private-use scalar (Cc, Cf, Co), except `\t \n \r` (which count as whitespace).
@inline(__always) func isControl(_ s: Unicode.Scalar) -> Bool {
    if s == "\t" || s == "\n" || s == "\r" { return false }
    if s.value >= 0x20 && s.value < 0x7F { return false }
    switch s.properties.generalCategory {
    case .control, .format, .privateUse: return true
    default: return false
    }
}

/// ASCII punctuation (symbols like `$ + < = > ^ ` | ~` included) or a Unicode punctuation scalar (P*).
@inline(__always) func isPunctuation(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    if (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v) { return true }
    if v < 0x80 { return false }
    switch s.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
         .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
    default: return false
    }
}

/// The CJK ideograph blocks BERT splits into single-character words: CJK Unified Ideographs
/// (4E00–9FFF), Extension A (3400–4DBF), Extensions B–E (20000–2A6DF, 2A700–2B73F, 2B740–2B81F,
/// 2B920–2CEAF), and the Compatibility Ideographs (F900–FAFF, 2F800–2FA1F) — the ranges of
/// `tokenizers`' `is_chinese_char`. Hangul, Hiragana and Katakana are not in them.
@inline(__always) func isCJKIdeograph(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
         0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
    default: return false
    }
}
