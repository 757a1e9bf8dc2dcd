import Foundation
import Testing
import SignPose

/// Swift ↔ Python pose-format / NumPy: every value, confidence and header field compared bit for bit.
@Suite("Interop with Python pose-format and NumPy")
struct InteropTests {
    /// Swift writes `.pose` v0.2; pose-format reads it back and compares with Swift's in-memory values.
    @Test(arguments: Fixtures.all + ["two-people"])
    func poseFormatReadsWhatSwiftWrites(_ name: String) throws {
        try PythonInterop.requirePoseFormat()
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seq: PoseSequence
        if name == "two-people" {
            // A synthetic 2-person sequence on the 586 layout with fractional fps and a missing point.
            let l = try PoseLayouts.named("mediapipe-holistic-586")
            let T = 3, N = 2, P = l.pointCount, D = 3
            let data = (0..<(T * N * P * D)).map { Float($0 % 977) * 0.37 - 150.25 }
            var conf = (0..<(T * N * P)).map { Float($0 % 101) / 100 }
            conf[17] = 0
            seq = try PoseSequence(layout: l, frames: T, people: N, dims: D, data: data, confidence: conf, fps: 29.97,
                                   width: 1920, height: 1080, depth: 7)
        } else {
            seq = try PoseFormat.read(Fixtures.path(name))
        }
        let posePath = dir + "/swift.pose"
        try PoseFormat.write(seq, to: posePath)
        try PythonInterop.writeDump(seq, to: dir + "/expected")
        let out = try PythonInterop.run([PythonInterop.script, "check-pose", posePath, dir + "/expected"])
        #expect(out.hasPrefix("OK"), "\(out)")
    }

    /// pose-format reads every fixture (v0.0, v0.1, v0.2) and dumps its values; Swift's reader must agree.
    @Test(arguments: Fixtures.all)
    func swiftReadsFixturesLikePoseFormat(_ name: String) throws {
        try PythonInterop.requirePoseFormat()
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PythonInterop.run([PythonInterop.script, "dump-pose", Fixtures.path(name), dir])
        try compare(try PoseFormat.read(Fixtures.path(name)), withDump: dir)
    }

    /// pose-format writes a 2-person COCO-WholeBody file; Swift reads every value.
    @Test func swiftReadsWhatPoseFormatWrites() throws {
        try PythonInterop.requirePoseFormat()
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PythonInterop.run([PythonInterop.script, "write-pose", dir + "/python.pose", dir + "/dump"])
        let s = try PoseFormat.read(dir + "/python.pose")
        #expect(s.layout.name == "coco-wholebody-133" && s.peopleCount == 2 && s.frameCount == 5)
        #expect(s.fps == 29.97 && s.width == 1280 && s.height == 720)
        try compare(s, withDump: dir + "/dump")
        // And Swift writes the same bytes pose-format wrote.
        #expect(try PoseFormat.encode(s) == Fixtures.bytesAt(dir + "/python.pose"))
    }

    /// NumPy loads the `.npy` / `.npz` Swift writes (float32 and float64).
    @Test(arguments: ["keypoints.npy", "keypoints64.npy", "clip.npz"])
    func numpyReadsWhatSwiftWrites(_ file: String) throws {
        try PythonInterop.requirePoseFormat()
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try PoseFormat.read(Fixtures.path(Fixtures.coco133))
        let path = dir + "/" + file
        try NumpyPose.write(s, to: path, dtype: file.contains("64") ? .float64 : .float32)
        try PythonInterop.writeDump(s, to: dir + "/expected")
        let out = try PythonInterop.run([PythonInterop.script, "check-npy", path, dir + "/expected"])
        #expect(out.contains("OK"), "\(out)")
        if file.hasSuffix(".npz") { #expect(out.contains("layout coco-wholebody-133")) }
    }

    /// Swift reads a float64 `.npy` (np.save) and a float32 `.npz` (np.savez, ZIP64 local headers) NumPy writes.
    @Test func swiftReadsWhatNumpyWrites() throws {
        try PythonInterop.requirePoseFormat()
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PythonInterop.run([PythonInterop.script, "write-npy", dir + "/a.npy", dir + "/a.npz", dir + "/dump"])
        let (h, data, conf) = try PythonInterop.readDump(dir + "/dump")
        let npy = try NumpyPose.read(dir + "/a.npy")
        #expect(npy.layout.name == "coco-wholebody-133" && npy.frameCount == h.frames && npy.dims == 2)
        #expect(PythonInterop.sameBits(npy.data, data) && PythonInterop.sameBits(npy.confidence, conf))
        let npz = try NumpyPose.read(dir + "/a.npz")
        #expect(npz.fps == 12.5 && npz.layout.name == "coco-wholebody-133")
        #expect(PythonInterop.sameBits(npz.data, data) && PythonInterop.sameBits(npz.confidence, conf))
    }

    func compare(_ s: PoseSequence, withDump dir: String) throws {
        let (h, data, conf) = try PythonInterop.readDump(dir)
        #expect(s.width == h.width && s.height == h.height && s.depth == h.depth)
        #expect(s.fps.bitPattern == h.fps_bits)
        #expect(s.frameCount == h.frames && s.peopleCount == h.people && s.pointCount == h.points && s.dims == h.dims)
        #expect(s.layout.components.map(PythonInterop.dumpComponent) == h.components)
        #expect(PythonInterop.sameBits(s.data, data), "coordinates differ")
        #expect(PythonInterop.sameBits(s.confidence, conf), "confidences differ")
    }
}
