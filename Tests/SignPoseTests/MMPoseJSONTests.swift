import Foundation
import Testing
import SignPose

@Suite("MMPose whole-body JSON")
struct MMPoseJSONTests {
    /// An instance whose point i is (base + i, base + 2i) with score `score` (point 3 scored 0).
    static func instance(base: Int, score: Double, points: Int = 133, z: Bool = false) -> String {
        let kps = (0..<points).map { i in z ? "[\(base + i), \(base + 2 * i), \(i)]" : "[\(base + i), \(base + 2 * i)]" }
        let scores = (0..<points).map { $0 == 3 ? "0" : "\(score)" }
        return "{\"bbox\": [[0, 0, 10, 10]], \"bbox_score\": 0.9, \"keypoints\": [\(kps.joined(separator: ", "))], \"keypoint_scores\": [\(scores.joined(separator: ", "))]}"
    }

    @Test func frameListPicksTheBestInstanceAndFillsGaps() throws {
        // frame_id 1: two people, the second scores higher; frame_id 2 missing; frame_id 3: one person.
        let text = "[{\"frame_id\": 3, \"instances\": [\(Self.instance(base: 500, score: 0.7))]},"
            + " {\"frame_id\": 1, \"instances\": [\(Self.instance(base: 100, score: 0.4)), \(Self.instance(base: 200, score: 0.8))]}]"
        let s = try MMPoseJSON.decode(Array(text.utf8), file: "clip.json", fps: 30)
        #expect(s.layout.name == "coco-wholebody-133" && s.dims == 2 && s.fps == 30)
        #expect(s.frameCount == 3)   // ids 1, 2, 3
        #expect(s.coordinates(frame: 0, point: 10) == [210, 220])
        #expect(s.confidence(frame: 0, point: 10) == Float(0.8) && s.confidence(frame: 0, point: 3) == 0)
        #expect((0..<133).allSatisfy { s.confidence(frame: 1, point: $0) == 0 })   // the gap
        #expect(s.coordinates(frame: 2, point: 132) == [632, 764])
    }

    @Test func demoFileWithMetaInfo() throws {
        let text = "{\"meta_info\": {\"dataset_name\": \"coco_wholebody\", \"num_keypoints\": 133},"
            + " \"instance_info\": [{\"frame_id\": 0, \"instances\": [\(Self.instance(base: 1, score: 0.5))]}]}"
        let s = try MMPoseJSON.decode(Array(text.utf8))
        #expect(s.frameCount == 1 && s.coordinates(frame: 0, point: 2) == [3, 5] && s.confidence(frame: 0, point: 2) == 0.5)
        #expect(s.fps == 0)
    }

    @Test func perFrameListsWithEmptyFramesAndXYZ() throws {
        let text = "[[\(Self.instance(base: 0, score: 1, z: true))], [], [\(Self.instance(base: 9, score: 1, z: true))]]"
        let s = try MMPoseJSON.decode(Array(text.utf8))
        #expect(s.frameCount == 3 && s.dims == 3)
        #expect(s.layout.components.map(\.format) == ["XYZC", "XYZC", "XYZC", "XYZC"])
        #expect(s.coordinates(frame: 2, point: 4) == [13, 17, 4])
        #expect(s.confidence(frame: 1, point: 4) == 0)
    }

    @Test func explicitLayoutAndFileOnDisk() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/mslu.json"
        try Data("[[\(Self.instance(base: 0, score: 0.25, points: 79))]]".utf8).write(to: URL(fileURLWithPath: path))
        let s = try PoseIO.read(path, fps: 25)
        #expect(s.layout.name == "mslu-79" && s.fps == 25)
        let custom = PoseLayout(name: "custom", components: [PoseComponent(name: "K", format: "XYC", points: (0..<79).map { "p\($0)" })])
        let c = try MMPoseJSON.read(path, layout: custom)
        #expect(c.layout.components[0].points.count == 79 && c.layout.presentParts.isEmpty)
    }
}
