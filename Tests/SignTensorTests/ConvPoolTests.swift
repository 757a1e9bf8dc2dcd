import Testing
import SignTensor
import SignTestSupport

@Suite("conv1d and 1-D pooling")
struct ConvPoolTests {
    // x[i] = sin(0.37 i + 0.1), weights 0.5 cos(0.53 i), bias 0.1 sin(i + 1); expected values from
    // torch.nn.functional.conv1d (torch 2.13 CPU, float64) in a one-off session.
    let x = formula([2, 4, 9], 0.37, 0.1)

    @Test func groupedStridedDilatedMatchesTorch() throws {
        let w = formula([6, 2, 3], 0.53, 0, scale: 0.5, cos: true), b = formula([6], 1, 1, scale: 0.1)
        let y = try x.conv1d(weight: w, bias: b, stride: 2, padding: 1, dilation: 2, groups: 2)
        let expected: [Float] = [1.102177, 1.575969, 1.403593, 0.8128889, -0.9252316, -1.410672, -1.246294, -0.6534846, 1.026906, 1.523279, 1.367141, 0.773101, -1.288061, -1.619496, -1.070969, -0.4712246, 1.109138, 1.455995, 0.9134218, 0.306331, -1.223845, -1.585612, -1.049792, -0.4362508, 1.341757, 1.393011, 0.5211717, 0.04730113, -1.164898, -1.235778, -0.3624574, 0.1278338, 1.266304, 1.356707, 0.4831929, -0.0227958, -1.181786, -1.054529, 0.01936839, 0.3884065, 1.003949, 0.8970259, -0.178395, -0.5664628, -1.119896, -1.033465, 0.04189326, 0.4484184]
        #expect(maxAbsDiff(y, try Tensor(shape: [2, 6, 4], data: expected)) < 1e-4)
    }

    @Test func plainMatchesTorch() throws {
        let y = try x.conv1d(weight: formula([3, 4, 3], 0.53, 0, scale: 0.5, cos: true))
        let expected: [Float] = [-0.490653, -0.2953068, -0.05999215, 0.1834421, 0.4020484, 0.5662393, 0.6537923, -0.4959446, -0.2970997, -0.05804378, 0.1888681, 0.4102176, 0.5760461, 0.6639094, -0.4983114, -0.2971405, -0.05575309, 0.1931803, 0.4159676, 0.5824557, 0.6701111, -0.05096477, 0.192132, 0.4092247, 0.5709307, 0.6553639, 0.6510967, 0.5587066, -0.04888054, 0.1976748, 0.4174757, 0.5807733, 0.6654659, 0.6600909, 0.5653756, -0.04650804, 0.2020517, 0.4232647, 0.5871908, 0.6716434, 0.6651922, 0.5687103]
        #expect(maxAbsDiff(y, try Tensor(shape: [2, 3, 7], data: expected)) < 1e-4)
    }

    @Test func pointwiseEqualsLinearOverChannels() throws {
        let w = rand([5, 4, 1], seed: 31), b = rand([5], seed: 32)
        let y = try x.conv1d(weight: w, bias: b)
        let viaLinear = try x.transposed(1, 2).linear(weight: w.reshaped([5, 4]), bias: b).transposed(1, 2)
        #expect(maxAbsDiff(y, viaLinear) < 1e-5)
    }

    @Test(arguments: [
        // (B, Cin, T, Cout, K, stride, padding, dilation, groups)
        [2, 3, 7, 4, 3, 1, 1, 1, 1], [2, 4, 9, 6, 3, 2, 1, 2, 2], [1, 4, 6, 4, 1, 1, 0, 1, 1],
        [2, 4, 8, 4, 5, 1, 2, 1, 4], [1, 2, 5, 3, 2, 3, 2, 1, 1],
    ])
    func gradients(_ c: [Int]) throws {
        let input = rand([c[0], c[1], c[2]], seed: 33), w = rand([c[3], c[1] / c[8], c[4]], seed: 34, std: 0.5)
        let b = rand([c[3]], seed: 35)
        let r = try gradCheck([input, w, b]) {
            try $0[0].conv1d(weight: $0[1], bias: $0[2], stride: c[5], padding: c[6], dilation: c[7], groups: c[8])
        }
        #expect(r.passed, "conv1d \(c): \(r)")
    }

    @Test func conv1dBadInput() {
        let w = Tensor.zeros([6, 2, 3])
        #expect(throws: TensorError("conv1d", "input must be [B, Cin, T], got [4, 9]")) { try Tensor.zeros([4, 9]).conv1d(weight: w) }
        #expect(throws: TensorError("conv1d", "weight must be [Cout, Cin/groups, K], got [6, 2]")) { try x.conv1d(weight: Tensor.zeros([6, 2])) }
        #expect(throws: TensorError("conv1d", "weight [6, 2, 3] expects 2 channels per group, input [2, 4, 9] has 4 with groups 1")) { try x.conv1d(weight: w) }
        #expect(throws: TensorError("conv1d", "groups 3 must divide input channels 4 (input [2, 4, 9]) and output channels 6 (weight [6, 2, 3])")) { try x.conv1d(weight: w, groups: 3) }
        #expect(throws: TensorError("conv1d", "bias [4] must be [6] for weight [6, 2, 3]")) { try x.conv1d(weight: w, bias: Tensor.zeros([4]), groups: 2) }
        #expect(throws: TensorError("conv1d", "input [2, 4, 9] padded by 0 on each side is shorter than the kernel span 11 (K 3, dilation 5)")) { try x.conv1d(weight: w, dilation: 5, groups: 2) }
        #expect(throws: TensorError("conv1d", "needs stride ≥ 1, dilation ≥ 1, padding ≥ 0, groups ≥ 1; got stride 0, dilation 1, padding 0, groups 2")) { try x.conv1d(weight: w, stride: 0, groups: 2) }
    }

    @Test func poolingValues() throws {
        let p = try Tensor(shape: [1, 2, 5], data: [1, 3, 2, 5, 4, 0, -1, -2, -3, -4])
        #expect(try p.maxPool1d(kernel: 2).toArray() == [3, 5, 0, -2])
        #expect(try p.maxPool1d(kernel: 3, stride: 1).toArray() == [3, 5, 5, 0, -1, -2])
        #expect(try p.avgPool1d(kernel: 2).toArray() == [2, 3.5, -0.5, -2.5])
        let a = try p.avgPool1d(kernel: 3, stride: 2)
        #expect(try a.shape == [1, 2, 2] && maxAbsDiff(a, Tensor(shape: [1, 2, 2], data: [2, 11.0 / 3, -1, -3])) < 1e-6)
        // Overlapping windows accumulate into the arg-max.
        let q = p.copy(); q.requiresGrad = true
        try q.maxPool1d(kernel: 3, stride: 1).sum().backward()
        #expect(q.grad!.toArray() == [0, 1, 0, 2, 0, 1, 1, 1, 0, 0])
        let v = p.copy(); v.requiresGrad = true
        try v.avgPool1d(kernel: 2, stride: 1).sum().backward()
        #expect(v.grad!.toArray() == [0.5, 1, 1, 1, 0.5, 0.5, 1, 1, 1, 0.5])
    }

    @Test func poolingGradientsAndBadInput() throws {
        let t = rand([2, 3, 11], seed: 36)
        for (k, s) in [(2, 2), (3, 1), (4, 3)] {
            let r1 = try gradCheck([t]) { try $0[0].maxPool1d(kernel: k, stride: s) }
            #expect(r1.passed, "maxPool1d \(k) \(s): \(r1)")
            let r2 = try gradCheck([t]) { try $0[0].avgPool1d(kernel: k, stride: s) }
            #expect(r2.passed, "avgPool1d \(k) \(s): \(r2)")
        }
        #expect(throws: TensorError("maxPool1d", "kernel 12 is longer than the time axis of [2, 3, 11]")) { try t.maxPool1d(kernel: 12) }
        #expect(throws: TensorError("avgPool1d", "input must be [B, C, T] or [C, T], got [11]")) { try Tensor.zeros([11]).avgPool1d(kernel: 2) }
        #expect(throws: TensorError("avgPool1d", "kernel and stride must be ≥ 1, got kernel 2, stride 0")) { try t.avgPool1d(kernel: 2, stride: 0) }
    }
}
