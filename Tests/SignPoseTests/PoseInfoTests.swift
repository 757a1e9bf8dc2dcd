import Testing
import SignPose

@Suite("PoseInfo")
struct PoseInfoTests {
    /// Missing counts for the PHOENIX sample (86 frames, 543 points), computed independently with
    /// numpy from pose-format's confidences and explicitly typed index sets (POSE 0–24, hands 501–521 /
    /// 522–542, FACEMESH_CONTOURS minus / of FACEMESH_LIPS): (points, missing entries, frames without it).
    static let phoenixExpected: [(String, Int, Int, Int)] = [
        ("body", 25, 0, 0), ("left hand", 21, 1029, 49), ("right hand", 21, 924, 44), ("face", 88, 0, 0),
        ("mouth", 40, 0, 0), ("manual", 67, 1953, 0), ("non-manual", 128, 0, 0), ("all", 543, 1953, 0),
    ]

    @Test func missingRatesPerPartMatchNumpy() throws {
        let s = try PoseFormat.read(Fixtures.path(Fixtures.phoenix543))
        let summary = PoseInfo.summarize(s)
        #expect(summary.layout == "mediapipe-holistic-543" && summary.frames == 86 && summary.fps == 25)
        #expect(summary.groups.map(\.name) == Self.phoenixExpected.map(\.0))
        for (g, (name, points, missing, framesWithout)) in zip(summary.groups, Self.phoenixExpected) {
            #expect(g.points == points, "\(name)")
            #expect(g.missingRate == Double(missing) / Double(86 * points), "\(name)")
            #expect(g.absentFrameRate == Double(framesWithout) / 86, "\(name)")
        }
        #expect(summary.absentParts.isEmpty)
        #expect(summary.confidencesOutsideUnitInterval == 0)
    }

    @Test func describeListsLayoutFramesFpsAndParts() throws {
        let text = PoseInfo.describe(try PoseFormat.read(Fixtures.path(Fixtures.phoenix543)))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "layout      mediapipe-holistic-543 (mediapipe-holistic; 543 points: POSE_LANDMARKS 33, FACE_LANDMARKS 468, LEFT_HAND_LANDMARKS 21, RIGHT_HAND_LANDMARKS 21)")
        #expect(lines[1] == "frames      86 at 25 fps (3.44 s), 1 person, 3 dims (XYZ), 210×260×210")
        #expect(lines.contains("left hand         21    57.0 %    57.0 %"))
        #expect(lines.contains("all              543     4.2 %     0.0 %"))
        #expect(lines.last == "absent      none")
    }

    @Test func describeReportsAbsentPartsAndOddConfidences() throws {
        let s = try PoseFormat.read(Fixtures.path(Fixtures.fingerspelling75))
        let text = PoseInfo.describe(s)
        #expect(text.contains("absent      face, mouth"))
        #expect(!text.contains("non-manual"))
        // Every fixture can be described (the CLI prints this for any readable file).
        for f in Fixtures.all { #expect(PoseInfo.describe(try PoseFormat.read(Fixtures.path(f))).hasPrefix("layout ")) }
        let coco = try PoseFormat.read(Fixtures.path(Fixtures.coco133))
        let summary = PoseInfo.summarize(coco)
        // SOUP.wholebody133.pose has scores up to 1.0609632 (1506 values above 1, from pose-format).
        #expect(summary.confidencesOutsideUnitInterval == 1506)
        #expect(PoseInfo.describe(coco).contains("1506 confidences outside [0, 1] (range 0.04258 … 1.061)"))
    }
}
