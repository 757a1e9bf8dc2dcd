import Foundation
import Testing
import SignPose

/// Runs converters/python/pose_interop.py with python3. A missing python3 or pose_format is a test
/// failure (never a skip): the interop tests are the independent check of the readers and writers.
enum PythonInterop {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let script = repositoryRoot + "/converters/python/pose_interop.py"

    struct Failure: Error, CustomStringConvertible { let description: String }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch {
            throw Failure(description: "cannot start python3 (\(error)); run scripts/setup to install python3, numpy and pose-format")
        }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "python3 \(arguments.joined(separator: " ")) exited with \(p.terminationStatus):\n\(out)")
        }
        return out
    }

    /// Fails (throws) with a message to run scripts/setup when python3, numpy or pose_format is missing.
    static func requirePoseFormat() throws {
        do {
            try run(["-c", "import numpy, pose_format"])
        } catch let f as Failure {
            throw Failure(description: "python3 with numpy and pose_format is required for the interop tests; run scripts/setup (pip install pose-format numpy). \(f.description)")
        }
    }

    // MARK: Dump folders (see pose_interop.py)

    struct DumpHeader: Codable {
        var version: Double
        var width: Int, height: Int, depth: Int
        var fps_bits: UInt32
        var frames: Int, people: Int, points: Int, dims: Int
        var components: [DumpComponent]
    }

    struct DumpComponent: Codable, Equatable {
        var name: String, format: String, points: [String], limbs: [[Int]], colors: [[Int]]
    }

    static func writeDump(_ s: PoseSequence, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let h = DumpHeader(version: 0.2, width: s.width, height: s.height, depth: s.depth, fps_bits: s.fps.bitPattern,
                           frames: s.frameCount, people: s.peopleCount, points: s.pointCount, dims: s.dims,
                           components: s.layout.components.map(dumpComponent))
        try JSONEncoder().encode(h).write(to: URL(fileURLWithPath: folder + "/header.json"))
        try s.data.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/data.f32")) }
        try s.confidence.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/confidence.f32")) }
    }

    static func dumpComponent(_ c: PoseComponent) -> DumpComponent {
        DumpComponent(name: c.name, format: c.format, points: c.points, limbs: c.limbs.map { [$0.from, $0.to] },
                      colors: c.colors.map { [$0.r, $0.g, $0.b] })
    }

    static func readDump(_ folder: String) throws -> (header: DumpHeader, data: [Float], confidence: [Float]) {
        let h = try JSONDecoder().decode(DumpHeader.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/header.json")))
        func floats(_ name: String) throws -> [Float] {
            let d = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        return (h, try floats("data.f32"), try floats("confidence.f32"))
    }

    /// Bit-for-bit equality (NaN-safe, distinguishes −0).
    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}
