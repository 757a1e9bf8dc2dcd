import Testing
import SignTensor
import SignTestSupport

@Suite("Slice, split, concat, stack, pad, expand")
struct SliceConcatTests {
    let x = try! Tensor(shape: [2, 5], data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])

    @Test func sliceValues() throws {
        #expect(try x.slice(axis: 1, start: 1, end: 5, step: 2).toArray() == [1, 3, 6, 8])
        #expect(try x.slice(axis: -1, start: -2, end: 5).toArray() == [3, 4, 8, 9])
        let row = try x.slice(axis: 0, start: 1, end: 2)
        #expect(row.shape == [1, 5] && row.toArray() == [5, 6, 7, 8, 9])
        #expect(try x.slice(axis: 1, start: 2, end: 2).shape == [2, 0])
        #expect(try x.slice(axis: 1, start: 0, end: 5, step: 3).toArray() == [0, 3, 5, 8])
    }

    @Test func sliceBackwardScattersIntoZeros() throws {
        let y = x.copy()
        y.requiresGrad = true
        try y.slice(axis: 1, start: 1, end: 5, step: 2).sum().backward()
        #expect(y.grad!.toArray() == [0, 1, 0, 1, 0, 0, 1, 0, 1, 0])
    }

    @Test func sliceGradients() throws {
        let t = rand([3, 4, 5], seed: 11)
        for (axis, s, e, step) in [(0, 1, 3, 1), (1, 0, 4, 3), (2, 1, 5, 2), (-1, -3, -1, 1)] {
            let r = try gradCheck([t]) { try $0[0].slice(axis: axis, start: s, end: e, step: step) }
            #expect(r.passed, "slice \(axis) \(s)..<\(e) step \(step): \(r)")
        }
    }

    @Test func sliceBadInput() {
        #expect(throws: TensorError("slice", "axis 2 out of range for shape [2, 5]")) { try x.slice(axis: 2, start: 0, end: 1) }
        #expect(throws: TensorError("slice", "range 3..<7 does not fit axis 1 of size 5 in shape [2, 5]")) { try x.slice(axis: 1, start: 3, end: 7) }
        #expect(throws: TensorError("slice", "range 4..<2 does not fit axis 1 of size 5 in shape [2, 5]")) { try x.slice(axis: 1, start: 4, end: 2) }
        #expect(throws: TensorError("slice", "step must be ≥ 1, got 0")) { try x.slice(axis: 1, start: 0, end: 5, step: 0) }
    }

    @Test func splitPiecesAndGradient() throws {
        let pieces = try x.split(sizes: [2, 3], axis: 1)
        #expect(pieces.map(\.shape) == [[2, 2], [2, 3]])
        #expect(pieces[0].toArray() == [0, 1, 5, 6] && pieces[1].toArray() == [2, 3, 4, 7, 8, 9])
        let r = try gradCheck([rand([3, 6], seed: 12)]) {
            let p = try $0[0].split(sizes: [1, 3, 2], axis: 1)
            return try Tensor.concat([p[2], p[0], p[1] * 2], axis: 1)
        }
        #expect(r.passed, "split: \(r)")
        #expect(throws: TensorError("split", "sizes [2, 2] do not add up to 5, the size of axis 1 in [2, 5]")) { try x.split(sizes: [2, 2], axis: 1) }
    }

    @Test func concatAndStackValues() throws {
        let a = try Tensor(shape: [2, 2], data: [1, 2, 3, 4]), b = try Tensor(shape: [2, 1], data: [5, 6])
        let c = try Tensor.concat([a, b], axis: 1)
        #expect(c.shape == [2, 3] && c.toArray() == [1, 2, 5, 3, 4, 6])
        let d = try Tensor.concat([a, try Tensor(shape: [1, 2], data: [7, 8])], axis: 0)
        #expect(d.shape == [3, 2] && d.toArray() == [1, 2, 3, 4, 7, 8])
        let p = try Tensor(shape: [2], data: [1, 2]), q = try Tensor(shape: [2], data: [3, 4])
        #expect(try Tensor.stack([p, q], axis: 0).toArray() == [1, 2, 3, 4])
        let s1 = try Tensor.stack([p, q], axis: -1)
        #expect(s1.shape == [2, 2] && s1.toArray() == [1, 3, 2, 4])
    }

    @Test func concatAndStackGradients() throws {
        let r1 = try gradCheck([rand([2, 3, 4], seed: 1), rand([2, 1, 4], seed: 2), rand([2, 2, 4], seed: 3)]) {
            try Tensor.concat($0, axis: 1)
        }
        #expect(r1.passed, "concat: \(r1)")
        let r2 = try gradCheck([rand([3, 4], seed: 4), rand([3, 4], seed: 5)]) { try Tensor.stack($0, axis: 1) }
        #expect(r2.passed, "stack: \(r2)")
    }

    @Test func concatAndStackBadInput() {
        let a = Tensor.zeros([2, 2]), b = Tensor.zeros([3, 1]), c = Tensor.zeros([2])
        #expect(throws: TensorError("concat", "needs at least one tensor")) { try Tensor.concat([], axis: 0) }
        #expect(throws: TensorError("concat", "shapes [2, 2] and [3, 1] differ outside axis 1")) { try Tensor.concat([a, b], axis: 1) }
        #expect(throws: TensorError("concat", "ranks differ: [2, 2] and [2]")) { try Tensor.concat([a, c], axis: 0) }
        #expect(throws: TensorError("concat", "axis 2 out of range for shape [2, 2]")) { try Tensor.concat([a, a], axis: 2) }
        #expect(throws: TensorError("stack", "shapes differ: [2, 2] and [3, 1]")) { try Tensor.stack([a, b], axis: 0) }
        #expect(throws: TensorError("stack", "axis 2 out of range for stacking shape [2]")) { try Tensor.stack([c, c], axis: 2) }
    }

    @Test func padValues() throws {
        let t = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let all = try t.padded([(1, 0), (0, 2)], value: -1)
        #expect(all.shape == [3, 5])
        #expect(all.toArray() == [-1, -1, -1, -1, -1, 1, 2, 3, -1, -1, 4, 5, 6, -1, -1])
        let last = try t.padded([(1, 1)])
        #expect(last.shape == [2, 5] && last.toArray() == [0, 1, 2, 3, 0, 0, 4, 5, 6, 0])
    }

    @Test func padGradientAndBadInput() throws {
        let r = try gradCheck([rand([2, 3, 4], seed: 6)]) { try $0[0].padded([(2, 1), (0, 3)], value: 0.5) }
        #expect(r.passed, "pad: \(r)")
        let t = Tensor.zeros([2, 3])
        #expect(throws: TensorError("pad", "3 (before, after) pairs for shape [2, 3] of rank 2")) { try t.padded([(0, 0), (1, 1), (1, 1)]) }
        #expect(throws: TensorError("pad", "negative padding (0, -1) for shape [2, 3]")) { try t.padded([(0, -1)]) }
    }

    @Test func expandValuesGradientAndBadInput() throws {
        let t = try Tensor(shape: [2, 1], data: [1, 2])
        let e = try t.expanded(to: [2, 2, 3])
        #expect(e.shape == [2, 2, 3] && e.toArray() == [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
        let r = try gradCheck([rand([3, 1], seed: 7)]) { try $0[0].expanded(to: [2, 3, 4]) }
        #expect(r.passed, "expand: \(r)")
        #expect(throws: TensorError("expand", "shape [2, 1] cannot expand to [3]")) { try t.expanded(to: [3]) }
        #expect(throws: TensorError("expand", "shapes [2, 1] and [3, 4] do not broadcast (dimension 0: 2 vs 3)")) { try t.expanded(to: [3, 4]) }
    }
}
