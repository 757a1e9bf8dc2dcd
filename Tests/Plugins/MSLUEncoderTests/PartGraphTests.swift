import Foundation
import Testing
import MSLUEncoder
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport

@Suite("MSLU part graphs")
struct MSLUPartGraphTests {
    let strategy = Graph.Strategy.distance(maxHop: 1)

    @Test func mslu79GraphsFollowTheCocoSkeleton() throws {
        let g = try LayoutGraphs(layout: try PoseLayouts.named("mslu-79"), strategy: strategy)
        #expect(g.body.indices == Array(0...10))
        // COCO body limbs among points 0–10 (the hips only repeat the shoulder–shoulder link).
        #expect(g.body.edges == [[0, 1], [0, 2], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 6], [5, 7], [6, 8], [7, 9], [8, 10]])
        #expect(g.leftHand.nodes == 21 && g.rightHand.nodes == 21)
        #expect(g.rightHand.edges.count == 20)
        #expect(g.leftHand.indices == Array(37..<58) && g.rightHand.indices == Array(58..<79))
        let nm = try #require(g.nonManual)
        #expect(nm.indices == Array(11..<37))
        // Face points 0, 3, …, 45 of the 68: the jaw keeps 0–3–6–9–12–15 as a chain (nodes 0…5),
        // contracted through the dropped jaw points; mouth points 48, 50, …, 66 (nodes 16…25) form the lips.
        for i in 0..<5 { #expect(nm.edges.contains([i, i + 1]), "jaw \(i)") }
        for i in 16..<21 { #expect(nm.edges.contains([i, i + 1]), "outer lip \(i)") }
    }

    @Test func holisticGraphsUseTheFaceContours() throws {
        let layout = try PoseLayouts.named("mediapipe-holistic-543")
        let g = try LayoutGraphs(layout: layout, strategy: strategy)
        #expect(g.body.nodes == 25)
        #expect(g.rightHand.edges.count == 21)   // MediaPipe's hand has the palm link 5–9 … as its own limbs
        let nm = try #require(g.nonManual)
        #expect(nm.nodes == 128)
        #expect(nm.edges.count > 100)
    }

    @Test func layoutWithoutFaceHasNoNonManualGraph() throws {
        let g = try LayoutGraphs(layout: try PoseLayouts.named("holistic-hands-body-75"), strategy: strategy)
        #expect(g.nonManual == nil)
    }

    @Test func missingHandsNameTheLayoutAndThePart() throws {
        let coco = try PoseLayouts.named("coco-wholebody-133")
        let noHands = try coco.selecting(Array(0..<91), name: "body-and-face-91")
        do {
            _ = try LayoutGraphs(layout: noHands, strategy: strategy)
            Issue.record("a layout without hands must be refused")
        } catch {
            let text = "\(error)"
            #expect(text.contains("body-and-face-91"), "\(text)")
            #expect(text.contains("left hand") && text.contains("right hand"), "\(text)")
        }
    }

    /// The twin's fixture reads the mslu-79 graphs from this committed file; it must stay what Swift builds.
    @Test func committedGraphJSONMatchesSwift() throws {
        let g = try LayoutGraphs(layout: try PoseLayouts.named("mslu-79"), strategy: strategy)
        let url = fixturesRoot.appendingPathComponent("reference/mslu/mslu-79-graphs.json")
        let actual = try g.json()
        let a = try JSONSerialization.jsonObject(with: actual) as! NSDictionary
        let e = (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? NSDictionary }
        if e != a {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("mslu-79-graphs.json")
            try actual.write(to: out)
            Issue.record("graphs differ from \(url.path); Swift's are in \(out.path)")
        }
    }
}
