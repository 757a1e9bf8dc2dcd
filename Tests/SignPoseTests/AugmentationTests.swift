import Foundation
import Testing
import SignTensor
import SignPose

@Suite("Augmentation")
struct AugmentationTests {
    typealias R = Augmentation.RandomRange

    /// A 4-point custom layout (no parts, no mirror partners), one frame: (1, 0), (0, 2), (−3, 1) present,
    /// point 3 missing with coordinates (5, 5).
    static func tiny() throws -> PoseSequence {
        let l = PoseLayout(name: "tiny", components: [PoseComponent(name: "P", format: "XYC", points: ["a", "b", "c", "d"])])
        return try PoseSequence(layout: l, frames: 1, dims: 2, data: [1, 0, 0, 2, -3, 1, 5, 5], confidence: [1, 0.5, 0.9, 0],
                                fps: 25)
    }

    /// One point moving along a ramp: x_t = 10·t, y_t = −t, confidence 1; point 1 the same but missing
    /// at frame `missingAt`.
    static func ramp(frames: Int, missingAt: Int? = nil) throws -> PoseSequence {
        let l = PoseLayout(name: "ramp", components: [PoseComponent(name: "P", format: "XYC", points: ["a", "b"])])
        var d = [Float](), c = [Float]()
        for t in 0..<frames {
            for p in 0..<2 {
                d += [10 * Float(t), -Float(t)]
                c.append(p == 1 && t == missingAt ? 0 : 1)
            }
        }
        return try PoseSequence(layout: l, frames: frames, dims: 2, data: d, confidence: c, fps: 25)
    }

    static func xy(_ s: PoseSequence, _ t: Int, _ p: Int) -> [Float] { Array(s.coordinates(frame: t, point: p).prefix(2)) }

    static func close(_ a: [Float], _ b: [Float], _ tol: Float = 1e-6) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol }
    }

    static func apply(_ a: Augmentation, _ s: PoseSequence, seed: UInt64 = 1) throws -> PoseSequence {
        var rng = RandomStream(seed: seed)
        return try a.apply(s, rng: &rng)
    }

    // MARK: Spatial, hand-computed

    @Test func rotationBy90Degrees() throws {
        let out = try Self.apply(Augmentation(rotation: R(probability: 1, lower: 90, upper: 90)), try Self.tiny())
        // [[cos 90°, −sin 90°], [sin 90°, cos 90°]] = [[0, −1], [1, 0]]: (x, y) → (−y, x).
        #expect(Self.close(Self.xy(out, 0, 0), [0, 1]))
        #expect(Self.close(Self.xy(out, 0, 1), [-2, 0]))
        #expect(Self.close(Self.xy(out, 0, 2), [-1, -3]))
        #expect(Self.xy(out, 0, 3) == [5, 5], "the missing point is not moved")
        #expect(out.confidence == [1, 0.5, 0.9, 0])
    }

    @Test func scaleAndShear() throws {
        let scaled = try Self.apply(Augmentation(scale: R(probability: 1, lower: 1.1, upper: 1.1)), try Self.tiny())
        #expect(Self.close(Self.xy(scaled, 0, 0), [1.1, 0]))
        #expect(Self.close(Self.xy(scaled, 0, 1), [0, 2.2]))
        #expect(Self.close(Self.xy(scaled, 0, 2), [-3.3, 1.1]))
        #expect(Self.xy(scaled, 0, 3) == [5, 5])

        // H = [[1, 0.1], [0.1, 1]]: (x, y) → (x + 0.1·y, y + 0.1·x).
        let sheared = try Self.apply(Augmentation(shear: R(probability: 1, lower: 0.1, upper: 0.1)), try Self.tiny())
        #expect(Self.close(Self.xy(sheared, 0, 0), [1, 0.1]))
        #expect(Self.close(Self.xy(sheared, 0, 1), [0.2, 2]))
        #expect(Self.close(Self.xy(sheared, 0, 2), [-2.9, 0.7]))
        #expect(Self.xy(sheared, 0, 3) == [5, 5])
    }

    @Test func matrixOrderIsRotationScaleShear() throws {
        // A = R(90°)·S(2)·H(0.1, 0.1): (1, 0) → H (1, 0.1) → S (2, 0.2) → R (−0.2, 2).
        let a = Augmentation(rotation: R(probability: 1, lower: 90, upper: 90), scale: R(probability: 1, lower: 2, upper: 2),
                             shear: R(probability: 1, lower: 0.1, upper: 0.1))
        let out = try Self.apply(a, try Self.tiny())
        #expect(Self.close(Self.xy(out, 0, 0), [-0.2, 2]))
        // (0, 2) → H (0.2, 2) → S (0.4, 4) → R (−4, 0.4).
        #expect(Self.close(Self.xy(out, 0, 1), [-4, 0.4]))
    }

    @Test func probabilityZeroNeverFiresAndDrawnValuesStayInRange() throws {
        let off = Augmentation(rotation: R(probability: 0, lower: 90, upper: 90))
        #expect(try Self.apply(off, try Self.tiny()) == (try Self.tiny()))
        // Rotation in [−10°, 10°] keeps |angle of (1, 0)| ≤ 10°, and it varies with the seed.
        var angles = Set<Float>()
        for seed in 0..<20 {
            let out = try Self.apply(Augmentation(rotation: R(probability: 1, lower: -10, upper: 10)), try Self.tiny(), seed: UInt64(seed))
            let p = Self.xy(out, 0, 0)
            let deg = atan2(p[1], p[0]) * 180 / .pi
            #expect(abs(deg) <= 10.0001 && abs(hypot(p[0], p[1]) - 1) < 1e-6)
            angles.insert(deg)
        }
        #expect(angles.count == 20)
    }

    // MARK: Temporal, hand-computed

    @Test func resamplingInterpolatesLinearlyAndTakesPresenceFromTheNearestFrame() throws {
        let r = try Self.ramp(frames: 5, missingAt: 2)
        // Positions 0, 0.8, 1.6, 2.4, 3.2, 4 (6 frames over 0...4).
        let out = try r.resampled(frames: 6, from: 0, through: 4)
        let expectX: [Float] = [0, 8, 16, 24, 32, 40]
        for j in 0..<6 {
            #expect(Self.close(Self.xy(out, j, 0), [expectX[j], -expectX[j] / 10], 1e-5), "frame \(j): \(Self.xy(out, j, 0))")
        }
        // Point 1 is missing at frame 2: position 1.6 (nearest 2) and 2.4 (nearest 2) are missing, copies of frame 2.
        #expect(out.confidence(frame: 2, point: 1) == 0 && out.confidence(frame: 3, point: 1) == 0)
        #expect(Self.xy(out, 2, 1) == [20, -2] && Self.xy(out, 3, 1) == [20, -2])
        #expect(Self.close(Self.xy(out, 1, 1), [8, -0.8], 1e-5) && out.confidence(frame: 1, point: 1) == 1)
        // Half-way positions 0.5, 1.5, 2.5, 3.5.
        let half = try r.resampled(frames: 4, from: 0.5, through: 3.5)
        #expect((0..<4).map { Self.xy(half, $0, 0)[0] } == [5, 15, 25, 35])
        // Position 1.5 for point 1: frame 2 missing, nearest (ties go to the earlier frame) is 1 → a copy of frame 1.
        #expect(Self.xy(half, 1, 1) == [10, -1] && half.confidence(frame: 1, point: 1) == 1)
        // Position 2.5: nearest is frame 2, missing.
        #expect(half.confidence(frame: 2, point: 1) == 0)
        // Integer positions copy frames exactly.
        #expect(try r.resampled(frames: 5, from: 0, through: 4) == r)
        #expect(throws: PoseError.self) { try r.resampled(frames: 3, from: 1, through: 4.5) }
    }

    @Test func cropResamplesAWindowBackToTheClipLength() throws {
        // T = 5, fraction 0.6 → 3 frames [s, s + 2], s ∈ {0, 1, 2}, resampled to 5 frames at s + j/2:
        // x = 10·(s + j/2) exactly.
        let a = Augmentation(crop: R(probability: 1, lower: 0.6, upper: 0.6))
        var starts = Set<Int>()
        for seed in 0..<40 {
            let out = try Self.apply(a, try Self.ramp(frames: 5), seed: UInt64(seed))
            #expect(out.frameCount == 5)
            let xs = (0..<5).map { Self.xy(out, $0, 0)[0] }
            let s = Int(xs[0] / 10)
            #expect((0...2).contains(s))
            #expect(xs == [0, 5, 10, 15, 20].map { Float(10 * s) + $0 }, "seed \(seed): \(xs)")
            starts.insert(s)
        }
        #expect(starts == [0, 1, 2])
    }

    @Test func speedChangesTheFrameCount() throws {
        // Factor 2 on 5 frames: round(5/2) = 3 frames at positions 0, 2, 4.
        let fast = try Self.apply(Augmentation(speed: R(probability: 1, lower: 2, upper: 2)), try Self.ramp(frames: 5))
        #expect(fast.frameCount == 3 && (0..<3).map { Self.xy(fast, $0, 0)[0] } == [0, 20, 40])
        // Factor 0.8: round(6.25) = 6 frames at 0, 0.8, …, 4.
        let slow = try Self.apply(Augmentation(speed: R(probability: 1, lower: 0.8, upper: 0.8)), try Self.ramp(frames: 5))
        #expect(slow.frameCount == 6)
        #expect(Self.close((0..<6).map { Self.xy(slow, $0, 0)[0] }, [0, 8, 16, 24, 32, 40], 1e-5))
        #expect(slow.fps == 25)
    }

    // MARK: Mirror

    @Test(arguments: [Fixtures.holistic586, Fixtures.coco133, Fixtures.openpose])
    func mirrorTwiceIsTheIdentity(_ name: String) throws {
        let s = try PoseIO.read(Fixtures.path(name))
        let once = try s.mirrored()
        #expect(once != s)
        #expect(try once.mirrored() == s)
        let a = Augmentation(mirror: 1)
        #expect(try Self.apply(a, try Self.apply(a, s, seed: 1), seed: 2) == s)
    }

    @Test func mirrorSwapsTheHands() throws {
        let s = try PoseIO.read(Fixtures.path(Fixtures.coco133))
        let m = try Self.apply(Augmentation(mirror: 1), s)
        let left = s.layout.indices(of: .leftHand)!, right = s.layout.indices(of: .rightHand)!
        #expect(left.count == 21 && right.count == 21)
        for t in [0, 17, s.frameCount - 1] {
            for k in 0..<21 {
                let r = s.coordinates(frame: t, point: right[k]), l = s.coordinates(frame: t, point: left[k])
                #expect(m.coordinates(frame: t, point: left[k]) == [-r[0], r[1]])
                #expect(m.coordinates(frame: t, point: right[k]) == [-l[0], l[1]])
                #expect(m.confidence(frame: t, point: left[k]) == s.confidence(frame: t, point: right[k]))
            }
            // Body: left shoulder (5) ↔ right shoulder (6); the nose (0) stays, flipped.
            let rs = s.coordinates(frame: t, point: 6), nose = s.coordinates(frame: t, point: 0)
            #expect(m.coordinates(frame: t, point: 5) == [-rs[0], rs[1]])
            #expect(m.coordinates(frame: t, point: 0) == [-nose[0], nose[1]])
        }
    }

    @Test func mirrorWithoutPartnersKeepsTheIndexAndRefusesLayoutsItCannotSwap() throws {
        // mslu-79 keeps every 3rd face point: jaw 0 (COCO 23) has its partner jaw 16 (COCO 39) dropped.
        let s = try PoseIO.read(Fixtures.path(Fixtures.coco133)).converted(toLayoutNamed: "mslu-79")
        let jaw0 = s.layout.componentRange(named: "FACE")!.lowerBound
        #expect(s.layout.mirrorPartners[jaw0] == nil)
        let m = try s.mirrored()
        let v = s.coordinates(frame: 3, point: jaw0)
        #expect(m.coordinates(frame: 3, point: jaw0) == [-v[0], v[1]])
        // A custom layout has no partners at all: the mirror would flip without swapping sides.
        #expect(throws: PoseError.self) { try Self.apply(Augmentation(mirror: 0.5), try Self.tiny()) }
    }

    // MARK: Invariants

    @Test func noneIsTheIdentity() throws {
        for name in [Fixtures.coco133, Fixtures.holistic586, Fixtures.autsl543xyzk] {
            let s = try PoseIO.read(Fixtures.path(name))
            #expect(try Self.apply(.none, s) == s)
        }
    }

    /// The coco fixture, normalised, with points 100 and 101 missing everywhere, point 7 missing in
    /// every third frame, and every missing point's coordinates set to the sentinel (9, −9).
    static func withMissingPoints() throws -> PoseSequence {
        var s = try Preprocessing(maxFrames: nil).normalize(try PoseIO.read(Fixtures.path(Fixtures.coco133)))
        let P = s.pointCount, T = s.frameCount
        try s.updateValues { d, c in
            for t in 0..<T {
                c[t * P + 100] = 0; c[t * P + 101] = 0
                if t % 3 == 0 { c[t * P + 7] = 0 }
                for p in 0..<P where c[t * P + p] == 0 { d[(t * P + p) * 2] = 9; d[(t * P + p) * 2 + 1] = -9 }
            }
        }
        return s
    }

    static let everyComponent: [(String, Augmentation)] = [
        ("crop", Augmentation(crop: R(probability: 1, lower: 0.5, upper: 1))),
        ("speed", Augmentation(speed: R(probability: 1, lower: 0.8, upper: 1.2))),
        ("rotation", Augmentation(rotation: R(probability: 1, lower: -10, upper: 10))),
        ("scale", Augmentation(scale: R(probability: 1, lower: 0.9, upper: 1.1))),
        ("shear", Augmentation(shear: R(probability: 1, lower: -0.1, upper: 0.1))),
        ("jitter", Augmentation(jitter: R(probability: 1, lower: 0.005, upper: 0.005))),
        ("mirror", Augmentation(mirror: 1)),
        ("default", .default), ("islr", .islr),
    ]

    @Test func missingPointsStayMissingUnderEveryAugmentation() throws {
        let s = try Self.withMissingPoints()
        let P = s.pointCount
        let missingBefore = s.confidence.filter { $0 == 0 }.count
        #expect(missingBefore > 2 * s.frameCount)
        for (name, a) in Self.everyComponent {
            for seed in 0..<3 {
                let out = try Self.apply(a, s, seed: UInt64(seed))
                // Every missing output point is an untouched copy of a missing input point.
                for k in 0..<(out.frameCount * P) where out.confidence[k] == 0 {
                    #expect(out.data[2 * k] == 9 && out.data[2 * k + 1] == -9, "\(name): point \(k % P) moved while missing")
                }
                // Points missing everywhere stay missing everywhere (at their mirror partner's index after a mirror).
                let mirroredNow = Self.xy(out, 0, 100) != [9, -9]
                let slots = mirroredNow ? [s.layout.mirrorPartners[100]!, s.layout.mirrorPartners[101]!] : [100, 101]
                for t in 0..<out.frameCount {
                    for p in slots { #expect(out.confidence(frame: t, point: p) == 0, "\(name): point \(p) frame \(t)") }
                }
                // Frame-preserving components keep the missing set exactly (up to the mirror permutation).
                if out.frameCount == s.frameCount && !["crop", "default", "islr"].contains(name) {
                    let perm = mirroredNow ? s.layout.mirrorPartners.enumerated().map { $0.element ?? $0.offset } : Array(0..<P)
                    for t in 0..<s.frameCount {
                        for p in 0..<P {
                            #expect((out.confidence(frame: t, point: p) == 0) == (s.confidence(frame: t, point: perm[p]) == 0))
                        }
                    }
                }
            }
        }
    }

    @Test func sameSeedSameOutputDifferentSeedsDiffer() throws {
        let s = try Self.withMissingPoints()
        for a in [Augmentation.default, .islr] {
            let a1 = try Self.apply(a, s, seed: 42), a2 = try Self.apply(a, s, seed: 42), b = try Self.apply(a, s, seed: 43)
            #expect(a1 == a2)
            #expect(a1 != b)
            #expect(a1 != s)
        }
        // The stream advances: two clips augmented from one stream differ.
        var rng = RandomStream(seed: 7)
        let first = try Augmentation.default.apply(s, rng: &rng), second = try Augmentation.default.apply(s, rng: &rng)
        #expect(first != second)
    }

    @Test func invalidValuesAreRejected() throws {
        let s = try Self.tiny()
        for bad in [Augmentation(crop: R(probability: 1, lower: 0, upper: 1)), Augmentation(crop: R(probability: 1, lower: 0.5, upper: 1.5)),
                    Augmentation(speed: R(probability: 1, lower: -1, upper: 1)), Augmentation(rotation: R(probability: 2, lower: 0, upper: 0)),
                    Augmentation(scale: R(probability: 1, lower: 1.1, upper: 0.9)), Augmentation(jitter: R(probability: 1, lower: -1, upper: 0)),
                    Augmentation(mirror: -0.5)] {
            #expect(throws: PoseError.self) { try Self.apply(bad, s) }
        }
    }

    @Test func codableRoundTrip() throws {
        for a in [Augmentation.none, .default, .islr] {
            let json = try JSONEncoder().encode(a)
            #expect(try JSONDecoder().decode(Augmentation.self, from: json) == a)
        }
        let text = String(decoding: try JSONEncoder().encode(Augmentation.islr), as: UTF8.self)
        #expect(text.contains("\"mirror\":0.5") && text.contains("\"crop\":{"))
    }
}
