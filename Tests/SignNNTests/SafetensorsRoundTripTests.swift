import Foundation
import Testing
import SignTensor
import SignNN
import SignTestSupport

/// Bit patterns of a tensor's values (exact comparison, NaN included).
func bits(_ t: Tensor) -> [UInt32] { t.toArray().map(\.bitPattern) }

@Suite("Safetensors round trip")
struct SafetensorsRoundTripTests {
    @Test func swiftWritesAndReadsBackEveryBit() throws {
        let folder = try makeTemporaryDirectory("st-roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let tensors: [String: Tensor] = [
            "encoder.layers.0.weight": rand([3, 5], seed: 1),
            "scalar": Tensor(2.5),
            "empty": Tensor.zeros([0, 3]),
            "specials": try Tensor(shape: [6], data: [.nan, .infinity, -.infinity, -0.0, .leastNormalMagnitude / 8, .greatestFiniteMagnitude]),
            "name with \"quotes\" and é": rand([2], seed: 2),
        ]
        let metadata = ["format": "pt", "note": "line\nbreak \"quoted\" ü"]
        try Safetensors.write(tensors, metadata: metadata, to: url)

        let read = try Safetensors.read(url)
        #expect(read.metadata == metadata)
        #expect(Set(read.tensors.keys) == Set(tensors.keys))
        for (name, t) in tensors {
            #expect(read.tensors[name]?.shape == t.shape, "\(name)")
            #expect(read.tensors[name].map(bits) == bits(t), "\(name)")
        }
    }

    @Test func layoutIsSortedAlignedAndContiguous() throws {
        let folder = try makeTemporaryDirectory("st-roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.safetensors")
        try Safetensors.write([("b", Tensor.ones([3])), ("a", Tensor.zeros([2, 2])), ("c", Tensor(1))], metadata: ["k": "v"], to: url)

        let bytes = [UInt8](try Data(contentsOf: url))
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect(n % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        // Hand-written expectation: metadata first, names sorted, offsets in that order, space padding.
        let json = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[3],"data_offsets":[16,28]},"c":{"dtype":"F32","shape":[],"data_offsets":[28,32]}}"#
        #expect(header == json + String(repeating: " ", count: n - json.utf8.count))
        #expect(bytes.count == 8 + n + 32)

        let info = try Safetensors.inspect(url)
        #expect(info.entries.map(\.name) == ["a", "b", "c"])
        #expect(info.entries.map(\.dataOffsets) == [0..<16, 16..<28, 28..<32])
        #expect(info.dataStart == 8 + n)
    }

    /// F16 / BF16 / F64 decoding against values from the IEEE 754 definitions:
    /// F16 0x3C00 = 1, 0xC000 = −2, 0x7BFF = 65504 (largest), 0x0001 = 2⁻²⁴, 0x03FF = 1023·2⁻²⁴
    /// (largest subnormal), 0x8000 = −0, 0x7C00 = +Inf, 0x7E00 = NaN;
    /// BF16 0x3F80 = 1, 0x4049 = 3.140625, 0xC2F7 = −123.5; F64 0.1 → Float(0.1).
    @Test func decodesHalfBrainFloatAndDouble() throws {
        let folder = try makeTemporaryDirectory("st-roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = #"{"h":{"dtype":"F16","shape":[2,4],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]},"# +
                     #""d":{"dtype":"F64","shape":[1],"data_offsets":[22,30]},"f":{"dtype":"F32","shape":[1],"data_offsets":[30,34]}}    "#
        let data = SafetensorsBytes.u16([0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x8000, 0x7C00, 0x7E00])
            + SafetensorsBytes.u16([0x3F80, 0x4049, 0xC2F7]) + SafetensorsBytes.f64([0.1]) + SafetensorsBytes.f32([-7.25])
        let url = try SafetensorsBytes.save(SafetensorsBytes.file(header: header, data: data), in: folder, name: "mixed")
        let t = try Safetensors.read(url).tensors

        let h = try #require(t["h"])
        #expect(h.shape == [2, 4])
        let hv = h.toArray()
        let expected: [Float] = [1, -2, 65504, 5.9604644775390625e-08, 6.097555160522461e-05, -0.0, .infinity]
        #expect(hv[0..<7].map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(hv[7].isNaN)
        #expect(t["b"]?.toArray() == [1, 3.140625, -123.5])
        #expect(t["d"]?.toArray() == [Float(0.1)])
        #expect(t["f"]?.toArray() == [-7.25])   // F32 at an unaligned offset (30)
    }

    @Test func emptyHeaderObjectIsAValidFile() throws {
        let folder = try makeTemporaryDirectory("st-roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try SafetensorsBytes.save(SafetensorsBytes.file(header: "{ }     "), in: folder, name: "nothing")
        let read = try Safetensors.read(url)
        #expect(read.tensors.isEmpty && read.metadata.isEmpty)
    }

    @Test func escapedNamesInHeadersAreDecoded() throws {
        let folder = try makeTemporaryDirectory("st-roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = #"{"caf\u00e9 \ud83d\ude00\n":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let url = try SafetensorsBytes.save(SafetensorsBytes.file(header: header, data: SafetensorsBytes.f32([3])), in: folder, name: "esc")
        #expect(try Safetensors.read(url).tensors["café 😀\n"]?.toArray() == [3])
    }
}
