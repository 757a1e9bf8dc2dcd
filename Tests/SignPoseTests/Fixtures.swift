import Foundation

/// Paths of the small real pose files in Tests/Fixtures/pose (see its PROVENANCE.md), located from
/// this source file so the tests need no bundle resources and nothing outside the repository.
enum Fixtures {
    static let folder: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pose").path
    }()

    static func path(_ name: String) -> String { folder + "/" + name }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    static let openpose = "openpose.pose"                                   // v0.0, openpose-137
    static let reducedV01 = "mediapipe.pose"                                // v0.1, reduced-holistic-178
    static let holistic586 = "holistic586_7731febd.pose"                    // v0.2, 586
    static let coco133 = "SOUP.wholebody133.pose"                           // v0.2, coco-wholebody-133
    static let phoenix543 = "25October_2010_Monday_tagesschau-17.pose"      // v0.1, 543
    static let autsl543xyzk = "signer0_sample1000.pose"                     // v0.1, 543, XYZKC
    static let dgsReducedV02 = "test_15_original.pose"                      // v0.2, reduced-holistic-178
    static let asl576 = "000017451997373907346-LIBRARY.pose"                // v0.2, 576
    static let fingerspelling75 = "fs-sts00486d31621a6dc952f40176068b5cbc.pose"  // v0.2, 75

    static let all = [openpose, reducedV01, holistic586, coco133, phoenix543, autsl543xyzk, dgsReducedV02, asl576,
                      fingerspelling75]

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("signpose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}

extension Fixtures {
    static func bytesAt(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
}
