import Foundation
import SignNN
import SignPose
import SignTensor

/// The skeleton graph of one part token on one layout: which points feed it and how they connect.
public struct PartGraph: Equatable, Sendable {
    /// Flat point indices of the layout, in part order (node i of the graph is point `indices[i]`).
    public let indices: [Int]
    /// Undirected edges between graph nodes (positions in `indices`), each (a, b) with a < b, sorted.
    public let edges: [[Int]]

    public var nodes: Int { indices.count }

    /// The part's graph on `layout`: the layout's limbs with both ends in `points`. For a subset
    /// layout whose parent is registered (`mslu-79` ⊂ `coco-wholebody-133`), the parent's skeleton is
    /// contracted onto the kept points instead: two kept points are adjacent when the parent's limbs
    /// join them through points of the same part group that the subset dropped. The 16 face and 10
    /// mouth points of mslu-79 (every 3rd / 2nd COCO face point) keep no limb of their own, but
    /// contract to chains along the jaw, brows, nose, eyes and lips.
    static func build(layout: PoseLayout, points: [Int], parts: [PosePart]) -> PartGraph {
        if let origin = layout.origin, let parent = try? PoseLayouts.named(origin.parent) {
            let parentPoints = Set(parts.flatMap { parent.indices(of: $0) ?? [] })
            let kept = points.map { origin.indices[$0] }
            return PartGraph(indices: points, edges: contractedEdges(parent: parent, parentPoints: parentPoints, kept: kept))
        }
        let position = Dictionary(uniqueKeysWithValues: points.enumerated().map { ($0.element, $0.offset) })
        var edges = Set<[Int]>()
        for (a, b) in flatLimbs(layout) {
            if let i = position[a], let j = position[b], i != j { edges.insert([min(i, j), max(i, j)]) }
        }
        return PartGraph(indices: points, edges: edges.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Edges between `kept` (parent indices, node order) joined in the parent skeleton by paths whose
    /// inner points are dropped points of `parentPoints`.
    static func contractedEdges(parent: PoseLayout, parentPoints: Set<Int>, kept: [Int]) -> [[Int]] {
        var neighbours = [Int: [Int]]()
        for (a, b) in flatLimbs(parent) where a != b && parentPoints.contains(a) && parentPoints.contains(b) {
            neighbours[a, default: []].append(b)
            neighbours[b, default: []].append(a)
        }
        let node = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($0.element, $0.offset) })
        var edges = Set<[Int]>()
        for (i, start) in kept.enumerated() {
            var seen: Set<Int> = [start], frontier = [start]
            while let p = frontier.popLast() {
                for q in neighbours[p] ?? [] where seen.insert(q).inserted {
                    if let j = node[q] { if j != i { edges.insert([min(i, j), max(i, j)]) } }
                    else { frontier.append(q) }
                }
            }
        }
        return edges.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Every limb of the layout in flat point indices.
    static func flatLimbs(_ layout: PoseLayout) -> [(Int, Int)] {
        layout.components.enumerated().flatMap { c, comp in
            comp.limbs.map { (layout.componentOffsets[c] + $0.from, layout.componentOffsets[c] + $0.to) }
        }
    }

    /// The aggregation matrix G [K·V, V], G[k·V + w, v] = A[k, v, w], of `Graph.adjacency` on this graph.
    func aggregation(strategy: Graph.Strategy) throws -> Tensor {
        let a = try Graph.adjacency(nodes: nodes, edges: edges.map { ($0[0], $0[1]) }, strategy: strategy)
        let k = a.shape[0], v = nodes
        let g = Tensor(uninitializedShape: [k * v, v])
        for p in 0..<k { for w in 0..<v { for u in 0..<v { g.pointer[(p * v + w) * v + u] = a.pointer[(p * v + u) * v + w] } } }
        return g
    }
}

/// The four part graphs of a layout with their aggregation matrices (built once per layout).
public struct LayoutGraphs {
    public let layout: String
    public let body: PartGraph
    /// Left and right hand: the same graph over each side's points (the hands share one GCN).
    public let leftHand: PartGraph
    public let rightHand: PartGraph
    /// Face + mouth points together; nil when the layout has neither (the non-manual branch is absent).
    public let nonManual: PartGraph?
    let bodyAggregation: Tensor
    let handAggregation: Tensor
    let nonManualAggregation: Tensor?

    /// Throws `PoseError.missingPart` naming the layout and the missing manual parts, or a
    /// `TensorError` when the two hands' graphs differ (mirroring needs corresponding points).
    public init(layout: PoseLayout, strategy: Graph.Strategy) throws {
        try layout.require(PosePart.manual)
        self.layout = layout.name
        body = PartGraph.build(layout: layout, points: layout.indices(of: .body)!, parts: [.body])
        leftHand = PartGraph.build(layout: layout, points: layout.indices(of: .leftHand)!, parts: [.leftHand])
        rightHand = PartGraph.build(layout: layout, points: layout.indices(of: .rightHand)!, parts: [.rightHand])
        guard leftHand.edges == rightHand.edges, leftHand.nodes == rightHand.nodes else {
            throw TensorError("MSLUEncoder", "layout \(layout.name): the left hand (\(leftHand.nodes) points, \(leftHand.edges.count) edges) "
                + "and right hand (\(rightHand.nodes) points, \(rightHand.edges.count) edges) graphs differ; the shared, mirrored hand GCN needs corresponding hands")
        }
        let nm = layout.nonManualIndices
        nonManual = nm.isEmpty ? nil : PartGraph.build(layout: layout, points: nm, parts: PosePart.nonManual)
        bodyAggregation = try body.aggregation(strategy: strategy)
        handAggregation = try rightHand.aggregation(strategy: strategy)
        nonManualAggregation = try nonManual?.aggregation(strategy: strategy)
    }

    /// The graphs as JSON (`{"layout", "body": {"indices", "edges"}, …}`), for the PyTorch twin.
    public func json() throws -> Data {
        func part(_ g: PartGraph) -> [String: Any] { ["indices": g.indices, "edges": g.edges] }
        var d: [String: Any] = ["layout": layout, "body": part(body), "left_hand": part(leftHand), "right_hand": part(rightHand)]
        if let nonManual { d["non_manual"] = part(nonManual) }
        return try JSONSerialization.data(withJSONObject: d, options: [.sortedKeys])
    }
}
