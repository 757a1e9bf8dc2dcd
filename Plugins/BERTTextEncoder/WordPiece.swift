/// A WordPiece vocabulary and its greedy longest-match-first cutter (BERT's `WordpieceTokenizer`,
/// `tokenizers`' `WordPiece` model).
///
/// A word of more than `maxWordLength` scalars is `[UNK]`. Otherwise, from the word's start, the
/// longest prefix that is in the vocabulary is taken, then the longest vocabulary entry
/// `##` + rest-prefix, and so on; if some position has no match the whole word is `[UNK]`.
/// Lookups compare UTF-8 bytes exactly, like the reference (Swift `String` equality would treat
/// canonically equivalent spellings, e.g. a Hangul syllable and its jamo, as equal).
public struct WordPiece: Sendable {
    /// Token text by id.
    public let tokens: [String]
    public let unknownID: Int32
    public let continuationPrefix: String
    public let maxWordLength: Int
    private let ids: [VocabKey: Int32]
    /// The longest entry in scalars: no candidate longer than this is looked up.
    private let longestEntry: Int

    /// `tokens[i]` gets id i; a repeated token keeps its last id (like the reference loaders).
    public init(tokens: [String], unknown: String = "[UNK]", continuationPrefix: String = "##", maxWordLength: Int = 100) throws {
        var ids: [VocabKey: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        var longest = 0
        for (i, t) in tokens.enumerated() {
            ids[VocabKey(Array(t.utf8))] = Int32(i)
            longest = max(longest, t.unicodeScalars.count)
        }
        guard let unk = ids[VocabKey(Array(unknown.utf8))] else {
            throw BERTError("the vocabulary (\(tokens.count) tokens) has no unknown token \(quoted(unknown))")
        }
        self.tokens = tokens
        self.ids = ids
        self.unknownID = unk
        self.continuationPrefix = continuationPrefix
        self.maxWordLength = maxWordLength
        self.longestEntry = longest
    }

    public var count: Int { tokens.count }

    /// The id of `token`, compared byte for byte.
    public func id(of token: String) -> Int32? { ids[VocabKey(Array(token.utf8))] }

    /// Appends the ids of `word`'s pieces to `out`.
    public func pieces(_ word: [Unicode.Scalar], into out: inout [Int32]) {
        let n = word.count
        guard n > 0 else { return }
        guard n <= maxWordLength else { out.append(unknownID); return }
        var bytes: [UInt8] = []
        var offsets = [0]
        offsets.reserveCapacity(n + 1)
        for s in word {
            UTF8.encode(s, into: { bytes.append($0) })
            offsets.append(bytes.count)
        }
        let prefix = Array(continuationPrefix.utf8)
        let prefixScalars = continuationPrefix.unicodeScalars.count
        let mark = out.count
        var candidate: [UInt8] = []
        candidate.reserveCapacity(bytes.count + prefix.count)
        var start = 0
        while start < n {
            let extra = start > 0 ? prefixScalars : 0
            var end = min(n, start + max(0, longestEntry - extra))
            var found: Int32?
            while end > start {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate.append(contentsOf: prefix) }
                candidate.append(contentsOf: bytes[offsets[start]..<offsets[end]])
                if let id = ids[VocabKey(candidate)] { found = id; break }
                end -= 1
            }
            guard let id = found else {
                out.removeSubrange(mark...)
                out.append(unknownID)
                return
            }
            out.append(id)
            start = end
        }
    }
}

/// UTF-8 bytes as a dictionary key (exact comparison, no Unicode equivalence).
private struct VocabKey: Hashable, Sendable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}
