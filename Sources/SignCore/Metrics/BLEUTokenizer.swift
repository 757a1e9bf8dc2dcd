/// sacreBLEU's tokenizers (sacrebleu 2.x, `sacrebleu/tokenizers/`), ported scalar for scalar so corpus
/// BLEU here equals `sacrebleu.metrics.BLEU(tokenize=…)`.
///
/// - `13a` (sacreBLEU's default, mteval-v13a.pl): drop `<skipped>`, join `-\n`, newlines → spaces,
///   unescape `&quot; &amp; &lt; &gt;` (in that order, only when the line has `&`), pad with spaces,
///   then the regexp post-tokenizer below.
/// - `zh` (Chinese): strip, put spaces around every "Chinese character" (the ranges below), then the
///   same post-tokenizer. The ranges are what sacreBLEU's `_is_chinese_char` really accepts: its
///   table writes `'\u20000'` and `'\u2f800'` (two-character strings in Python), so its string
///   comparisons accept U+2001–2A6D (general punctuation such as “ ” … —, currency signs, arrows,
///   maths symbols) and U+2F81–2FA1, and never the supplementary planes (CJK Extension B). We keep
///   that behaviour, found by enumerating every code point through the Python function.
/// - `none`: whitespace split only.
///
/// Post-tokenizer (`TokenizerRegexp`), four substitutions applied in order, each scanning left to
/// right without overlap as Python's `re.sub` does:
///   1. `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 `   (ASCII punctuation except `' - . ,`, and space)
///   2. `([^0-9])([\.,])` → `\1 \2 `               (period/comma after a non-digit)
///   3. `([\.,])([^0-9])` → ` \1 \2`               (period/comma before a non-digit)
///   4. `([0-9])(-)` → `\1 \2 `                   (dash after a digit)
/// then `' '.join(line.split())` with Python's whitespace (`PythonText`).
public enum BLEUTokenizer: String, CaseIterable, Sendable {
    case thirteenA = "13a"
    case zh
    case none

    /// Tokens of one segment after sacreBLEU's `_preprocess_segment` (`rstrip`, optional lowercasing).
    public func tokenize(_ line: String, lowercase: Bool = false) -> [String] {
        var s = PythonText.rstrip(Array((lowercase ? line.lowercased() : line).unicodeScalars))
        switch self {
        case .none:
            return PythonText.split(s)
        case .thirteenA:
            s = PythonText.replace(s, "<skipped>", "")
            s = PythonText.replace(s, "-\n", "")
            s = PythonText.replace(s, "\n", " ")
            if s.contains("&") {
                s = PythonText.replace(s, "&quot;", "\"")
                s = PythonText.replace(s, "&amp;", "&")
                s = PythonText.replace(s, "&lt;", "<")
                s = PythonText.replace(s, "&gt;", ">")
            }
            return Self.postTokenize([" "] + s + [" "])
        case .zh:
            var spaced: [Unicode.Scalar] = []
            spaced.reserveCapacity(s.count * 2)
            for c in PythonText.strip(s) {
                if Self.isChineseCharacter(c) { spaced += [" ", c, " "] } else { spaced.append(c) }
            }
            return Self.postTokenize(spaced)
        }
    }

    /// The tokenized line as sacreBLEU returns it (tokens joined by single spaces).
    public func tokenizedLine(_ line: String, lowercase: Bool = false) -> String {
        tokenize(line, lowercase: lowercase).joined(separator: " ")
    }

    /// Code point ranges sacreBLEU's `zh` tokenizer treats as Chinese characters (see the type doc).
    public static let chineseRanges: [ClosedRange<UInt32>] = [
        0x2001...0x2A6D, 0x2E80...0x2FDF, 0x2FF0...0x303F, 0x3100...0x312F, 0x31A0...0x31EF,
        0x3200...0x4DB5, 0x4E00...0x9FBB, 0xF900...0xFA2D, 0xFA30...0xFA6A, 0xFA70...0xFAD9,
        0xFE10...0xFE1F, 0xFE30...0xFE4F, 0xFF00...0xFFEF,
    ]

    public static func isChineseCharacter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        guard v >= 0x2001 && v <= 0xFFEF else { return false }
        return chineseRanges.contains { $0.contains(v) }
    }

    @inline(__always) static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
    @inline(__always) static func isPeriodOrComma(_ s: Unicode.Scalar) -> Bool { s == "." || s == "," }

    /// Substitution 1's character class.
    @inline(__always) static func isSplitPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    /// The four regexp substitutions, then the whitespace split.
    static func postTokenize(_ input: [Unicode.Scalar]) -> [String] {
        // 1. ASCII punctuation gets spaces on both sides.
        var a: [Unicode.Scalar] = []
        a.reserveCapacity(input.count * 2)
        for c in input {
            if isSplitPunctuation(c) { a += [" ", c, " "] } else { a.append(c) }
        }
        // 2. ([^0-9])([\.,]) → "\1 \2 "
        var b: [Unicode.Scalar] = []
        b.reserveCapacity(a.count + 8)
        var i = 0
        while i < a.count {
            if i + 1 < a.count && !isDigit(a[i]) && isPeriodOrComma(a[i + 1]) {
                b += [a[i], " ", a[i + 1], " "]
                i += 2
            } else {
                b.append(a[i]); i += 1
            }
        }
        // 3. ([\.,])([^0-9]) → " \1 \2"
        var c: [Unicode.Scalar] = []
        c.reserveCapacity(b.count + 8)
        i = 0
        while i < b.count {
            if i + 1 < b.count && isPeriodOrComma(b[i]) && !isDigit(b[i + 1]) {
                c += [" ", b[i], " ", b[i + 1]]
                i += 2
            } else {
                c.append(b[i]); i += 1
            }
        }
        // 4. ([0-9])(-) → "\1 \2 "
        var d: [Unicode.Scalar] = []
        d.reserveCapacity(c.count + 8)
        i = 0
        while i < c.count {
            if i + 1 < c.count && isDigit(c[i]) && c[i + 1] == "-" {
                d += [c[i], " ", c[i + 1], " "]
                i += 2
            } else {
                d.append(c[i]); i += 1
            }
        }
        return PythonText.split(d)
    }
}
