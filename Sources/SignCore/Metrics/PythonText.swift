/// Text primitives with Python 3 `str` semantics, so metrics ported from Python tools (sacreBLEU,
/// the SLT ROUGE scripts) see the same code points and the same whitespace.
///
/// Python strings are sequences of Unicode scalars (not grapheme clusters), and `str.split()` /
/// `str.strip()` use `Py_UNICODE_ISSPACE`: U+0009–000D, U+001C–001F, U+0020, U+0085, U+00A0,
/// U+1680, U+2000–200A, U+2028, U+2029, U+202F, U+205F, U+3000 (listed by enumerating every code
/// point through `chr(c).isspace()` with CPython 3). Swift's `Character.isWhitespace` differs (it
/// treats "\r\n" as one character and leaves out U+001C–001F), hence these helpers.
public enum PythonText {
    /// Whether `s` is whitespace for Python's `str.isspace()`.
    @inline(__always) public static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// `line.split()`: the maximal runs of non-whitespace scalars.
    public static func split(_ scalars: [Unicode.Scalar]) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        for s in scalars {
            if isSpace(s) {
                if !current.isEmpty { out.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }

    public static func split(_ line: String) -> [String] { split(Array(line.unicodeScalars)) }

    /// `line.rstrip()` on scalars.
    public static func rstrip(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var end = scalars.count
        while end > 0 && isSpace(scalars[end - 1]) { end -= 1 }
        return Array(scalars[0..<end])
    }

    /// `line.strip()` on scalars.
    public static func strip(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var start = 0
        let r = rstrip(scalars)
        while start < r.count && isSpace(r[start]) { start += 1 }
        return Array(r[start...])
    }

    /// `line.replace(pattern, replacement)`: every non-overlapping occurrence, scanned left to right.
    public static func replace(_ scalars: [Unicode.Scalar], _ pattern: String, _ replacement: String) -> [Unicode.Scalar] {
        let p = Array(pattern.unicodeScalars), r = Array(replacement.unicodeScalars)
        guard !p.isEmpty, scalars.count >= p.count else { return scalars }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            if i + p.count <= scalars.count && scalars[i] == p[0] && Array(scalars[i..<(i + p.count)]) == p {
                out += r
                i += p.count
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return out
    }
}
