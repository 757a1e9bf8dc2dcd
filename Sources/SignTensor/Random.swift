/// A seeded random stream (xoshiro256**), one per purpose: init, dropout, masking, augmentation,
/// shuffling. The same seed gives the same sequence on every machine.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Float?

    public init(seed: UInt64) {
        // SplitMix64 expands the seed into the 256-bit state.
        var x = seed
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (next(), next(), next(), next())
    }

    /// An independent stream derived from this one's seed and a purpose tag.
    public func derived(_ tag: UInt64) -> RandomStream {
        var copy = self
        return RandomStream(seed: copy.next() ^ (tag &* 0x9E37_79B9_7F4A_7C15))
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Standard normal (Box–Muller; pairs cached).
    public mutating func normal() -> Float {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = uniform()
        while u1 <= 1e-12 { u1 = uniform() }
        let u2 = uniform()
        let r = (-2 * log(Double(u1))).squareRoot()
        let th = 2 * Double.pi * Double(u2)
        spareNormal = Float(r * sin(th))
        return Float(r * cos(th))
    }

    /// Uniform integer in [0, n).
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

import Foundation
