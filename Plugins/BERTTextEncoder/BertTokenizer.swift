import Foundation

/// Text → BERT input ids: `[CLS] pieces… [SEP]`, cut to `maxLength` ids in all (the pieces are
/// truncated, the two special tokens always kept).
///
/// Special tokens written in the text itself (`[MASK]`, `[SEP]`, …: the added tokens of
/// `tokenizer.json`, or the special tokens of `tokenizer_config.json`) are matched verbatim on the
/// raw text first — leftmost, longest — and map straight to their ids, like the `tokenizers`
/// library; the text between them goes through `BasicTokenizer` and `WordPiece`.
public struct BertTokenizer: Sendable {
    public let basic: BasicTokenizer
    public let vocabulary: WordPiece
    public let clsID: Int32
    public let sepID: Int32
    public let padID: Int32
    /// Tokens matched verbatim in raw text, with their ids.
    public let specialTokens: [(text: String, id: Int32)]
    /// Most ids per text, [CLS] and [SEP] included.
    public let maxLength: Int

    public init(basic: BasicTokenizer, vocabulary: WordPiece, cls: String = "[CLS]", sep: String = "[SEP]",
                pad: String = "[PAD]", specialTokens: [String]? = nil, maxLength: Int = 512) throws {
        guard maxLength >= 2 else { throw BERTError("maxLength must be at least 2 ([CLS] and [SEP]), got \(maxLength)") }
        func id(_ t: String) throws -> Int32 {
            guard let i = vocabulary.id(of: t) else { throw BERTError("the vocabulary has no \(quoted(t)) token") }
            return i
        }
        self.basic = basic
        self.vocabulary = vocabulary
        clsID = try id(cls)
        sepID = try id(sep)
        padID = try id(pad)
        let names = specialTokens ?? [pad, vocabulary.tokens[Int(vocabulary.unknownID)], cls, sep, "[MASK]"]
        self.specialTokens = names.compactMap { t in vocabulary.id(of: t).map { (t, $0) } }
            .filter { !$0.0.isEmpty }
        self.maxLength = maxLength
    }

    /// The ids of `text`: [CLS], at most maxLength − 2 pieces, [SEP].
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [clsID]
        for segment in splitOnSpecialTokens(text) {
            switch segment {
            case .special(let id): ids.append(id)
            case .text(let t):
                for word in basic.words(t) { vocabulary.pieces(word, into: &ids) }
            }
            if ids.count > maxLength - 1 { break }
        }
        if ids.count > maxLength - 1 { ids.removeSubrange((maxLength - 1)...) }
        ids.append(sepID)
        return ids
    }

    /// The token texts of `encode(text)`.
    public func tokens(_ text: String) -> [String] { encode(text).map { vocabulary.tokens[Int($0)] } }

    enum Segment: Equatable { case text(String), special(Int32) }

    /// The raw text cut at verbatim special tokens (leftmost match, the longest one at a position).
    func splitOnSpecialTokens(_ text: String) -> [Segment] {
        let firstScalars = Set(specialTokens.compactMap { $0.text.unicodeScalars.first })
        guard text.unicodeScalars.contains(where: { firstScalars.contains($0) }) else { return [.text(text)] }
        let scalars = Array(text.unicodeScalars)
        let patterns = specialTokens.map { (Array($0.text.unicodeScalars), $0.id) }
        var segments: [Segment] = []
        var textStart = 0, i = 0
        while i < scalars.count {
            var best: (length: Int, id: Int32)?
            for (p, id) in patterns where p.count <= scalars.count - i && p.count > (best?.length ?? 0) {
                if scalars[i..<(i + p.count)].elementsEqual(p) { best = (p.count, id) }
            }
            if let b = best {
                if textStart < i { segments.append(.text(String(String.UnicodeScalarView(scalars[textStart..<i])))) }
                segments.append(.special(b.id))
                i += b.length
                textStart = i
            } else {
                i += 1
            }
        }
        if textStart < scalars.count { segments.append(.text(String(String.UnicodeScalarView(scalars[textStart...])))) }
        return segments
    }
}

extension BertTokenizer {
    /// Loads a Hugging Face tokenizer folder: the vocabulary from `vocab.txt` (one token per line,
    /// id = line number) or else from `tokenizer.json`'s WordPiece model; the normalizer flags from
    /// `tokenizer.json`'s `BertNormalizer` or else `tokenizer_config.json` (`do_lower_case`,
    /// `strip_accents`, `tokenize_chinese_chars`; defaults: lower-case, strip accents, split CJK);
    /// the verbatim special tokens from `tokenizer.json`'s `added_tokens` (else the standard five).
    public static func load(folder: URL, maxLength: Int) throws -> BertTokenizer {
        let fm = FileManager.default
        let vocabURL = folder.appendingPathComponent("vocab.txt")
        let tokenizerJSONURL = folder.appendingPathComponent("tokenizer.json")
        let configURL = folder.appendingPathComponent("tokenizer_config.json")
        let tokenizerJSON = fm.fileExists(atPath: tokenizerJSONURL.path) ? try readJSONObject(tokenizerJSONURL) : nil
        let config = fm.fileExists(atPath: configURL.path) ? try readJSONObject(configURL) : [:]

        var basic = BasicTokenizer(lowercase: try jsonBool(config, "do_lower_case", file: configURL) ?? true,
                                   stripAccents: try jsonBool(config, "strip_accents", file: configURL),
                                   splitCJK: try jsonBool(config, "tokenize_chinese_chars", file: configURL) ?? true)
        if let normalizer = tokenizerJSON?["normalizer"] as? [String: Any], normalizer["type"] as? String == "BertNormalizer" {
            let lower = try jsonBool(normalizer, "lowercase", file: tokenizerJSONURL) ?? true
            basic = BasicTokenizer(lowercase: lower,
                                   stripAccents: try jsonBool(normalizer, "strip_accents", file: tokenizerJSONURL),
                                   splitCJK: try jsonBool(normalizer, "handle_chinese_chars", file: tokenizerJSONURL) ?? true,
                                   cleanText: try jsonBool(normalizer, "clean_text", file: tokenizerJSONURL) ?? true)
        }

        let names = { (key: String, fallback: String) -> String in
            if let s = config[key] as? String { return s }
            if let d = config[key] as? [String: Any], let s = d["content"] as? String { return s }
            return fallback
        }
        let model = tokenizerJSON?["model"] as? [String: Any]
        let unk = (model?["unk_token"] as? String) ?? names("unk_token", "[UNK]")
        let prefix = (model?["continuing_subword_prefix"] as? String) ?? "##"
        let maxWord = (model?["max_input_chars_per_word"] as? NSNumber)?.intValue ?? 100

        let tokens: [String]
        if fm.fileExists(atPath: vocabURL.path) {
            tokens = try readVocabulary(vocabURL)
        } else if let vocab = model?["vocab"] as? [String: Any] {
            var byID = [String?](repeating: nil, count: vocab.count)
            for (t, v) in vocab {
                guard let i = (v as? NSNumber)?.intValue, i >= 0, i < vocab.count, byID[i] == nil else {
                    throw BERTError("\(tokenizerJSONURL.path): model.vocab ids must be 0..<\(vocab.count), each once; \(quoted(t)) has \(v)")
                }
                byID[i] = t
            }
            tokens = byID.map { $0! }
        } else {
            throw BERTError("\(folder.path) has no vocab.txt (and no tokenizer.json with a WordPiece vocabulary)")
        }
        let vocabulary = try WordPiece(tokens: tokens, unknown: unk, continuationPrefix: prefix, maxWordLength: maxWord)

        var special: [String]?
        if let added = tokenizerJSON?["added_tokens"] as? [[String: Any]] {
            special = added.compactMap { $0["content"] as? String }
        }
        do {
            return try BertTokenizer(basic: basic, vocabulary: vocabulary, cls: names("cls_token", "[CLS]"),
                                     sep: names("sep_token", "[SEP]"), pad: names("pad_token", "[PAD]"),
                                     specialTokens: special, maxLength: maxLength)
        } catch let e as BERTError {
            throw BERTError("\(folder.path): \(e.message)")
        }
    }

    /// `vocab.txt`: one token per line (trailing whitespace and `\r` removed), id = line index.
    static func readVocabulary(_ url: URL) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BERTError("cannot read \(url.path): \((error as NSError).localizedDescription)")
        }
        var tokens: [String] = []
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        tokens.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated() {
            var end = line.endIndex
            while end > line.startIndex, [0x20, 0x09, 0x0D, 0x0B, 0x0C].contains(line[end - 1]) { end -= 1 }
            guard let s = String(validating: line[line.startIndex..<end], as: UTF8.self) else {
                throw BERTError("\(url.path):\(n + 1): not valid UTF-8")
            }
            tokens.append(s)
        }
        guard !tokens.isEmpty else { throw BERTError("\(url.path) is empty") }
        return tokens
    }
}
