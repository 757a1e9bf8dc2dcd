import Testing
import SignTensor
import SignONNX
import SignTestSupport

@Suite("ONNX lowering: shape and layout ops")
struct ShapeLoweringTests {
    let x = uniform([2, 3, 4], seed: 51)

    /// Reshape with 0 (copy the dynamic batch) and −1 (infer).
    @Test func reshape() throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.reshaped([2, 2, 6])) { b, i in try b.reshape(i[0], [0, 2, -1]) }
    }

    @Test func transpose() throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.permuted([2, 0, 1])) { b, i in try b.transpose(i[0], perm: [2, 0, 1]) }
    }

    @Test func concat() throws {
        let y = uniform([2, 5, 4], seed: 52)
        try expectSingleOp([TestInput(name: "x", value: x), TestInput(name: "z", value: y)],
                           expected: try Tensor.concat([x, y], axis: 1)) { b, i in try b.concat(i, axis: 1) }
    }

    @Test func unsqueezeThenSqueeze() throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.reshaped([2, 1, 3, 4, 1])) { b, i in
            try b.unsqueeze(i[0], axes: [1, 4])
        }
        let y = try x.reshaped([2, 1, 3, 1, 4])
        try expectSingleOp([TestInput(name: "x", value: y)], expected: x) { b, i in try b.squeeze(i[0], axes: [1, 3]) }
    }

    @Test func stridedSlice() throws {
        let t = uniform([2, 9, 3], seed: 53)
        try expectSingleOp([TestInput(name: "x", value: t)], expected: try t.slice(axis: 1, start: 1, end: 8, step: 3)) { b, i in
            try b.slice(i[0], axis: 1, start: 1, end: 8, step: 3)
        }
        try expectSingleOp([TestInput(name: "x", value: t)], expected: try t.slice(axis: 1, start: 4, end: 9)) { b, i in
            try b.slice(i[0], axis: 1, start: 4, end: Int.max)
        }
    }

    @Test func split() throws {
        let pieces = try x.split(sizes: [1, 3], axis: 2)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: pieces[1]) { b, i in try b.split(i[0], sizes: [1, 3], axis: 2)[1] }
    }

    @Test func expand() throws {
        let t = uniform([2, 1, 4], seed: 54)
        try expectSingleOp([TestInput(name: "x", value: t)], expected: try t.expanded(to: [2, 3, 4])) { b, i in try b.expand(i[0], [1, 3, 1]) }
    }

    @Test func pad() throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.padded([(0, 0), (2, 1), (0, 3)], value: -0.5)) { b, i in
            try b.pad(i[0], [(0, 0), (2, 1), (0, 3)], value: -0.5)
        }
    }

    /// Shape(start: 1) of a [2, 3, 4] input is [3, 4].
    @Test func shapeSlice() throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try Tensor(shape: [2], data: [3, 4])) { b, i in
            try b.cast(try b.shape(i[0], start: 1), to: .float)
        }
    }
}
