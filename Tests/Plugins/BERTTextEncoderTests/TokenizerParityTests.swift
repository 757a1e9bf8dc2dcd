import Foundation
import Testing
import SignTestSupport
import BERTTextEncoder

/// Token ids against the Hugging Face `tokenizers` library (Rust) running the model folder's own
/// `tokenizer.json`, over the committed multilingual sentence list Tests/Fixtures/text/
/// tokenizer_sentences.json (English, German, Chinese, Japanese, Korean, Greek, Arabic, Hebrew,
/// Russian, Hindi, Thai, Vietnamese, accents, punctuation, symbols, emoji, control and special
/// characters, words over 100 characters, a paragraph longer than the limit). Python runs at test
/// time; a missing `tokenizers` or model package fails the test (scripts/setup installs both).
@Suite("BERT tokenizer parity with Hugging Face tokenizers")
struct TokenizerParityTests {
    static let script = """
    import json, sys
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(sys.argv[1])
    tok.no_padding()
    sentences = json.load(open(sys.argv[2], encoding="utf-8"))
    out = {}
    for limit in sys.argv[3:]:
        tok.enable_truncation(max_length=int(limit))
        out[limit] = [e.ids for e in tok.encode_batch(sentences, add_special_tokens=True)]
    print(json.dumps(out))
    """

    @Test(arguments: [512, 256, 16])
    func idsMatchTokenizersLibrary(maxLength: Int) throws {
        let folder = try MiniLM.folder.get()
        let sentencesURL = textFixture("tokenizer_sentences.json")
        let sentences = try JSONSerialization.jsonObject(with: Data(contentsOf: sentencesURL)) as! [String]
        #expect(sentences.count == 50)
        let out = try Python.run(Self.script, arguments: [folder.appendingPathComponent("tokenizer.json").path, sentencesURL.path, String(maxLength)],
                                 requiring: ["tokenizers"])
        let reference = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: [[Int]]]
        let expected = try #require(reference[String(maxLength)])
        let tokenizer = try BertTokenizer.load(folder: folder, maxLength: maxLength)
        var mismatches: [String] = []
        for (s, ids) in zip(sentences, expected) {
            let mine = tokenizer.encode(s).map(Int.init)
            if mine != ids {
                mismatches.append("\(s.debugDescription.prefix(80)): swift \(tokenizer.tokens(s)) vs \(ids.map { tokenizer.vocabulary.tokens[$0] })")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(sentences.count) differ:\n\(mismatches.joined(separator: "\n"))")
        // The list really exercises truncation and unknown words at every limit tested.
        #expect(expected.contains { $0.count == maxLength })
        #expect(expected.contains { $0.contains(100) })   // [UNK]
    }
}
