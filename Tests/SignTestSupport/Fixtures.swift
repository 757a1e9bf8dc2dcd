import Foundation
import SignTensor
import SignNN

/// The repository's Tests/Fixtures folder (located from this source file, so tests need no
/// resources bundle and no ../shared).
public let fixturesRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Loads a reference fixture (`Tests/Fixtures/reference/<path>`) written by
/// converters/python/gen_fixtures.py.
public func referenceFixture(_ path: String) throws -> [String: Tensor] {
    try Safetensors.read(fixturesRoot.appendingPathComponent("reference").appendingPathComponent(path)).tensors
}

/// Integer values stored as floats in a fixture (indices, targets).
public func ints(_ t: Tensor) -> [Int] { t.toArray().map { Int($0) } }
