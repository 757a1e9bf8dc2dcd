import Foundation
import Testing
import SignPose

@Suite("NumPy .npy / .npz")
struct NumpyPoseTests {
    @Test func npyHeaderIsNumpyV1() throws {
        let l = try PoseLayouts.named("coco-wholebody-133")
        let s = try PoseSequence(layout: l, frames: 2, dims: 2, data: (0..<532).map(Float.init),
                                 confidence: [Float](repeating: 1, count: 266), fps: 0)
        let b = NumpyPose.encodeNPY(s)
        #expect(Array(b.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(b[8]) | Int(b[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: b[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 133, 3), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(b.count == 10 + headerLength + 2 * 133 * 3 * 4)
        // (x, y, score) interleaved: point 1 of frame 0 is (2, 3, 1).
        let v = b[(10 + headerLength)...].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(Array(v[3..<6]) == [2, 3, 1])
    }

    @Test(arguments: [NumpyPose.DType.float32, .float64])
    func npyRoundTrip(_ dtype: NumpyPose.DType) throws {
        let s = try PoseFormat.read(Fixtures.path(Fixtures.phoenix543))
        let back = try NumpyPose.decodeNPY(NumpyPose.encodeNPY(s, dtype: dtype), fps: 25)
        #expect(back.layout.name == "mediapipe-holistic-543" && back.dims == 3)
        #expect(back.layout.components.map(\.format) == ["XYZC", "XYZC", "XYZC", "XYZC"])
        #expect(back.data == s.data && back.confidence == s.confidence && back.fps == 25)
        #expect(back.layout.partIndices == s.layout.partIndices)
    }

    @Test func npzRoundTripKeepsFpsAndLayout() throws {
        let s = try PoseFormat.read(Fixtures.path(Fixtures.dgsReducedV02))
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PoseIO.write(s, to: dir + "/clip.npz")
        let back = try PoseIO.read(dir + "/clip.npz")
        #expect(back.layout.name == "reduced-holistic-178" && back.fps == 25 && back.frameCount == 20)
        #expect(back.data == s.data && back.confidence == s.confidence)
        // An explicit fps wins over the archive's.
        #expect(try PoseIO.read(dir + "/clip.npz", fps: 50).fps == 50)
    }

    @Test func xyScoreArrayOnAThreeDimLayoutDropsZ() throws {
        // (T, 75, 3) = (x, y, score) on the 75-point Holistic layout: formats become XYC.
        let l = try PoseLayouts.named("holistic-hands-body-75")
        let s = try PoseSequence(layout: l.withDims(2), frames: 1, dims: 2, data: (0..<150).map(Float.init),
                                 confidence: [Float](repeating: 0.5, count: 75), fps: 30)
        let back = try NumpyPose.decodeNPY(NumpyPose.encodeNPY(s))
        #expect(back.layout.name == "holistic-hands-body-75")
        #expect(back.layout.components.map(\.format) == ["XYC", "XYC", "XYC"])
        #expect(back.coordinates(frame: 0, point: 74) == [148, 149] && back.confidence(frame: 0, point: 74) == 0.5)
    }

    @Test func severalPeopleUseRankFour() throws {
        let l = try PoseLayouts.named("masa-49")
        let s = try PoseSequence(layout: l, frames: 2, people: 3, dims: 2, data: (0..<(2 * 3 * 49 * 2)).map(Float.init),
                                 confidence: (0..<(2 * 3 * 49)).map { Float($0 % 2) }, fps: 10)
        let b = NumpyPose.encodeNPY(s)
        let headerLength = Int(b[8]) | Int(b[9]) << 8
        #expect(String(decoding: b[10..<(10 + headerLength)], as: UTF8.self).contains("'shape': (2, 3, 49, 3)"))
        let back = try NumpyPose.decodeNPY(b, layout: l, fps: 10)
        #expect(back.peopleCount == 3 && back.data == s.data && back.confidence == s.confidence)
        let second = try back.person(1)
        #expect(second.peopleCount == 1 && second.coordinates(frame: 1, point: 0) == s.coordinates(frame: 1, person: 1, point: 0))
    }
}
