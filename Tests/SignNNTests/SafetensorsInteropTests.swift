import Foundation
import Testing
import SignTensor
import SignNN
import SignTestSupport

/// Interop with the reference implementation (Python `safetensors`, Rust core): each side reads what
/// the other wrote and every value is compared bit for bit. These tests fail, never skip, when
/// python3 or its packages are missing (`scripts/setup` installs them).
@Suite("Safetensors interop with Python")
struct SafetensorsInteropTests {
    /// Loads a file with `safetensors.numpy` and prints dtype, shape and the values' bit patterns,
    /// the metadata, and the header length and tensor order found in the raw bytes.
    static let pythonReader = #"""
        import sys, json, struct, numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file
        path = sys.argv[1]
        tensors = load_file(path)
        with safe_open(path, framework="np") as f:
            metadata = f.metadata() or {}
        raw = open(path, "rb").read()
        n = struct.unpack("<Q", raw[:8])[0]
        header = json.loads(raw[8:8 + n])
        order = [k for _, k in sorted((v["data_offsets"], k) for k, v in header.items() if k != "__metadata__")]
        print(json.dumps({
            "tensors": {k: {"dtype": str(a.dtype), "shape": list(a.shape), "bits": a.reshape(-1).view(np.uint32).tolist()} for k, a in tensors.items()},
            "metadata": metadata, "header_length": n, "file_length": len(raw), "data_order": order}))
        """#

    /// Writes two files: one with `safetensors.numpy.save_file` (F32, F16, F64, 0-rank, empty) and
    /// one through the core serializer with BF16 (rounded to nearest even from float32 in numpy),
    /// then prints the Float32 bit patterns numpy computes for each tensor.
    static let pythonWriter = #"""
        import sys, json, numpy as np, safetensors
        from safetensors.numpy import save_file
        rng = np.random.default_rng(0)
        arrays = {
            "f32": rng.standard_normal((2, 3)).astype(np.float32),
            "f16": np.array([0, -0.0, 1, 65504, 2**-24, 1023 * 2**-24, np.inf, -np.inf, np.nan, -2.5, 0.1, 3.14159], dtype=np.float16).reshape(3, 4),
            "f64": np.array([0.1, -1e300, 1e-50, 3.0], dtype=np.float64),
            "scalar": np.array(1.5, dtype=np.float32),
            "scalar_f16": np.array(-3.0, dtype=np.float16),
            "empty": np.zeros((0, 4), np.float32),
            "empty_f16": np.zeros((3, 0), np.float16),
        }
        save_file(arrays, sys.argv[1], metadata={"writer": "safetensors.numpy"})
        x = rng.standard_normal(10).astype(np.float32).view(np.uint32).astype(np.uint64)
        bf = ((x + 0x7FFF + ((x >> 16) & 1)) >> 16).astype(np.uint16).reshape(2, 5)   # round to nearest even
        bf_scalar = np.array([0x3FC0], np.uint16)                                      # 1.5
        bf_empty = np.zeros((0,), np.uint16)
        f32 = rng.standard_normal((2, 2)).astype(np.float32)
        def spec(dtype, shape, a):
            return safetensors.TensorSpec(dtype=dtype, shape=shape, data_ptr=a.ctypes.data, data_len=a.nbytes)
        safetensors.serialize_file({"bf16": spec("bfloat16", [2, 5], bf), "bf16_scalar": spec("bfloat16", [], bf_scalar),
                                    "bf16_empty": spec("bfloat16", [0, 2], bf_empty), "f32": spec("float32", [2, 2], f32)},
                                   sys.argv[2], {"writer": "safetensors core"})
        def expect(shape, as_f32):
            return {"shape": list(shape), "bits": np.ascontiguousarray(as_f32, dtype=np.float32).reshape(-1).view(np.uint32).tolist()}
        with np.errstate(over="ignore"):
            numpy_file = {k: expect(a.shape, a.astype(np.float32)) for k, a in arrays.items()}
        widen = lambda u: (u.astype(np.uint32) << 16).view(np.float32)
        bf16_file = {"bf16": expect([2, 5], widen(bf)), "bf16_scalar": expect([], widen(bf_scalar)),
                     "bf16_empty": expect([0, 2], widen(bf_empty)), "f32": expect([2, 2], f32)}
        print(json.dumps({"numpy_file": numpy_file, "bf16_file": bf16_file}))
        """#

    @Test func pythonReadsWhatSwiftWrites() throws {
        let folder = try makeTemporaryDirectory("st-interop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("swift.safetensors")
        let tensors: [String: Tensor] = [
            "encoder.layers.0.self_attn.in_proj_weight": rand([6, 4], seed: 11),
            "encoder.norm.bias": rand([4], seed: 12),
            "scalar": Tensor(-0.75),
            "empty": Tensor.zeros([2, 0, 3]),
            "specials": try Tensor(shape: [2, 3], data: [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude * 5, -.greatestFiniteMagnitude]),
            "naïve \"name\"": rand([3], seed: 13),
        ]
        let metadata = ["format": "np", "signzoo": "ünïcode \"quoted\"\n"]
        try Safetensors.write(tensors, metadata: metadata, to: url)

        let output = try Python.run(Self.pythonReader, arguments: [url.path], requiring: ["numpy", "safetensors.numpy"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let seen = try #require(report["tensors"] as? [String: [String: Any]])
        #expect(Set(seen.keys) == Set(tensors.keys))
        for (name, t) in tensors {
            let entry = try #require(seen[name], "\(name)")
            #expect(entry["dtype"] as? String == "float32", "\(name)")
            #expect(entry["shape"] as? [Int] == t.shape, "\(name)")
            #expect((entry["bits"] as? [NSNumber])?.map(\.uint32Value) == bits(t), "\(name)")
        }
        #expect(report["metadata"] as? [String: String] == metadata)
        let headerLength = try #require(report["header_length"] as? Int)
        #expect(headerLength % 8 == 0)
        let dataBytes = tensors.values.reduce(0) { $0 + $1.count * 4 }
        #expect(report["file_length"] as? Int == 8 + headerLength + dataBytes)
        #expect(report["data_order"] as? [String] == tensors.keys.sorted())
    }

    @Test func swiftReadsWhatPythonWrites() throws {
        let folder = try makeTemporaryDirectory("st-interop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let numpyFile = folder.appendingPathComponent("numpy.safetensors")
        let coreFile = folder.appendingPathComponent("bf16.safetensors")
        let output = try Python.run(Self.pythonWriter, arguments: [numpyFile.path, coreFile.path],
                                    requiring: ["numpy", "safetensors", "safetensors.numpy"])
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: [String: Any]]])

        for (key, url, writer) in [("numpy_file", numpyFile, "safetensors.numpy"), ("bf16_file", coreFile, "safetensors core")] {
            let want = try #require(expected[key])
            let read = try Safetensors.read(url)
            #expect(read.metadata == ["writer": writer])
            #expect(Set(read.tensors.keys) == Set(want.keys), "\(key)")
            for (name, spec) in want {
                let t = try #require(read.tensors[name], "\(key) \(name)")
                #expect(t.shape == spec["shape"] as? [Int], "\(key) \(name)")
                #expect(bits(t) == (spec["bits"] as? [NSNumber])?.map(\.uint32Value), "\(key) \(name)")
            }
        }
        let dtypes = try Safetensors.inspect(coreFile).entries.reduce(into: [String: SafetensorsDType]()) { $0[$1.name] = $1.dtype }
        #expect(dtypes == ["bf16": .bf16, "bf16_scalar": .bf16, "bf16_empty": .bf16, "f32": .f32])
        let numpyTypes = try Safetensors.inspect(numpyFile).entries.reduce(into: [String: SafetensorsDType]()) { $0[$1.name] = $1.dtype }
        #expect(numpyTypes["f16"] == .f16 && numpyTypes["f64"] == .f64 && numpyTypes["scalar_f16"] == .f16)
    }
}
