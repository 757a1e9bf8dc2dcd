import Foundation
import Testing
import SignTensor
import SignPose
import SignTestSupport

/// Helpers shared by the synthetic-sign tests.
enum SynthTestSupport {
    static let coco = try! PoseLayouts.named("coco-wholebody-133")
    static let holistic = try! PoseLayouts.named("mediapipe-holistic-543")

    /// Flat index of the point called `name` (in any component).
    static func index(_ layout: PoseLayout, _ names: [String]) -> Int {
        for (c, comp) in layout.components.enumerated() {
            if let i = comp.points.firstIndex(where: { names.contains($0) }) { return layout.componentOffsets[c] + i }
        }
        fatalError("no point named \(names) in \(layout.name)")
    }

    static func xy(_ s: PoseSequence, _ t: Int, _ p: Int) -> SIMD2<Float> {
        let v = s.coordinates(frame: t, point: p)
        return SIMD2(v[0], v[1])
    }

    /// Shoulder midpoint and shoulder width in frame t, or nil when a shoulder is missing.
    static func shoulders(_ s: PoseSequence, _ t: Int) -> (SIMD2<Float>, Float)? {
        let l = index(s.layout, ["left_shoulder", "LEFT_SHOULDER"]), r = index(s.layout, ["right_shoulder", "RIGHT_SHOULDER"])
        guard s.confidence(frame: t, point: l) > 0, s.confidence(frame: t, point: r) > 0 else { return nil }
        let a = xy(s, t, l), b = xy(s, t, r)
        let d = a - b
        return ((a + b) / 2, (d * d).sum().squareRoot())
    }

    /// Mean hand positions over time: for each third of the clip and each hand, the mean over frames of
    /// the centroid of the hand's present points, relative to the shoulder midpoint and divided by the
    /// shoulder width (0 when the hand is never seen in that third). 3 × 2 × 2 = 12 values.
    static func meanHandFeatures(_ s: PoseSequence) -> [Float] {
        let hands = [s.layout.indices(of: .leftHand)!, s.layout.indices(of: .rightHand)!]
        var out = [Float]()
        for third in 0..<3 {
            let lo = third * s.frameCount / 3, hi = (third + 1) * s.frameCount / 3
            for hand in hands {
                var sum = SIMD2<Float>(), n: Float = 0
                for t in lo..<hi {
                    guard let (mid, width) = shoulders(s, t) else { continue }
                    var c = SIMD2<Float>(), k: Float = 0
                    for p in hand where s.confidence(frame: t, point: p) > 0 { c += xy(s, t, p); k += 1 }
                    guard k > 0 else { continue }
                    sum += (c / k - mid) / width
                    n += 1
                }
                let m = n > 0 ? sum / n : SIMD2()
                out += [m.x, m.y]
            }
        }
        return out
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }
}

@Suite("Synthetic signs")
struct SyntheticSignTests {
    typealias S = SynthTestSupport

    @Test func sameSeedGivesIdenticalSequences() throws {
        let a = try SyntheticSignGenerator(signs: 8, signers: 4, seed: 7)
        let b = try SyntheticSignGenerator(signs: 8, signers: 4, seed: 7)
        #expect(a.vocabulary == b.vocabulary)
        #expect(a.signers == b.signers)
        for layout in [S.coco, S.holistic] {
            let x = try a.isolated(sign: 3, signer: 1, take: 2, layout: layout)
            _ = try b.isolated(sign: 5, signer: 0, layout: layout)  // other samples first: no effect
            let y = try b.isolated(sign: 3, signer: 1, take: 2, layout: layout)
            #expect(x == y)
            let sx = try a.sentence(signs: [1, 4, 2], signer: 2, layout: layout)
            let sy = try b.sentence(signs: [1, 4, 2], signer: 2, layout: layout)
            #expect(sx.sequence == sy.sequence && sx.spans == sy.spans)
            #expect(sx.spans.count == 3 && sx.spans.allSatisfy { !$0.isEmpty })
            #expect(zip(sx.spans, sx.spans.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "transitions between signs")
        }
        // Another seed, another take, another signer: other sequences.
        let c = try SyntheticSignGenerator(signs: 8, signers: 4, seed: 8)
        #expect(c.vocabulary != a.vocabulary)
        let base = try a.isolated(sign: 3, signer: 1, layout: S.coco)
        #expect(try c.isolated(sign: 3, signer: 1, layout: S.coco) != base)
        #expect(try a.isolated(sign: 3, signer: 1, take: 1, layout: S.coco) != base)
        #expect(try a.isolated(sign: 3, signer: 2, layout: S.coco) != base)
    }

    /// Every pair of signs, performed by the same signer, differs: the mean distance between their
    /// hand points (both hands, 21 points each, resampled to 32 time steps, in shoulder widths) is large.
    @Test func signsDifferFromEachOther() throws {
        let g = try SyntheticSignGenerator(signs: 12, signers: 3, seed: 3)
        #expect(Set(g.vocabulary.map(\.gloss)).count == 12)
        let hands = S.coco.indices(of: .leftHand)! + S.coco.indices(of: .rightHand)!
        func track(_ s: PoseSequence) -> [SIMD2<Float>] {
            (0..<32).flatMap { k -> [SIMD2<Float>] in
                let t = k * (s.frameCount - 1) / 31
                let (mid, w) = S.shoulders(s, t) ?? S.shoulders(s, max(t - 1, 0)) ?? (SIMD2(256, 256), 150)
                return hands.map { p in s.confidence(frame: t, point: p) > 0 ? (S.xy(s, t, p) - mid) / w : SIMD2(.nan, .nan) }
            }
        }
        let tracks = try (0..<12).map { track(try g.isolated(sign: $0, signer: 0, layout: S.coco)) }
        var smallest: Float = .infinity
        for i in 0..<12 {
            for j in (i + 1)..<12 {
                let d = zip(tracks[i], tracks[j]).compactMap { a, b -> Float? in
                    let v = a - b
                    return v.x.isNaN || v.y.isNaN ? nil : (v * v).sum().squareRoot()
                }
                smallest = min(smallest, d.reduce(0, +) / Float(d.count))
            }
        }
        print("synthetic signs: closest pair's mean hand-point distance \(smallest) shoulder widths")
        #expect(smallest > 0.05, "closest pair of signs: mean hand-point distance \(smallest) shoulder widths")
    }

    @Test func droppedKeypointsHaveConfidenceZero() throws {
        let g = try SyntheticSignGenerator(signs: 6, signers: 10, seed: 11)
        var droppedBody = 0, droppedHands = 0
        for layout in [S.coco, S.holistic] {
            let legs = layout.name == S.coco.name ? Array(13...22) : Array(25...32)
            let body = layout.indices(of: .body)!
            for sign in 0..<6 {
                let s = try g.isolated(sign: sign, signer: sign + 2, layout: layout)
                for t in 0..<s.frameCount {
                    for p in 0..<s.pointCount {
                        let c = s.confidence(frame: t, point: p)
                        if c == 0 {
                            #expect(s.coordinates(frame: t, point: p).allSatisfy { $0 == 0 }, "missing point \(p) has coordinates")
                        } else {
                            #expect(c > 0.3 && c <= 1, "confidence \(c)")
                        }
                    }
                    for p in legs { #expect(s.confidence(frame: t, point: p) == 0, "legs are out of the picture") }
                    droppedBody += body.filter { s.confidence(frame: t, point: $0) == 0 }.count
                    for part in [PosePart.leftHand, .rightHand] {
                        let idx = layout.indices(of: part)!
                        let missing = idx.filter { s.confidence(frame: t, point: $0) == 0 }.count
                        droppedHands += missing
                        if layout.name == S.holistic.name {
                            #expect(missing == 0 || missing == 21, "MediaPipe loses a hand as a whole")
                        }
                    }
                    if layout.name == S.holistic.name {
                        #expect(layout.nonManualIndices.allSatisfy { s.confidence(frame: t, point: $0) == 1 })
                    }
                }
            }
        }
        #expect(droppedBody > 0 && droppedHands > 0, "body \(droppedBody), hands \(droppedHands) dropped")
    }

    @Test func layoutsAndPlausibleBodies() throws {
        let g = try SyntheticSignGenerator(signs: 3, signers: 3, seed: 5, width: 640, height: 480, fps: 30)
        let c = try g.isolated(sign: 1, signer: 0, layout: S.coco)
        #expect(c.layout == S.coco && c.dims == 2 && c.width == 640 && c.height == 480 && c.fps == 30)
        let h = try g.isolated(sign: 1, signer: 0, layout: S.holistic)
        #expect(h.layout == S.holistic && h.dims == 3 && c.frameCount == h.frameCount)
        for s in [c, h] {
            #expect(s.layout.presentParts == PosePart.allCases)
            let nose = S.index(s.layout, ["nose", "NOSE"]), hip = S.index(s.layout, ["left_hip", "LEFT_HIP"])
            for t in 0..<s.frameCount {
                guard let (mid, w) = S.shoulders(s, t) else { continue }
                #expect(w > 90 && w < 200, "shoulder width \(w) px")
                if s.confidence(frame: t, point: nose) > 0 { #expect(S.xy(s, t, nose).y < mid.y - 0.4 * w, "nose above the shoulders") }
                if s.confidence(frame: t, point: hip) > 0 { #expect(S.xy(s, t, hip).y > mid.y + w, "hips below the shoulders") }
            }
        }
        // Subsets come from point selection.
        for (name, base) in [("mslu-79", c), ("masa-49", c), ("reduced-holistic-178", h), ("holistic-hands-body-75", h)] {
            let layout = try PoseLayouts.named(name)
            let s = try g.isolated(sign: 1, signer: 0, layout: layout)
            #expect(s.layout.name == name && s.pointCount == layout.pointCount)
            #expect(s == (try base.converted(to: layout.withDims(base.dims))))
        }
        #expect(throws: PoseError.self) { try g.isolated(sign: 1, signer: 0, layout: try PoseLayouts.named("mediapipe-holistic-576")) }
        #expect(throws: PoseError.self) { try g.isolated(sign: 3, signer: 0, layout: S.coco) }
        #expect(throws: PoseError.self) { try SyntheticSignGenerator(signs: 3, signers: 2) }
    }

    /// Facial cues show in the face points: a mouth-open sign opens the inner lips, an eyebrows-raised
    /// sign lifts the brows, relative to a sign without a cue (COCO face: inner lips 62/66, brows
    /// 17–26, eyes 36–47; lengths in outer eye-corner distances 36–45).
    @Test func facialCuesAreVisible() throws {
        let g = try SyntheticSignGenerator(signs: 40, signers: 3, seed: 2)
        let mouthSign = try #require(g.vocabulary.first { $0.facialCue == .mouthOpen })
        let browSign = try #require(g.vocabulary.first { $0.facialCue == .eyebrowsRaised })
        let plainSign = try #require(g.vocabulary.first { $0.facialCue == nil })
        func face(_ k: Int) -> Int { 23 + k }
        func measures(_ sign: Int) throws -> (mouth: Float, brows: Float) {
            let s = try g.isolated(sign: sign, signer: 0, layout: S.coco)
            var mouth: Float = 0, brows: [Float] = []
            for t in 0..<s.frameCount {
                let pts = [36, 45, 62, 66] + Array(17...26) + Array(36...47)
                guard pts.allSatisfy({ s.confidence(frame: t, point: face($0)) > 0 }) else { continue }
                let eye = S.xy(s, t, face(45)) - S.xy(s, t, face(36))
                let unit = (eye * eye).sum().squareRoot()
                mouth = max(mouth, (S.xy(s, t, face(66)).y - S.xy(s, t, face(62)).y) / unit)
                let browY = (17...26).map { S.xy(s, t, face($0)).y }.reduce(0, +) / 10
                let eyeY = (36...47).map { S.xy(s, t, face($0)).y }.reduce(0, +) / 12
                brows.append((eyeY - browY) / unit)
            }
            brows.sort()
            return (mouth, brows[brows.count * 9 / 10] - brows[brows.count / 10])
        }
        let plain = try measures(plainSign.index)
        let open = try measures(mouthSign.index)
        let raised = try measures(browSign.index)
        #expect(open.mouth > plain.mouth + 0.15, "inner-lip gap \(open.mouth) vs \(plain.mouth)")
        #expect(raised.brows > plain.brows + 0.07, "brow range \(raised.brows) vs \(plain.brows)")
    }

    /// The class is in the signal: a 1-nearest-neighbour classifier on mean hand positions per third of
    /// the clip, trained on the train signers, recognises the held-out (dev + test) signers' samples far
    /// above chance (1/20).
    @Test(arguments: ["coco-wholebody-133", "mediapipe-holistic-543"])
    func nearestNeighbourBeatsChanceOnHeldOutSigners(layoutName: String) throws {
        let layout = try PoseLayouts.named(layoutName)
        let signs = 20, signers = 10
        let g = try SyntheticSignGenerator(signs: signs, signers: signers, seed: 42)
        var train = [(features: [Float], label: Int)](), heldOut = [(features: [Float], label: Int)]()
        for i in 0..<signs {
            for j in 0..<signers {
                let signer = (i + j) % signers
                let f = S.meanHandFeatures(try g.isolated(sign: i, signer: signer, layout: layout))
                if g.signers[signer].split == "train" { train.append((f, i)) } else { heldOut.append((f, i)) }
            }
        }
        #expect(train.count == 160 && heldOut.count == 40)
        var correct = 0
        for sample in heldOut {
            let nearest = train.min { S.distance($0.features, sample.features) < S.distance($1.features, sample.features) }!
            if nearest.label == sample.label { correct += 1 }
        }
        let accuracy = Double(correct) / Double(heldOut.count)
        print("synthetic \(layoutName): 1-NN accuracy on held-out signers \(accuracy) (chance 0.05)")
        #expect(accuracy >= 0.6, "1-NN accuracy on held-out signers \(accuracy) (chance 0.05)")
    }
}
