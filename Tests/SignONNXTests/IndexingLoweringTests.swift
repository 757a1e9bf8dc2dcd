import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

@Suite("ONNX lowering: gather and embedding")
struct IndexingLoweringTests {
    let table = uniform([6, 4], seed: 61)

    /// Gather with int64 indices from a graph input equals the engine's indexSelect.
    @Test func gatherWithIndexInput() throws {
        let x = uniform([2, 7, 3], seed: 62)
        let idx = [6, 0, 3, 3]
        try expectSingleOp([TestInput(name: "x", value: x),
                            TestInput(name: "idx", value: try Tensor(shape: [4], data: idx.map(Float.init)), type: .int64, dynamicBatch: false)],
                           expected: try x.indexSelect(axis: 1, indices: idx)) { b, i in try b.gather(i[0], indices: i[1], axis: 1) }
    }

    /// A joint subset as constant indices (engine indexSelect).
    @Test func indexSelectConstant() throws {
        let x = uniform([2, 5, 7, 3], seed: 63)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.indexSelect(axis: 2, indices: [4, 0, 6])) { b, i in
            try b.indexSelect(i[0], axis: 2, indices: [4, 0, 6])
        }
    }

    /// GatherElements equals torch.gather (engine `gather(axis:indices:)`).
    @Test func gatherElements() throws {
        let x = uniform([2, 5], seed: 64)
        let indices = try IndexTensor(shape: [2, 3], values: [4, 0, 4, 1, 2, 3] as [Int32])
        try expectSingleOp([TestInput(name: "x", value: x),
                            TestInput(name: "i", value: try Tensor(shape: [2, 3], data: indices.values.map(Float.init)), type: .int64)],
                           expected: try x.gather(axis: 1, indices: indices)) { b, i in try b.gatherElements(i[0], indices: i[1], axis: 1) }
    }

    @Test func embeddingModule() throws {
        var rng = RandomStream(seed: 65)
        let m = Embedding(6, 4, rng: &rng)
        let ids = try IndexTensor(shape: [2, 3], values: [5, 0, 2, 2, 1, 3] as [Int32])
        try expectSingleOp([TestInput(name: "ids", value: try Tensor(shape: [2, 3], data: ids.values.map(Float.init)), type: .int64)],
                           expected: try m(ids)) { b, i in try b.scope("text.token_embedding") { try b.lower(m, ids: i[0]) } }
    }
}
