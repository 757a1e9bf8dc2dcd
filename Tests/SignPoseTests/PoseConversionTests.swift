import Foundation
import Testing
import SignPose

@Suite("Pose conversion")
struct PoseConversionTests {
    @Test func cocoToMSLU79PoseRoundTrip() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = Fixtures.path(Fixtures.coco133)
        let out = dir + "/soup.mslu79.pose"
        let written = try PoseIO.convert(input, to: out, layout: "mslu-79")
        let original = try PoseIO.read(input)
        let back = try PoseIO.read(out)
        #expect(back.data == written.data && back.confidence == written.confidence, "read back equals what was written")
        #expect(back.layout.name == "mslu-79" && back.pointCount == 79 && back.frameCount == original.frameCount)
        #expect(back.layout.signature == "BODY 11, FACE 26, LEFT_HAND 21, RIGHT_HAND 21")
        #expect(back.fps == original.fps && back.width == original.width && back.height == original.height)
        // Every point equals the COCO-WholeBody point it was selected from.
        for t in 0..<original.frameCount {
            for (j, p) in PoseLayouts.mslu79Indices.enumerated() {
                #expect(back.coordinates(frame: t, point: j) == original.coordinates(frame: t, point: p))
                #expect(back.confidence(frame: t, point: j) == original.confidence(frame: t, point: p))
            }
        }
        // On to masa-49 as .npz (a subset of the subset) and back.
        let npz = dir + "/soup.masa49.npz"
        try PoseIO.convert(out, to: npz, layout: "masa-49")
        let masa = try PoseIO.read(npz)
        #expect(masa.layout.name == "masa-49")
        #expect(masa.data == (try original.selectingPoints(PoseLayouts.masa49Indices, layout: masa.layout)).data)
    }

    @Test func formatOnlyConversionKeepsEverything() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = Fixtures.path(Fixtures.holistic586)
        try PoseIO.convert(input, to: dir + "/h.npy")
        let original = try PoseIO.read(input)
        let back = try PoseIO.read(dir + "/h.npy", fps: original.fps)
        #expect(back.layout.name == "mediapipe-holistic-586" && back.data == original.data && back.confidence == original.confidence)
    }

    @Test func errorsNameTheProblem() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // OpenPose has no COCO point names (Holistic → COCO goes by correspondence: HolisticToCOCOTests).
        #expect {
            try PoseIO.convert(Fixtures.path(Fixtures.openpose), to: dir + "/x.pose", layout: "mslu-79")
        } throws: { e in (e as? PoseError)?.kind == .shapeMismatch }
        #expect {
            try PoseIO.convert(Fixtures.path(Fixtures.coco133), to: dir + "/x.pose", layout: "no-such-layout")
        } throws: { e in (e as? PoseError)?.kind == .unknownLayout }
        #expect {
            try PoseIO.convert(Fixtures.path(Fixtures.coco133), to: dir + "/x.json")
        } throws: { e in (e as? PoseError)?.kind == .unsupportedFormat }
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.pose"))
    }
}
