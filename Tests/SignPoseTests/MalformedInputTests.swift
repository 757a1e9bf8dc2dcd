import Foundation
import Testing
import SignPose

/// Bad input: each case mutates a valid small file (or builds bytes in the test) and expects a
/// `PoseError` of a given kind that names the file and says what is wrong.
@Suite("Malformed input")
struct MalformedInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var kind: PoseError.Kind
        /// A phrase the reason must contain.
        var says: String
        /// Decodes the mutated bytes with `file` as the source name; must throw.
        var decode: @Sendable (_ file: String) throws -> Void
    }

    // MARK: Byte surgery on a valid file

    static func valid(_ name: String) -> [UInt8] { (try? Fixtures.bytes(name)) ?? [] }
    /// fs-sts00486… : v0.2, 7 frames, 1 person, 75 points, XYZC.
    static let v02 = valid(Fixtures.fingerspelling75)
    static let v02Body: Int = (try? PoseFormat.decodeHeader(v02).bodyOffset) ?? 0
    static let v02Data = v02Body + 10               // after fps, frames, people
    static let v02Conf = v02Data + 7 * 75 * 3 * 4
    /// mediapipe.pose: v0.1, reduced holistic.
    static let v01 = valid(Fixtures.reducedV01)
    static let v01Body: Int = (try? PoseFormat.decodeHeader(v01).bodyOffset) ?? 0
    /// openpose.pose: v0.0.
    static let v00 = valid(Fixtures.openpose)

    static func patched(_ b: [UInt8], at offset: Int, u32 value: UInt32) -> [UInt8] {
        var b = b
        for i in 0..<4 { b[offset + i] = UInt8((value >> (8 * UInt32(i))) & 0xFF) }
        return b
    }
    static func patched(_ b: [UInt8], at offset: Int, u16 value: UInt16) -> [UInt8] {
        var b = b
        b[offset] = UInt8(value & 0xFF); b[offset + 1] = UInt8(value >> 8)
        return b
    }
    static func patched(_ b: [UInt8], at offset: Int, f32 value: Float) -> [UInt8] { patched(b, at: offset, u32: value.bitPattern) }
    static func lengthPrefixed(_ s: [UInt8]) -> [UInt8] { [UInt8(s.count & 0xFF), UInt8(s.count >> 8)] + s }
    /// Replaces the first length-prefixed string `old` by `new` (the rest of the file shifts with it).
    static func replacingString(_ b: [UInt8], _ old: String, _ new: [UInt8]) -> [UInt8] {
        let o = lengthPrefixed(Array(old.utf8))
        for i in 0...(b.count - o.count) where Array(b[i..<(i + o.count)]) == o {
            return Array(b[..<i]) + lengthPrefixed(new) + Array(b[(i + o.count)...])
        }
        return b
    }
    static func pose(_ bytes: [UInt8]) -> @Sendable (String) throws -> Void {
        { file in _ = try PoseFormat.decode(bytes, file: file) }
    }

    // A small COCO-WholeBody sequence for the NumPy / JSON cases.
    static let coco: PoseSequence = {
        let l = try! PoseLayouts.named("coco-wholebody-133")
        return try! PoseSequence(layout: l, frames: 2, dims: 2, data: (0..<(2 * 133 * 2)).map { Float($0) },
                                 confidence: [Float](repeating: 0.5, count: 2 * 133), fps: 25)
    }()
    static let npy = NumpyPose.encodeNPY(coco)
    static let npyHeaderEnd = 128                    // 10-byte preamble + header padded to 64-byte multiple
    static let npz = (try? NumpyPose.encodeNPZ(coco)) ?? []
    static func npyHeader(_ dict: String) -> [UInt8] {
        var h = dict
        h += String(repeating: " ", count: (64 - (10 + h.utf8.count + 1) % 64) % 64) + "\n"
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.utf8.count & 0xFF), UInt8(h.utf8.count >> 8)] + Array(h.utf8)
    }
    static func npyDecode(_ bytes: [UInt8], layout: String? = nil) -> @Sendable (String) throws -> Void {
        { file in _ = try NumpyPose.decodeNPY(bytes, file: file, layout: try layout.map { try PoseLayouts.named($0) }) }
    }
    static func npzDecode(_ bytes: [UInt8]) -> @Sendable (String) throws -> Void {
        { file in _ = try NumpyPose.decodeNPZ(bytes, file: file) }
    }
    static func json(_ text: String) -> @Sendable (String) throws -> Void {
        { file in _ = try MMPoseJSON.decode(Array(text.utf8), file: file) }
    }
    static func instance(_ n: Int, coords: Int = 2, scores: Int? = nil) -> String {
        let kp = (0..<n).map { i in "[" + (0..<coords).map { "\(i + $0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ")
        let sc = (0..<(scores ?? n)).map { _ in "0.9" }.joined(separator: ", ")
        return "{\"keypoints\": [\(kp)], \"keypoint_scores\": [\(sc)]}"
    }

    static let cases: [Case] = [
        // .pose
        Case(description: "empty .pose file", kind: .truncated, says: "version at byte 0 needs 4 bytes", decode: pose([])),
        Case(description: "truncated inside the header", kind: .truncated, says: "needs", decode: pose(Array(v02.prefix(60)))),
        Case(description: "truncated body (v0.2)", kind: .truncated, says: "the body needs 8400 bytes for 7 frames",
             decode: pose(Array(v02.dropLast(10)))),
        Case(description: "trailing bytes (v0.2)", kind: .corrupt, says: "4 trailing bytes", decode: pose(v02 + [0, 0, 0, 0])),
        Case(description: "unknown version 0.3", kind: .unsupportedVersion, says: "header version 0.3",
             decode: pose(patched(v02, at: 0, f32: 0.3))),
        Case(description: "version NaN", kind: .unsupportedVersion, says: "is not 0.0, 0.1 or 0.2",
             decode: pose(patched(v02, at: 0, f32: .nan))),
        Case(description: "zero frames (v0.2)", kind: .empty, says: "0 frames",
             decode: pose(Array(patched(v02, at: v02Body + 4, u32: 0).prefix(v02Data)))),
        Case(description: "zero people", kind: .empty, says: "0 people", decode: pose(patched(v02, at: v02Body + 8, u16: 0))),
        Case(description: "frame count larger than the body", kind: .truncated, says: "for 8 frames",
             decode: pose(patched(v02, at: v02Body + 4, u32: 8))),
        Case(description: "v0.1 body not a whole number of frames", kind: .truncated, says: "not a whole number of",
             decode: pose(Array(v01.dropLast(4)))),
        Case(description: "v0.1 header without a body", kind: .empty, says: "no frames", decode: pose(Array(v01.prefix(v01Body + 6)))),
        Case(description: "NaN coordinate", kind: .nonFinite, says: "frame 2, person 0, point 5 (POSE_LANDMARKS/RIGHT_EYE)",
             decode: pose(patched(v02, at: v02Data + ((2 * 75 + 5) * 3 + 1) * 4, f32: .nan))),
        Case(description: "infinite coordinate", kind: .nonFinite, says: "coordinate inf", decode: pose(patched(v02, at: v02Data, f32: .infinity))),
        Case(description: "infinite confidence", kind: .nonFinite, says: "confidence -inf at frame 6",
             decode: pose(patched(v02, at: v02Conf + (6 * 75 + 74) * 4, f32: -.infinity))),
        Case(description: "no components", kind: .empty, says: "no components", decode: pose(patched(v02, at: 10, u16: 0))),
        Case(description: "format without a stored dimension", kind: .corrupt, says: "format 'C'",
             decode: pose(replacingString(v02, "XYZC", Array("C".utf8)))),
        Case(description: "dims that do not match the body", kind: .truncated, says: "5 float32 values",
             decode: pose(replacingString(v02, "XYZC", Array("XYZKC".utf8)))),
        Case(description: "point name not UTF-8", kind: .corrupt, says: "not valid UTF-8",
             decode: pose(replacingString(v02, "NOSE", [0x4E, 0xFF, 0xFE, 0x45]))),
        Case(description: "limb beyond the component's points", kind: .corrupt, says: "but the component has 33 points",
             decode: {
                 // The first limb of POSE_LANDMARKS follows its 33 point names.
                 let (h, _) = try PoseFormat.decodeHeader(v02)
                 var offset = 4 + 6 + 2 + 2 + "POSE_LANDMARKS".utf8.count + 2 + 4 + 6
                 for p in h.components[0].points { offset += 2 + p.utf8.count }
                 _ = try PoseFormat.decode(patched(v02, at: offset, u16: 40), file: $0)
             }),
        Case(description: "v0.0 truncated inside a frame", kind: .truncated, says: "of person 0 in frame",
             decode: pose(Array(v00.prefix(v00.count - 300)))),
        Case(description: "v0.2 frame count 2^32 − 1", kind: .truncated, says: "for 4294967295 frames",
             decode: pose(patched(v02, at: v02Body + 4, u32: 0xFFFF_FFFF))),
        Case(description: "v0.0 header that would expand beyond the limit", kind: .corrupt, says: "implausibly large",
             decode: pose({
                 var b = v00
                 let wide = Array(repeating: UInt8(ascii: "X"), count: 60_000) + [UInt8(ascii: "C")]
                 for _ in 0..<4 { b = replacingString(b, "XYC", wide) }
                 return b
             }())),
        Case(description: "v0.0 trailing bytes", kind: .corrupt, says: "trailing bytes after 93 frames", decode: pose(v00 + [1, 2])),
        // .npy / .npz
        Case(description: "npy bad magic", kind: .corrupt, says: "does not start with", decode: npyDecode([0x93, 0x4E] + Array(npy.dropFirst(2)).map { $0 == 0x55 ? 0x56 : $0 })),
        Case(description: "npy version 4", kind: .unsupportedVersion, says: ".npy format version 4.0",
             decode: npyDecode(Array(npy.prefix(6)) + [4] + Array(npy.dropFirst(7)))),
        Case(description: "npy truncated data", kind: .truncated, says: "needs 3192 data bytes", decode: npyDecode(Array(npy.dropLast(8)))),
        Case(description: "npy int32 dtype", kind: .unsupportedFormat, says: "dtype '<i4'",
             decode: npyDecode(npyHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 133, 3), }") + Array(npy[npyHeaderEnd...]))),
        Case(description: "npy Fortran order", kind: .unsupportedFormat, says: "Fortran-order",
             decode: npyDecode(npyHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 133, 3), }") + Array(npy[npyHeaderEnd...]))),
        Case(description: "npy rank 2", kind: .shapeMismatch, says: "expected (frames, points, channels)",
             decode: npyDecode(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (266, 3), }") + Array(npy[npyHeaderEnd...]))),
        Case(description: "npy points do not match the layout", kind: .shapeMismatch, says: "has 133 points, layout mediapipe-holistic-543 has 543",
             decode: npyDecode(npy, layout: "mediapipe-holistic-543")),
        Case(description: "npy single channel", kind: .shapeMismatch, says: "1 channel(s)",
             decode: npyDecode(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (6, 133, 1), }") + Array(npy[npyHeaderEnd...]))),
        Case(description: "npy unregistered point count", kind: .unknownLayout, says: "no registered layout has 7 points",
             decode: npyDecode(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (38, 7, 3), }") + Array(npy[npyHeaderEnd...]))),
        Case(description: "npy zero frames", kind: .empty, says: "no frames",
             decode: npyDecode(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 133, 3), }"))),
        Case(description: "npy NaN score", kind: .nonFinite, says: "confidence nan at frame 1",
             decode: npyDecode(patched(npy, at: npyHeaderEnd + ((133 + 4) * 3 + 2) * 4, f32: .nan))),
        Case(description: "npz CRC mismatch", kind: .corrupt, says: "fails its CRC-32 check",
             decode: npzDecode({ var b = npz; b[300] ^= 0x40; return b }())),
        Case(description: "npz compressed member", kind: .unsupportedFormat, says: "np.savez_compressed",
             decode: npzDecode({
                 var b = npz
                 for i in 0..<(b.count - 4) where b[i] == 0x50 && b[i + 1] == 0x4B && b[i + 2] == 1 && b[i + 3] == 2 { b[i + 10] = 8; break }
                 return b
             }())),
        Case(description: "npz truncated", kind: .corrupt, says: "no ZIP end-of-central-directory", decode: npzDecode(Array(npz.prefix(npz.count / 2)))),
        // MMPose JSON
        Case(description: "JSON cut short", kind: .corrupt, says: "invalid JSON", decode: json("[{\"frame_id\": 0, \"instances\": [")),
        Case(description: "JSON NaN literal", kind: .corrupt, says: "invalid JSON",
             decode: json("[{\"frame_id\": 0, \"instances\": [{\"keypoints\": [[NaN, 1]], \"keypoint_scores\": [1]}]}]")),
        Case(description: "JSON without keypoint_scores", kind: .corrupt, says: "no 'keypoint_scores'",
             decode: json("[{\"frame_id\": 0, \"instances\": [{\"keypoints\": [[1, 2]]}]}]")),
        Case(description: "JSON keypoint counts differ between frames", kind: .shapeMismatch, says: "has 132 keypoints, earlier instances have 133",
             decode: json("[{\"frame_id\": 0, \"instances\": [\(instance(133))]}, {\"frame_id\": 1, \"instances\": [\(instance(132))]}]")),
        Case(description: "JSON scores do not match keypoints", kind: .shapeMismatch, says: "133 keypoints but 130 scores",
             decode: json("[[\(instance(133, scores: 130))]]")),
        Case(description: "JSON empty list", kind: .empty, says: "no frames", decode: json("[]")),
        Case(description: "JSON duplicate frame_id", kind: .corrupt, says: "frame_id 3 appears twice",
             decode: json("[{\"frame_id\": 3, \"instances\": [\(instance(133))]}, {\"frame_id\": 3, \"instances\": []}]")),
        Case(description: "JSON frame ids spanning millions of frames", kind: .corrupt, says: "span 5000001 frames",
             decode: json("[{\"frame_id\": 0, \"instances\": [\(instance(133))]}, {\"frame_id\": 5000000, \"instances\": []}]")),
        Case(description: "JSON four coordinates", kind: .shapeMismatch, says: "has 4 coordinates", decode: json("[[\(instance(133, coords: 4))]]")),
        Case(description: "JSON num_keypoints disagrees", kind: .shapeMismatch, says: "meta_info.num_keypoints is 17",
             decode: json("{\"meta_info\": {\"num_keypoints\": 17}, \"instance_info\": [{\"frame_id\": 1, \"instances\": [\(instance(133))]}]}")),
        // Layouts
        Case(description: "layout lacking a required part", kind: .missingPart, says: "layout holistic-hands-body-75 has no face, mouth",
             decode: { file in try PoseFormat.decode(v02, file: file).layout.require(PosePart.nonManual, file: file) }),
    ]

    @Test(arguments: cases)
    func rejectsWithNamedFileAndReason(_ c: Case) throws {
        let file = "bad-input/\(c.description.replacingOccurrences(of: " ", with: "_"))"
        let e = try #require(throws: PoseError.self, "\(c.description)") { try c.decode(file) }
        #expect(e.kind == c.kind, "\(c.description): \(e)")
        #expect(e.file == file, "\(c.description): \(e)")
        #expect(e.reason.contains(c.says), "\(c.description): '\(e.reason)' should say '\(c.says)'")
        #expect(e.description.hasPrefix(file + ": "))
    }

    @Test func casesCoverAtLeastTwentyMalformedFiles() {
        #expect(Self.cases.count >= 20)
        #expect(Self.v02.count == 10125 && Self.v01.count > 0 && Self.v00.count > 0, "fixtures present")
    }

    @Test func readingFromDiskNamesThePath() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/broken.pose"
        try Data(Self.v02.prefix(100)).write(to: URL(fileURLWithPath: path))
        let e = try #require(throws: PoseError.self) { try PoseIO.read(path) }
        #expect(e.file == path && e.kind == .truncated)
        let missing = try #require(throws: PoseError.self) { try PoseIO.read(dir + "/absent.pose") }
        #expect(missing.file == dir + "/absent.pose" && missing.kind == .unreadable && missing.reason == "no such file")
        let ext = try #require(throws: PoseError.self) { try PoseIO.read(dir + "/clip.mp4") }
        #expect(ext.kind == .unsupportedFormat)
    }

    @Test func failedWriteLeavesTheOldFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/keep.pose"
        try Data(Self.v02).write(to: URL(fileURLWithPath: path))
        // A layout whose formats store 3 dims, with a 2-dim sequence: the encoder refuses before writing.
        let good = try PoseFormat.read(path)
        let wrongDims = try PoseSequence(layout: good.layout.withDims(3).withFormats("XYC"), frames: 1, dims: 3,
                                         data: [Float](repeating: 1, count: 75 * 3), confidence: [Float](repeating: 1, count: 75), fps: 1)
        let e = try #require(throws: PoseError.self) { try PoseFormat.write(wrongDims, to: path) }
        #expect(e.kind == .shapeMismatch && e.file == path)
        #expect(try Fixtures.bytesAt(path) == Self.v02)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["keep.pose"])
    }
}

extension PoseLayout {
    /// The same layout with every component format replaced (test helper).
    func withFormats(_ format: String) -> PoseLayout {
        PoseLayout(name: name, components: components.map {
            PoseComponent(name: $0.name, format: format, points: $0.points, limbs: $0.limbs, colors: $0.colors)
        }, family: family, origin: origin)
    }
}

/// No input crashes a reader: every prefix of a valid file, and random byte flips, either decode or
/// throw a `PoseError`.
@Suite("Malformed input: prefixes and byte flips")
struct CorruptionSweepTests {
    static func outcome(_ body: () throws -> Void) -> String {
        do { try body(); return "ok" } catch is PoseError { return "PoseError" } catch { return "other: \(error)" }
    }

    @Test func everyPrefixOfAPoseFileFailsCleanly() {
        let full = MalformedInputTests.v02
        for n in 0..<full.count {
            let r = Self.outcome { _ = try PoseFormat.decode(Array(full.prefix(n)), file: "prefix") }
            #expect(r == "PoseError", "prefix of \(n) bytes: \(r)")
        }
    }

    @Test func randomByteFlipsNeverCrash() {
        var rng = SplitMix(seed: 42)
        let inputs: [(String, [UInt8], ([UInt8]) throws -> Void)] = [
            ("v0.2", MalformedInputTests.v02, { _ = try PoseFormat.decode($0) }),
            ("v0.0", MalformedInputTests.v00, { _ = try PoseFormat.decode($0) }),
            ("npy", MalformedInputTests.npy, { _ = try NumpyPose.decodeNPY($0) }),
            ("npz", MalformedInputTests.npz, { _ = try NumpyPose.decodeNPZ($0) }),
            ("json", Array("[{\"frame_id\": 0, \"instances\": [\(MalformedInputTests.instance(133))]}]".utf8), { _ = try MMPoseJSON.decode($0) }),
        ]
        for (name, bytes, decode) in inputs {
            // Flips inside the first 600 bytes (headers, where structure lives) and anywhere.
            for trial in 0..<150 {
                var b = bytes
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let span = trial % 2 == 0 ? min(600, b.count) : b.count
                    b[Int(rng.next() % UInt64(span))] ^= UInt8(1 + rng.next() % 255)
                }
                let r = Self.outcome { try decode(b) }
                #expect(r == "ok" || r == "PoseError", "\(name) trial \(trial): \(r)")
            }
        }
    }

    struct SplitMix {
        var x: UInt64
        init(seed: UInt64) { x = seed }
        mutating func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
