import Testing
import SignPose

@Suite("Pose layouts")
struct LayoutTests {
    /// The MSLU 79 points, typed from the table in paper-notes §2.3 (not computed).
    static let mslu79FromNotes: [Int] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,                                   // upper body 0–10
        23, 26, 29, 32, 35, 38, 41, 44, 47, 50, 53, 56, 59, 62, 65, 68,     // rest of face, every 3rd
        71, 73, 75, 77, 79, 81, 83, 85, 87, 89,                             // mouth, every 2nd
        91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
        112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132,
    ]

    @Test func mslu79IsTheNotesIndexListIndexByIndex() throws {
        let l = try PoseLayouts.named("mslu-79")
        let coco = try PoseLayouts.named("coco-wholebody-133")
        #expect(Self.mslu79FromNotes.count == 79)
        #expect(l.pointCount == 79)
        #expect(l.origin?.parent == "coco-wholebody-133")
        let idx = try #require(l.origin?.indices)
        #expect(idx.count == 79)
        for i in 0..<79 {
            #expect(idx[i] == Self.mslu79FromNotes[i], "mslu-79 point \(i)")
            let a = l.pointName(at: i), b = coco.pointName(at: Self.mslu79FromNotes[i])
            #expect(a.component == b.component && a.point == b.point, "mslu-79 point \(i): \(a) vs \(b)")
        }
        #expect(l.indices(of: .body)?.count == 11)
        #expect(l.indices(of: .leftHand)?.count == 21)
        #expect(l.indices(of: .rightHand)?.count == 21)
        #expect(l.indices(of: .face)?.count == 16)
        #expect(l.indices(of: .mouth)?.count == 10)
        #expect(l.manualIndices.count == 53)
        #expect(l.nonManualIndices.count == 26)
        // COCO-WB 71 (iBUG 48, left mouth corner) is mslu point 27, its partner 77 (iBUG 54) is point 30.
        #expect(l.pointName(at: 27).point == "face-48" && l.mirrorPartners[27] == 30)
        // iBUG 0 (COCO-WB 23) mirrors to iBUG 16 (COCO-WB 39), which mslu-79 does not keep.
        #expect(l.mirrorPartners[11] == nil)
        #expect(l.mirrorPermutation == nil)
    }

    @Test func unisignAndMasaSubsets() throws {
        let u = try PoseLayouts.named("unisign-69")
        #expect(u.origin?.indices == [0, 3, 4, 5, 6, 7, 8, 9, 10, 23, 25, 27, 29, 31, 33, 35, 37, 39, 53,
                                       83, 84, 85, 86, 87, 88, 89, 90] + Array(91...132))
        #expect(u.indices(of: .body)?.count == 9)
        #expect(u.indices(of: .face)?.count == 10)   // 9 jaw points + nose tip
        #expect(u.indices(of: .mouth)?.count == 8)   // inner lip
        #expect(u.mirrorPermutation != nil)
        let m = try PoseLayouts.named("masa-49")
        #expect(m.origin?.indices == [0, 5, 6, 7, 8, 9, 10] + Array(91...132))
        #expect(m.indices(of: .body)?.count == 7)
        #expect(m.indices(of: .face) == nil && m.indices(of: .mouth) == nil)
        #expect(m.nonManualIndices.isEmpty)
        #expect(m.absentParts == [.face, .mouth])
    }

    @Test func registeredLayoutsPartsAndCounts() throws {
        // name: points, body, face, mouth, hands (nil = absent)
        let expected: [(String, Int, Int?, Int?, Int?, Int?)] = [
            ("coco-wholebody-133", 133, 13, 48, 20, 21),
            ("mediapipe-holistic-543", 543, 25, 88, 40, 21),
            ("mediapipe-holistic-576", 576, 25, 88, 40, 21),
            ("mediapipe-holistic-586", 586, 25, 88, 40, 21),
            ("reduced-holistic-178", 178, 8, 88, 40, 21),
            ("holistic-hands-body-75", 75, 25, nil, nil, 21),
            ("openpose-137", 137, 15, 50, 20, 21),
            ("mslu-79", 79, 11, 16, 10, 21),
            ("unisign-69", 69, 9, 10, 8, 21),
            ("masa-49", 49, 7, nil, nil, 21),
        ]
        #expect(PoseLayouts.names == expected.map(\.0))
        for (name, points, body, face, mouth, hand) in expected {
            let l = try PoseLayouts.named(name)
            #expect(l.pointCount == points, "\(name)")
            #expect(l.indices(of: .body)?.count == body, "\(name) body")
            #expect(l.indices(of: .face)?.count == face, "\(name) face")
            #expect(l.indices(of: .mouth)?.count == mouth, "\(name) mouth")
            #expect(l.indices(of: .leftHand)?.count == hand, "\(name) left hand")
            #expect(l.indices(of: .rightHand)?.count == hand, "\(name) right hand")
            #expect(PoseLayouts.identify(l.components) == name)
            #expect(PoseLayouts.withPointCount(points)?.name == name)
            // Parts are disjoint.
            let all = l.presentParts.flatMap { l.indices(of: $0)! }
            #expect(Set(all).count == all.count, "\(name) parts overlap")
        }
    }

    @Test func mirrorPermutationsAreInvolutionsWithKnownPairs() throws {
        for name in PoseLayouts.names where name != "mslu-79" {
            let l = try PoseLayouts.named(name)
            let p = try #require(l.mirrorPermutation, "\(name) should be closed under mirroring")
            for i in 0..<p.count { #expect(p[p[i]] == i, "\(name) point \(i)") }
            // Parts map onto their mirrored parts.
            for (a, b) in [(PosePart.leftHand, PosePart.rightHand), (.body, .body), (.face, .face), (.mouth, .mouth)] {
                guard let ia = l.indices(of: a) else { continue }
                #expect(Set(ia.map { p[$0] }) == Set(l.indices(of: b)!), "\(name) \(a)")
            }
        }
        let coco = try PoseLayouts.named("coco-wholebody-133").mirrorPermutation!
        #expect(coco[0] == 0 && coco[5] == 6 && coco[9] == 10 && coco[17] == 20)
        #expect(coco[23] == 39 && coco[31] == 31 && coco[71] == 77 && coco[74] == 74 && coco[83] == 87)
        #expect(coco[59] == 68 && coco[62] == 65)   // eye corners iBUG 36 ↔ 45, 39 ↔ 42
        for i in 0..<21 { #expect(coco[91 + i] == 112 + i) }
        let h = try PoseLayouts.named("mediapipe-holistic-543")
        let hp = h.mirrorPermutation!
        #expect(hp[0] == 0 && hp[11] == 12 && hp[9] == 10)          // NOSE, shoulders, mouth corners
        #expect(h.pointName(at: hp[33 + 33]).point == "263")        // right eye outer corner ↔ left
        #expect(hp[33 + 1] == 33 + 1)                                // nose tip on the mid-line
        #expect(hp[501] == 522)                                      // LEFT_HAND WRIST ↔ RIGHT_HAND WRIST
        let op = try PoseLayouts.named("openpose-137").mirrorPermutation!
        #expect(op[2] == 5 && op[1] == 1 && op[15] == 16 && op[25 + 68] == 25 + 69)
    }

    @Test func subsetSemanticsEqualDerivationFromNames() throws {
        for name in ["mslu-79", "unisign-69", "masa-49", "reduced-holistic-178", "holistic-hands-body-75"] {
            let l = try PoseLayouts.named(name)
            let fromNames = PoseLayout(name: name, components: l.components)
            #expect(fromNames.family == l.family)
            #expect(fromNames.partIndices == l.partIndices, "\(name)")
            #expect(fromNames.mirrorPartners == l.mirrorPartners, "\(name)")
        }
    }

    @Test func holisticFacePartsAreMediaPipeContourSets() throws {
        // The reduced face of a real pose-format file is FACEMESH_CONTOURS: its named points are exactly the
        // face + mouth parts of the full 543 layout.
        let seq = try PoseFormat.read(Fixtures.path(Fixtures.reducedV01))
        #expect(seq.layout.name == "reduced-holistic-178")
        let names = seq.layout.components[1].points
        #expect(names.count == 128)
        let h = try PoseLayouts.named("mediapipe-holistic-543")
        let faceAndMouth = Set(h.nonManualIndices.map { h.pointName(at: $0).point })
        #expect(Set(names) == faceAndMouth)
        let lips = Set(h.indices(of: .mouth)!.map { Int(h.pointName(at: $0).point)! })
        #expect(lips.count == 40 && lips.contains(61) && lips.contains(291) && lips.contains(13) && lips.contains(14))
        #expect(try seq.layout.partIndices == PoseLayouts.named("reduced-holistic-178").partIndices)
    }

    @Test func fixturesAreIdentified() throws {
        let expected: [String: String] = [
            Fixtures.openpose: "openpose-137", Fixtures.reducedV01: "reduced-holistic-178",
            Fixtures.holistic586: "mediapipe-holistic-586", Fixtures.coco133: "coco-wholebody-133",
            Fixtures.phoenix543: "mediapipe-holistic-543", Fixtures.autsl543xyzk: "mediapipe-holistic-543",
            Fixtures.dgsReducedV02: "reduced-holistic-178", Fixtures.asl576: "mediapipe-holistic-576",
            Fixtures.fingerspelling75: "holistic-hands-body-75",
        ]
        for f in Fixtures.all {
            let seq = try PoseFormat.read(Fixtures.path(f))
            #expect(seq.layout.name == expected[f], "\(f)")
            let registered = try PoseLayouts.named(expected[f]!)
            #expect(seq.layout.partIndices == registered.partIndices, "\(f)")
            #expect(seq.layout.mirrorPartners == registered.mirrorPartners, "\(f)")
        }
    }

    @Test func unknownComponentsGiveCustomLayoutWithoutParts() throws {
        let l = PoseLayouts.layout(for: [PoseComponent(name: "BODY_133", format: "XYC", points: ["a", "b"])])
        #expect(l.name == "custom" && l.family == .custom)
        #expect(l.presentParts.isEmpty && l.mirrorPermutation == nil)
        #expect(throws: PoseError("<memory>", .missingPart, "layout custom has no body, left hand, right hand (needed: body, left hand, right hand; present: none)")) {
            try l.require(PosePart.manual)
        }
    }

    @Test func requireNamesTheMissingPart() throws {
        let l = try PoseLayouts.named("holistic-hands-body-75")
        try l.require(PosePart.manual)
        let e = try #require(throws: PoseError.self) { try l.require(PosePart.manual + PosePart.nonManual, file: "fs.pose") }
        #expect(e.kind == .missingPart && e.file == "fs.pose")
        #expect(e.reason.contains("holistic-hands-body-75") && e.reason.contains("no face, mouth"))
        #expect(throws: PoseError.self) { try PoseLayouts.named("no-such-layout") }
    }

    @Test func selectingRenumbersLimbsAndComposesOrigins() throws {
        let coco = try PoseLayouts.named("coco-wholebody-133")
        let sub = try coco.selecting([5, 7, 9], name: "left-arm")
        #expect(sub.components.count == 1)
        #expect(sub.components[0].points == ["left_shoulder", "left_elbow", "left_wrist"])
        #expect(Set(sub.components[0].limbs) == [PoseLimb(0, 1), PoseLimb(1, 2)])
        let mslu = try PoseLayouts.named("mslu-79")
        let subsub = try mslu.selecting([0, 78], name: "two")
        #expect(subsub.origin == PoseSubsetOrigin(parent: "coco-wholebody-133", indices: [0, 132]))
        #expect(throws: PoseError.self) { try coco.selecting([3, 2], name: "bad") }
        #expect(throws: PoseError.self) { try coco.selecting([133], name: "bad") }
    }
}
