import Foundation
import SignNN
import SignTestSupport
import Testing

@Suite struct SHA256Tests {
    /// Digests from Python: hashlib.sha256(b"").hexdigest(), hashlib.sha256(b"abc").hexdigest() and
    /// hashlib.sha256(b"a" * 1_000_000).hexdigest() (the FIPS 180-2 test vectors).
    @Test func knownVectors() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data(repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length 0…200 (all padding cases) and a 3 MB buffer, fed in uneven pieces, against
    /// Python's hashlib on the same bytes.
    @Test func matchesHashlibAcrossLengthsAndPieces() throws {
        let dir = try makeTemporaryDirectory("sha")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SystemRandomNumberGenerator()
        let big = Data((0..<3_000_003).map { _ in UInt8.random(in: 0...255, using: &rng) })
        try big.write(to: dir.appendingPathComponent("data.bin"))
        let expected = try Python.run("""
        import hashlib, sys
        d = open(sys.argv[1], 'rb').read()
        print(' '.join(hashlib.sha256(d[:n]).hexdigest() for n in range(201)))
        print(hashlib.sha256(d).hexdigest())
        """, arguments: [dir.appendingPathComponent("data.bin").path], requiring: []).split(separator: "\n")
        let prefixes = expected[0].split(separator: " ").map(String.init)
        for n in 0...200 { #expect(SHA256.hex(big.prefix(n)) == prefixes[n], "length \(n)") }
        var h = SHA256()
        var at = 0, step = 1
        while at < big.count {
            let end = min(big.count, at + step)
            h.update(big[at..<end])
            at = end
            step = step * 3 % 100_003 + 1
        }
        #expect(h.hexDigest() == String(expected[1]))
        #expect(h.count == Int64(big.count))
    }
}
