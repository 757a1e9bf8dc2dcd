import Foundation
import Testing
import SignTensor
import SignPose

@Suite("pose-format .pose files")
struct PoseFormatTests {
    /// Header fields and the first/last values of every fixture, printed once with pose-format 0.15.0
    /// (`Pose.read(...)`; `body.data.data[0,0,0]`, `body.confidence[0,0,0]`, `(confidence == 0).sum()`).
    struct Expected {
        var version: Float, width: Int, height: Int, depth: Int, fps: Float, frames: Int, points: Int, dims: Int
        var first: [Float], firstConf: Float, last: [Float], lastConf: Float, missing: Int
    }

    static let expected: [String: Expected] = [
        Fixtures.asl576: Expected(version: 0.2, width: 640, height: 480, depth: 0, fps: 30.00811, frames: 37, points: 576, dims: 3,
                                  first: [338.4179382324219, 197.0482635498047, -0.8712779879570007], firstConf: 0.9999409914016724,
                                  last: [-17.354415893554688, -72.45044708251953, -0.4428178071975708], lastConf: 0.00025702445418573916, missing: 1134),
        Fixtures.phoenix543: Expected(version: 0.1, width: 210, height: 260, depth: 210, fps: 25, frames: 86, points: 543, dims: 3,
                                      first: [110.83476257324219, 58.86197280883789, 0.0007593177142553031], firstConf: 1,
                                      last: [0, 0, 0], lastConf: 0, missing: 1953),
        Fixtures.coco133: Expected(version: 0.2, width: 320, height: 240, depth: 0, fps: 29.97, frames: 41, points: 133, dims: 2,
                                   first: [161.2208251953125, 60.209903717041016], firstConf: 0.9161025285720825,
                                   last: [151.14312744140625, 132.9756622314453], lastConf: 0.5291363596916199, missing: 0),
        Fixtures.fingerspelling75: Expected(version: 0.2, width: 500, height: 500, depth: 0, fps: 25, frames: 7, points: 75, dims: 3,
                                            first: [246.2835693359375, 131.634033203125, 248.95916748046875], firstConf: 0.9991525411605835,
                                            last: [118.67530059814453, 521.9085693359375, 250.5019989013672], lastConf: 1, missing: 147),
        Fixtures.holistic586: Expected(version: 0.2, width: 640, height: 360, depth: 640, fps: 25, frames: 18, points: 586, dims: 3,
                                       first: [242.87753295898438, 110.41182708740234, -0.609676718711853], firstConf: 0.9991911053657532,
                                       last: [-30.558486938476562, 272.6380920410156, 0.007087064906954765], lastConf: 0.0009648546692915261, missing: 42),
        Fixtures.reducedV01: Expected(version: 0.1, width: 1250, height: 1250, depth: 640, fps: 24, frames: 170, points: 178, dims: 3,
                                      first: [879.718505859375, 651.095703125, 624.68603515625], firstConf: 0.9978147745132446,
                                      last: [625, 625, 625], lastConf: 0, missing: 4095),
        Fixtures.openpose: Expected(version: 0, width: 1000, height: 1000, depth: 0, fps: 24, frames: 93, points: 137, dims: 2,
                                    first: [158.32899475097656, 70.61470031738281], firstConf: 0.9010639786720276,
                                    last: [80.62210083007812, 253.1739959716797], lastConf: 0.006016890052706003, missing: 2177),
        Fixtures.autsl543xyzk: Expected(version: 0.1, width: 512, height: 512, depth: 512, fps: 30, frames: 43, points: 543, dims: 4,
                                        first: [287.4910583496094, 223.4802703857422, -0.0005609289510175586, 180], firstConf: 1,
                                        last: [236.29916381835938, 447.6789855957031, -0.07613338530063629, 85], lastConf: 1, missing: 63),
        Fixtures.dgsReducedV02: Expected(version: 0.2, width: 512, height: 512, depth: 640, fps: 25, frames: 20, points: 178, dims: 3,
                                         first: [359.1457824707031, 258.2069396972656, 256.06756591796875], firstConf: 0.9999996423721313,
                                         last: [194.29928588867188, 398.4054870605469, 256.5361022949219], lastConf: 1, missing: 168),
    ]

    @Test(arguments: Fixtures.all)
    func readsFixtureLikePoseFormat(_ name: String) throws {
        let e = try #require(Self.expected[name])
        let bytes = try Fixtures.bytes(name)
        let (header, _) = try PoseFormat.decodeHeader(bytes, file: name)
        #expect(header.version == e.version)
        let s = try PoseFormat.read(Fixtures.path(name))
        #expect(s.width == e.width && s.height == e.height && s.depth == e.depth)
        #expect(s.fps == e.fps)
        #expect(s.frameCount == e.frames && s.peopleCount == 1 && s.pointCount == e.points && s.dims == e.dims)
        #expect(s.coordinates(frame: 0, point: 0) == e.first)
        #expect(s.confidence(frame: 0, point: 0) == e.firstConf)
        #expect(s.coordinates(frame: e.frames - 1, point: e.points - 1) == e.last)
        #expect(s.confidence(frame: e.frames - 1, point: e.points - 1) == e.lastConf)
        #expect(s.confidence.filter { $0 == 0 }.count == e.missing)
    }

    @Test(arguments: Fixtures.all)
    func roundTrips(_ name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let s = try PoseFormat.decode(bytes, file: name)
        let written = try PoseFormat.encode(s)
        if try PoseFormat.decodeHeader(bytes).header.version == 0.2 {
            #expect(written == bytes, "v0.2 files are written back byte for byte")
        }
        let again = try PoseFormat.decode(written)
        #expect(again == s)
        let (h2, _) = try PoseFormat.decodeHeader(written)
        #expect(h2.version == 0.2 && h2.components == s.layout.components)
    }

    @Test func writesAtomicallyToDisk() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try PoseFormat.read(Fixtures.path(Fixtures.coco133))
        let path = dir + "/out.pose"
        try PoseFormat.write(s, to: path)
        try PoseFormat.write(s, to: path)   // replaces the existing file
        #expect(try PoseFormat.read(path) == s)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.pose"])
    }

    @Test func tensorHasFramesPointsChannels() throws {
        let s = try PoseFormat.read(Fixtures.path(Fixtures.phoenix543))
        let t = try s.tensor(dims: 2)
        #expect(t.shape == [86, 543, 3])
        #expect(t[0, 0, 0] == 110.83476257324219 && t[0, 0, 1] == 58.86197280883789 && t[0, 0, 2] == 1)
        let full = try s.tensor(includeConfidence: false)
        #expect(full.shape == [86, 543, 3] && full[0, 0, 2] == 0.0007593177142553031)
        let manual = try s.tensor(points: s.layout.manualIndices)
        #expect(manual.shape == [86, 25 + 42, 4])
        // Row j of the manual tensor is point manualIndices[j].
        let j = 30, p = s.layout.manualIndices[j]
        #expect(manual[5, j, 1] == s.coordinates(frame: 5, point: p)[1])
        #expect(manual[5, j, 3] == s.confidence(frame: 5, point: p))
        #expect(throws: PoseError.self) { try s.tensor(person: 1) }
        #expect(throws: PoseError.self) { try s.tensor(dims: 4) }
        #expect(throws: PoseError.self) { try s.tensor(points: [543]) }
    }

    @Test func convertsBetweenLayoutsByPointName() throws {
        let s = try PoseFormat.read(Fixtures.path(Fixtures.asl576))
        let reduced = try s.converted(to: try PoseLayouts.named("reduced-holistic-178"))
        #expect(reduced.layout.name == "reduced-holistic-178" && reduced.frameCount == 37)
        // reduced point 0 is LEFT_SHOULDER = POSE 11; reduced point 8 is FACE '0' = 33 + 0.
        #expect(reduced.coordinates(frame: 3, point: 0) == s.coordinates(frame: 3, point: 11))
        #expect(reduced.confidence(frame: 3, point: 8) == s.confidence(frame: 3, point: 33))
        let coco = try PoseFormat.read(Fixtures.path(Fixtures.coco133))
        let mslu = try coco.converted(to: try PoseLayouts.named("mslu-79"))
        for (i, p) in LayoutTests.mslu79FromNotes.enumerated() {
            #expect(mslu.coordinates(frame: 40, point: i) == coco.coordinates(frame: 40, point: p))
        }
        // COCO → Holistic has no correspondence table: refused by name (the other way: HolisticToCOCOTests).
        let e = try #require(throws: PoseError.self) { try coco.converted(to: try PoseLayouts.named("mediapipe-holistic-543")) }
        #expect(e.kind == .shapeMismatch && e.reason.contains("no component POSE_LANDMARKS"))
    }
}
