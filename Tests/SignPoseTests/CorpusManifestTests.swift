import Foundation
import Testing
import SignPose

@Suite("Corpus manifest")
struct CorpusManifestTests {
    static func parse(_ text: String) throws -> CorpusManifest {
        try CorpusManifest.parse(Array(text.utf8), file: "corpus.jsonl", baseDirectory: "/data")
    }

    /// The error `text` raises (fails the test when it parses).
    static func error(_ text: String) -> CorpusError? {
        do { _ = try parse(text); return nil } catch let e as CorpusError { return e } catch { return nil }
    }

    @Test func parsesEveryField() throws {
        let m = try Self.parse("""
        {"id": "a", "pose": "poses/a.pose", "text": "am tag \\"x\\" \\u00fc \\ud83d\\ude00", "language": "gsg", "label": "DAY", "glosses": ["TAG", "AM"], "split": "train", "start": 3, "end": 40}

        {"id": "b", "pose": "/abs/b.pose", "text": null, "speaker": {"age": 31, "ok": true}, "tags": [1, 2.5]}\r
        """)
        #expect(m.entries.count == 2)
        let a = m.entries[0]
        #expect(a.id == "a" && a.pose == "poses/a.pose" && a.text == "am tag \"x\" ü 😀" && a.language == "gsg")
        #expect(a.label == "DAY" && a.glosses == ["TAG", "AM"] && a.split == "train" && a.start == 3 && a.end == 40)
        #expect(a.extra.isEmpty)
        let b = m.entries[1]
        #expect(b.text == nil && b.glosses == nil && b.start == nil)
        #expect(b.extra.map(\.0) == ["speaker", "tags"])
        #expect(b.extra[1].1 == .array([.number(1), .number(2.5)]))
        #expect(m.posePath(of: a) == "/data/poses/a.pose")
        #expect(m.posePath(of: b) == "/abs/b.pose")
    }

    @Test func writeReadRoundTripKeepsUnknownFields() throws {
        let m = try Self.parse("""
        {"id": "a", "pose": "a.pose", "extra": {"k": [true, null, "v\\n"]}, "glosses": [], "end": 7}
        {"id": "b", "pose": "b.pose", "language": "ase", "score": -1.5e-3}
        """)
        let dir = try Fixtures.temporaryDirectory()
        let url = URL(fileURLWithPath: dir + "/out.jsonl")
        try m.write(to: url)
        let back = try CorpusManifest.read(url)
        #expect(back.entries == m.entries)
        #expect(back.baseDirectory == dir)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == """
        {"id":"a","pose":"a.pose","glosses":[],"end":7,"extra":{"k":[true,null,"v\\n"]}}
        {"id":"b","pose":"b.pose","language":"ase","score":-0.0015}

        """)
        // Nothing but the committed file is left in the folder (temp file renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.jsonl"])
    }

    @Test func errorNamesFileLineAndField() throws {
        let e = Self.error("""
        {"id": "a", "pose": "a.pose"}

        {"id": "b", "pose": "b.pose", "glosses": 3}
        """)
        #expect(e?.description == "corpus.jsonl:3: field \"glosses\": expected array of strings, got a number")
        #expect(e?.kind == .wrongType && e?.line == 3 && e?.field == "glosses")
    }

    @Test(arguments: [
        // (line, expected kind, expected field, expected description suffix)
        (#"{"id": "a", "pose": "a.pose""#, CorpusError.Kind.invalidJSON, nil as String?, "invalid JSON at column 29: unexpected end of the line inside an object"),
        (#"{"id": "a", "pose": "a.pose"} x"#, .invalidJSON, nil, "invalid JSON at column 31: unexpected text after the JSON value"),
        (#"{"id": "a", "id": "b", "pose": "a.pose"}"#, .invalidJSON, nil, "invalid JSON at column 13: duplicate key \"id\""),
        (#"{"id": 'a'}"#, .invalidJSON, nil, "invalid JSON at column 8: unexpected character '''"),
        (#"{"id": NaN, "pose": "a"}"#, .invalidJSON, nil, "invalid JSON at column 8: unexpected character 'N'"),
        (#"{"id": "a", "pose": "a", "start": 01}"#, .invalidJSON, nil, "invalid JSON at column 35: leading zero in a number"),
        (#"["a.pose"]"#, .invalidJSON, nil, "expected a JSON object, got an array"),
        (#"{"pose": "a.pose"}"#, .missingField, "id", "missing (required)"),
        (#"{"id": "a"}"#, .missingField, "pose", "missing (required)"),
        (#"{"id": 7, "pose": "a.pose"}"#, .wrongType, "id", "expected a string, got a number"),
        (#"{"id": "", "pose": "a.pose"}"#, .invalidValue, "id", "must not be empty"),
        (#"{"id": "a", "pose": ["a.pose"]}"#, .wrongType, "pose", "expected a string, got an array"),
        (#"{"id": "a", "pose": "a", "text": 5}"#, .wrongType, "text", "expected a string, got a number"),
        (#"{"id": "a", "pose": "a", "language": true}"#, .wrongType, "language", "expected a string, got a boolean"),
        (#"{"id": "a", "pose": "a", "label": {"name": "x"}}"#, .wrongType, "label", "expected a string, got an object"),
        (#"{"id": "a", "pose": "a", "split": 1}"#, .wrongType, "split", "expected a string, got a number"),
        (#"{"id": "a", "pose": "a", "glosses": "A B"}"#, .wrongType, "glosses", "expected array of strings, got a string"),
        (#"{"id": "a", "pose": "a", "glosses": ["A", 2]}"#, .wrongType, "glosses", "expected array of strings, element 1 is a number"),
        (#"{"id": "a", "pose": "a", "start": "3"}"#, .wrongType, "start", "expected a non-negative integer, got a string"),
        (#"{"id": "a", "pose": "a", "start": -1}"#, .invalidValue, "start", "expected a non-negative integer frame index, got -1"),
        (#"{"id": "a", "pose": "a", "end": 2.5}"#, .invalidValue, "end", "expected a non-negative integer frame index, got 2.5"),
        (#"{"id": "a", "pose": "a", "start": 5, "end": 5}"#, .invalidValue, "end", "end 5 must be greater than start 5 (the range is [start, end))"),
    ])
    func everyErrorKind(line: String, kind: CorpusError.Kind, field: String?, reason: String) throws {
        let e = Self.error(#"{"id": "first", "pose": "f.pose"}"# + "\n" + line + "\n")
        #expect(e != nil, "\(line) was accepted")
        #expect(e?.kind == kind && e?.field == field && e?.line == 2 && e?.file == "corpus.jsonl", "\(String(describing: e))")
        #expect(e?.reason == reason, "\(String(describing: e?.reason))")
    }

    @Test func duplicateIDNamesBothLines() throws {
        let e = Self.error("""
        {"id": "x", "pose": "1.pose"}
        {"id": "y", "pose": "2.pose"}
        {"id": "x", "pose": "3.pose"}
        """)
        #expect(e?.description == "corpus.jsonl:3: field \"id\": duplicate id \"x\" (first on line 1)")
        #expect(e?.kind == .duplicateID)
    }

    @Test func missingFileAndWriteRefusals() throws {
        let dir = try Fixtures.temporaryDirectory()
        #expect(throws: CorpusError(dir + "/none.jsonl", .io, "no such file")) {
            try CorpusManifest.read(URL(fileURLWithPath: dir + "/none.jsonl"))
        }
        let dup = CorpusManifest(entries: [ManifestEntry(id: "a", pose: "a"), ManifestEntry(id: "a", pose: "b")], baseDirectory: dir)
        #expect(throws: CorpusError.self) { try dup.write(to: URL(fileURLWithPath: dir + "/dup.jsonl")) }
        let badRange = CorpusManifest(entries: [ManifestEntry(id: "a", pose: "a", start: 4, end: 2)], baseDirectory: dir)
        #expect(throws: CorpusError.self) { try badRange.write(to: URL(fileURLWithPath: dir + "/bad.jsonl")) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/dup.jsonl") && !FileManager.default.fileExists(atPath: dir + "/bad.jsonl"))
    }

    @Test func emptyAndBlankLinesAndBOM() throws {
        #expect(try Self.parse("").entries.isEmpty)
        let m = try CorpusManifest.parse([0xEF, 0xBB, 0xBF] + Array("\n  \n{\"id\":\"a\",\"pose\":\"p\"}".utf8), file: "c.jsonl", baseDirectory: ".")
        #expect(m.entries.map(\.id) == ["a"])
        let e = try #require(Self.error("\n\n{\"id\":\"a\"}"))
        #expect(e.line == 3)
    }
}
