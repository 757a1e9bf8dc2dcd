import Testing
import SignTensor
import SignTestSupport

@Suite("IndexTensor, gather, indexSelect, embedding, maskedFill, where")
struct IndexOpsTests {
    @Test func indexTensorChecksCount() throws {
        let i = try IndexTensor(shape: [2, 2], values: [Int32(1), 2, 3, 4])
        #expect(i.count == 4 && i.rank == 2)
        #expect(throws: TensorError("IndexTensor", "shape [2, 3] needs 6 values, got 4")) { try IndexTensor(shape: [2, 3], values: [Int32(1), 2, 3, 4]) }
        #expect(throws: TensorError("IndexTensor", "negative dimension in [-1]")) { try IndexTensor(shape: [-1], values: [Int32]()) }
        #expect(throws: TensorError("IndexTensor", "value 4294967296 does not fit in Int32")) { try IndexTensor(shape: [1], values: [1 << 32]) }
    }

    @Test func gatherValuesLikeTorch() throws {
        // torch.gather(torch.tensor([[1,2,3],[4,5,6]]), 1, torch.tensor([[2,0],[1,1]])) = [[3,1],[5,5]]
        let x = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let y = try x.gather(axis: 1, indices: try IndexTensor(shape: [2, 2], values: [Int32(2), 0, 1, 1]))
        #expect(y.shape == [2, 2] && y.toArray() == [3, 1, 5, 5])
        // axis 0 with a smaller index tensor: y[0, j] = x[idx[0, j], j]
        let z = try x.gather(axis: 0, indices: try IndexTensor(shape: [1, 3], values: [Int32(1), 0, 1]))
        #expect(z.toArray() == [4, 2, 6])
        let w = x.copy(); w.requiresGrad = true
        try w.gather(axis: 1, indices: try IndexTensor(shape: [2, 2], values: [Int32(2), 0, 1, 1])).sum().backward()
        #expect(w.grad!.toArray() == [1, 0, 1, 0, 2, 0])
    }

    @Test func gatherGradient() throws {
        let idx = try IndexTensor(shape: [2, 4, 3], values: (0..<24).map { Int32(($0 * 7) % 5) })
        let r = try gradCheck([rand([3, 5, 4], seed: 21)]) { try $0[0].gather(axis: 1, indices: idx) }
        #expect(r.passed, "gather: \(r)")
    }

    @Test func gatherBadInput() throws {
        let x = Tensor.zeros([2, 3])
        #expect(throws: TensorError("gather", "index 3 at flat position 1 is out of range for axis 1 of size 3 in [2, 3]")) {
            try x.gather(axis: 1, indices: try IndexTensor(shape: [2, 1], values: [Int32(0), 3]))
        }
        #expect(throws: TensorError("gather", "indices [2] must have the rank of the input [2, 3]")) {
            try x.gather(axis: 1, indices: IndexTensor([0, 1]))
        }
        #expect(throws: TensorError("gather", "indices [3, 1] exceed input [2, 3] in dimension 0")) {
            try x.gather(axis: 1, indices: try IndexTensor(shape: [3, 1], values: [Int32(0), 0, 0]))
        }
        #expect(throws: TensorError("gather", "axis -3 out of range for shape [2, 3]")) {
            try x.gather(axis: -3, indices: try IndexTensor(shape: [1, 1], values: [Int32(0)]))
        }
    }

    @Test func indexSelectValuesAndAccumulation() throws {
        let x = try Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let y = try x.indexSelect(axis: 0, indices: [2, 0, 2])
        #expect(y.shape == [3, 2] && y.toArray() == [5, 6, 1, 2, 5, 6])
        try y.sum().backward()
        #expect(x.grad!.toArray() == [1, 1, 0, 0, 2, 2])
        #expect(try x.indexSelect(axis: -1, indices: [1, 1, 0]).toArray() == [2, 2, 1, 4, 4, 3, 6, 6, 5])
        let r = try gradCheck([rand([2, 4, 3], seed: 22)]) { try $0[0].indexSelect(axis: 1, indices: [3, 0, 3, 1]) }
        #expect(r.passed, "indexSelect: \(r)")
        #expect(throws: TensorError("indexSelect", "index 3 at position 1 is out of range for axis 0 of size 3 in [3, 2]")) {
            try x.indexSelect(axis: 0, indices: [0, 3])
        }
        #expect(throws: TensorError("indexSelect", "index -1 at position 0 is out of range for axis 1 of size 2 in [3, 2]")) {
            try x.indexSelect(axis: 1, indices: [-1])
        }
    }

    @Test func embeddingValuesAndScatterAdd() throws {
        let w = try Tensor(shape: [4, 2], data: [0, 1, 10, 11, 20, 21, 30, 31], requiresGrad: true)
        let ids = try IndexTensor(shape: [2, 2], values: [Int32(3), 0, 3, 1])
        let y = try Tensor.embedding(w, ids: ids)
        #expect(y.shape == [2, 2, 2] && y.toArray() == [30, 31, 0, 1, 30, 31, 10, 11])
        try (y * formula([2, 2, 2], 0, 1)).sum().backward()   // sin(1) everywhere
        let s = Float(0.84147098)
        #expect(maxAbsDiff(w.grad!, try Tensor(shape: [4, 2], data: [s, s, s, s, 0, 0, 2 * s, 2 * s])) < 1e-6)
        let r = try gradCheck([rand([5, 3], seed: 23)]) { try Tensor.embedding($0[0], ids: try IndexTensor(shape: [2, 3], values: [Int32(4), 0, 4, 2, 2, 4])) }
        #expect(r.passed, "embedding: \(r)")
    }

    @Test func embeddingBadInput() {
        let w = Tensor.zeros([4, 2])
        #expect(throws: TensorError("embedding", "id 4 at flat position 1 of ids [3] is out of range for 4 rows (weight [4, 2])")) {
            try Tensor.embedding(w, ids: IndexTensor([0, 4, 1]))
        }
        #expect(throws: TensorError("embedding", "id -2 at flat position 0 of ids [1] is out of range for 4 rows (weight [4, 2])")) {
            try Tensor.embedding(w, ids: IndexTensor([-2]))
        }
        #expect(throws: TensorError("embedding", "weight must be [V, D], got [8]")) { try Tensor.embedding(Tensor.zeros([8]), ids: IndexTensor([0])) }
    }

    @Test func maskedFillValuesAndGradient() throws {
        let x = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let mask = try Tensor(shape: [3], data: [1, 0, 0])
        let y = try x.maskedFill(mask, value: -9)
        #expect(y.toArray() == [-9, 2, 3, -9, 5, 6])
        try (y * 3).sum().backward()
        #expect(x.grad!.toArray() == [0, 3, 3, 0, 3, 3])
        let m2 = try Tensor(shape: [2, 1, 4], data: [0, 1, 0, 2, 1, 0, 0, 0])
        let r = try gradCheck([rand([2, 3, 4], seed: 24)]) { try $0[0].maskedFill(m2, value: 7) }
        #expect(r.passed, "maskedFill: \(r)")
        #expect(throws: TensorError("maskedFill", "shapes [2, 3] and [2] do not broadcast (dimension 1: 3 vs 2)")) { try x.maskedFill(Tensor.zeros([2]), value: 0) }
        #expect(throws: TensorError("maskedFill", "mask [4, 2, 3] does not broadcast to the input's shape [2, 3]")) { try x.maskedFill(Tensor.zeros([4, 2, 3]), value: 0) }
    }

    @Test func whereValuesAndGradient() throws {
        let c = try Tensor(shape: [2, 1], data: [1, 0])
        let a = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3], data: [-1, -2, -3])
        let y = try Tensor.where(c, a, b)
        #expect(y.shape == [2, 3] && y.toArray() == [1, 2, 3, -1, -2, -3])
        let cond = try Tensor(shape: [3, 1, 4], data: (0..<12).map { Float($0 % 3 == 0 ? 0 : 1) })
        let r = try gradCheck([rand([2, 4], seed: 25), rand([3, 1, 1], seed: 26)]) { try Tensor.where(cond, $0[0], $0[1]) }
        #expect(r.passed, "where: \(r)")
        #expect(throws: TensorError("where", "shapes [2, 3] and [4] do not broadcast (dimension 1: 3 vs 4)")) { try Tensor.where(c, a, Tensor.zeros([4])) }
    }
}
