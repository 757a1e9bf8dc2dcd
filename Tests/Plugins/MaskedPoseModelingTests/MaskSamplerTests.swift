import Foundation
import Testing
import SignCore
import SignPose
import SignTensor
import SignTestSupport
import MaskedPoseModeling

@Suite("MaskedPoseModeling masking")
struct MaskSamplerTests {
    func config(_ weights: [MaskStrategy: Double], ratio: Double = 0.5) -> MaskedPoseConfig {
        var c = MaskedPoseConfig()
        c.strategyWeights = weights
        c.maskRatio = ratio
        return c
    }

    func plan(_ c: MaskedPoseConfig, _ batch: PoseBatch, seed: UInt64) throws -> MaskPlan {
        var rng = RandomStream(seed: seed)
        return try MaskSampler(config: c).sample(batch: batch, rng: &rng)
    }

    /// Frames of clip b that carry any masking (a token, a zeroed joint or a loss point).
    func maskedFrames(_ p: MaskPlan, clip: Int, frames: Int, points: Int) -> [Int] {
        (0..<frames).filter { t in
            (0..<4).contains { p.partTokens.pointer[(clip * frames + t) * 4 + $0] > 0 }
                || (0..<points).contains { p.joints.pointer[(clip * frames + t) * points + $0] > 0 || p.lossPoints.pointer[(clip * frames + t) * points + $0] > 0 }
        }
    }

    @Test func ratioHoldsOverValidFramesOnly() throws {
        let layout = try tinyLayout()
        let lengths = [40, 33, 20, 7, 1, 0, 40, 12]
        let batch = try syntheticBatch(layout: layout, lengths: lengths, frames: 40)
        for ratio in [0.15, 0.5, 0.9] {
            let p = try plan(config([.frame: 1, .clip: 1, .part: 1, .joint: 1], ratio: ratio), batch, seed: 3)
            for (b, n) in lengths.enumerated() {
                let frames = maskedFrames(p, clip: b, frames: 40, points: layout.pointCount)
                #expect(frames.allSatisfy { $0 < n }, "clip \(b): masked a padded frame")
                #expect(frames.count == Int((ratio * Double(n)).rounded()), "clip \(b) ratio \(ratio): \(frames.count) of \(n)")
            }
            #expect(p.validFrames == lengths.reduce(0, +))
            #expect(Swift.abs(Double(p.maskedFrameRatio) - ratio) < 0.02)
        }
        // Ratio 0 masks nothing; ratio 1 every valid frame.
        #expect(try plan(config([.frame: 1], ratio: 0), batch, seed: 1).lossPoints.toArray().allSatisfy { $0 == 0 })
        #expect(try plan(config([.clip: 1], ratio: 1), batch, seed: 1).maskedFrames == lengths.reduce(0, +))
    }

    @Test func clipsAreTwoToEightConsecutiveValidFrames() throws {
        let layout = try tinyLayout()
        let batch = try syntheticBatch(layout: layout, lengths: [64, 50, 64, 31], frames: 64)
        var lengths = Set<Int>()
        for seed in 0..<20 as Range<UInt64> {
            let p = try plan(config([.clip: 1]), batch, seed: seed)
            for u in p.units where u.strategy == .clip {
                lengths.insert(u.frames.count)
                #expect((2...8).contains(u.frames.count))
                #expect(u.frames.upperBound <= [64, 50, 64, 31][u.clip])
                #expect(u.tokens == PartToken.allCases)
                for t in u.frames {
                    #expect((0..<4).allSatisfy { p.partTokens[u.clip, t, $0] == 1 })
                    #expect((0..<layout.pointCount).allSatisfy { p.lossPoints[u.clip, t, $0] == 1 && p.joints[u.clip, t, $0] == 0 })
                }
            }
            // Units never overlap, and fall back to single frames only when no 2-frame run is left.
            for b in 0..<4 {
                let covered = p.units.filter { $0.clip == b }.flatMap { Array($0.frames) }
                #expect(Set(covered).count == covered.count)
            }
            #expect(p.units.filter { $0.strategy == .clip }.count > p.units.filter { $0.strategy == .frame }.count)
        }
        #expect(lengths == Set(2...8))
    }

    @Test func partStrategyMasksManualAndNonManualTokensIndependently() throws {
        let layout = try tinyLayout()
        let batch = try syntheticBatch(layout: layout, lengths: [60, 60, 60, 60], frames: 60)
        var counts = [Int](repeating: 0, count: 4), units = 0, nonManualOnly = 0, manualOnly = 0
        for seed in 0..<25 as Range<UInt64> {
            let p = try plan(config([.part: 1]), batch, seed: seed)
            for u in p.units {
                #expect(u.strategy == .part && u.frames.count == 1 && !u.tokens.isEmpty && u.joints.isEmpty)
                units += 1
                for tok in u.tokens { counts[tok.rawValue] += 1 }
                if u.tokens == [.nonManual] { nonManualOnly += 1 }
                if !u.tokens.contains(.nonManual) { manualOnly += 1 }
                let t = u.frames.lowerBound
                let expected = Set(u.tokens.flatMap { tok in tok.parts.flatMap { layout.indices(of: $0)! } })
                for q in 0..<layout.pointCount {
                    #expect((p.lossPoints[u.clip, t, q] == 1) == expected.contains(q))
                    #expect(p.joints[u.clip, t, q] == 0)
                }
                for tok in PartToken.allCases { #expect((p.partTokens[u.clip, t, tok.rawValue] == 1) == u.tokens.contains(tok)) }
            }
        }
        // P(token masked) = ½ + (1/16)·¼ = 0.515625 with the at-least-one rule; 3000 units.
        for c in counts { #expect(Swift.abs(Double(c) / Double(units) - 0.515625) < 0.04, "\(counts) of \(units)") }
        #expect(nonManualOnly > 0 && manualOnly > 0)
    }

    @Test func partStrategySkipsTokensTheLayoutLacks() throws {
        let layout = try PoseLayouts.named("masa-49")
        let batch = try syntheticBatch(layout: layout, lengths: [30, 30], frames: 30)
        let p = try plan(config([.part: 1]), batch, seed: 4)
        #expect(!p.units.isEmpty)
        #expect(p.units.allSatisfy { !$0.tokens.contains(.nonManual) })
    }

    @Test func jointStrategyZeroesOneToFiveJoints() throws {
        let layout = try tinyLayout()
        let batch = try syntheticBatch(layout: layout, lengths: [50, 50], frames: 50)
        var sizes = Set<Int>()
        for seed in 0..<10 as Range<UInt64> {
            let p = try plan(config([.joint: 1]), batch, seed: seed)
            for u in p.units {
                #expect(u.strategy == .joint && u.tokens.isEmpty)
                sizes.insert(u.joints.count)
                let t = u.frames.lowerBound
                for q in 0..<layout.pointCount {
                    #expect((p.joints[u.clip, t, q] == 1) == u.joints.contains(q))
                    #expect(p.lossPoints[u.clip, t, q] == p.joints[u.clip, t, q])
                }
                #expect((0..<4).allSatisfy { p.partTokens[u.clip, t, $0] == 0 })
            }
        }
        #expect(sizes == Set(1...5))
    }

    @Test func configsBuiltInCodeAreValidatedToo() throws {
        let batch = try syntheticBatch(layout: try tinyLayout(), lengths: [5], frames: 5)
        var c = MaskedPoseConfig()
        c.maskRatio = 1.5
        #expect(tensorError { try plan(c, batch, seed: 1) }?.message == "maskRatio must be in 0…1, got 1.5")
        c = config([.frame: 0])
        #expect(tensorError { try plan(c, batch, seed: 1) }?.message.hasPrefix("strategy weights must be") == true)
        c = MaskedPoseConfig()
        c.maxClipLength = 1
        #expect(tensorError { try plan(c, batch, seed: 1) }?.message == "clip lengths must satisfy 2 ≤ min ≤ max, got 2…1")
    }

    @Test func sameSeedSameMaskOtherSeedOtherMask() throws {
        let layout = try tinyLayout()
        let batch = try syntheticBatch(layout: layout, lengths: [30, 25, 12], frames: 30)
        let c = config([.frame: 1, .clip: 2, .part: 3, .joint: 1])
        let a = try plan(c, batch, seed: 42), b = try plan(c, batch, seed: 42), d = try plan(c, batch, seed: 43)
        #expect(a.units == b.units)
        #expect(a.partTokens.toArray() == b.partTokens.toArray() && a.joints.toArray() == b.joints.toArray())
        #expect(a.lossPoints.toArray() == b.lossPoints.toArray())
        #expect(a.units != d.units)
        // All four strategies showed up in the mix.
        #expect(Set(a.units.map(\.strategy)) == Set(MaskStrategy.allCases))
    }
}
