import Foundation
import Testing
import SignTensor
import SignNN
import SignTestSupport

/// encoder (Linear 4→3) + head (Linear 3→classes) + a buffer. State-dict order (own tensors
/// first, then children, like PyTorch): `running_mean`, `encoder.weight`, `encoder.bias`,
/// `head.weight`, `head.bias`.
final class TinyClassifier: Module {
    let encoder: Linear
    let head: Linear
    let runningMean: Tensor
    override var bufferNames: Set<String> { ["runningMean"] }

    init(classes: Int = 2, seed: UInt64) {
        var rng = RandomStream(seed: seed)
        encoder = Linear(4, 3, rng: &rng)
        head = Linear(3, classes, rng: &rng)
        runningMean = Tensor.randn([3], rng: &rng)
        super.init()
    }

    /// A copy of every value, to check what a load changed.
    func snapshot() -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: stateDict().map { ($0.0, $0.1.toArray()) })
    }
}

private func state(of module: Module) -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: module.stateDict().map { ($0.0, $0.1.copy()) })
}

@Suite("Module loading")
struct ModuleLoadingTests {
    @Test func loadCopiesIntoExistingParameters() throws {
        let source = TinyClassifier(seed: 1), target = TinyClassifier(seed: 2)
        let weight = target.encoder.weight, pointer = target.encoder.weight.pointer
        let report = try target.load(state(of: source))
        #expect(report.loaded == ["running_mean", "encoder.weight", "encoder.bias", "head.weight", "head.bias"])
        #expect(report.missing.isEmpty && report.unexpected.isEmpty && report.misShaped.isEmpty)
        #expect(target.snapshot() == source.snapshot())
        #expect(target.encoder.weight === weight && target.encoder.weight.pointer == pointer)
        let stillTrainable = target.parameters().allSatisfy { $0.requiresGrad }
        #expect(stillTrainable)
    }

    @Test func saveAndLoadThroughAFile() throws {
        let folder = try makeTemporaryDirectory("load")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let source = TinyClassifier(seed: 3), target = TinyClassifier(seed: 4)
        try source.save(to: url, metadata: ["step": "10"])
        #expect(try Safetensors.read(url).metadata == ["step": "10"])
        try target.load(from: url)
        #expect(target.snapshot() == source.snapshot())
    }

    @Test func strictLoadListsEveryProblemByName() throws {
        let target = TinyClassifier(seed: 5)
        var tensors = state(of: TinyClassifier(seed: 6))
        tensors["encoder.bias"] = nil
        tensors["running_mean"] = nil
        tensors["decoder.weight"] = Tensor.zeros([2])
        tensors["encoder.weight"] = Tensor.zeros([4, 4])
        let error = #expect(throws: LoadError.self) { try target.load(tensors) }
        #expect(error?.missing == ["running_mean", "encoder.bias"])
        #expect(error?.unexpected == ["decoder.weight"])
        #expect(error?.misShaped == [MisShapedKey(name: "encoder.weight", expected: [3, 4], found: [4, 4])])
        let text = error.map(String.init(describing:)) ?? ""
        for piece in ["2 missing keys (running_mean, encoder.bias)", "1 unexpected key (decoder.weight)",
                      "1 mis-shaped key (encoder.weight (model [3, 4], file [4, 4]))"] {
            #expect(text.contains(piece), "\(text)")
        }
    }

    @Test func refusedLoadLeavesParametersUnchanged() throws {
        let folder = try makeTemporaryDirectory("load")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = TinyClassifier(seed: 7)
        let before = target.snapshot()
        var tensors = state(of: TinyClassifier(seed: 8))   // every key present and good…
        tensors["head.bias"] = Tensor.zeros([5])            // …but one mis-shaped
        #expect(throws: LoadError.self) { try target.load(tensors) }
        #expect(target.snapshot() == before)

        let url = folder.appendingPathComponent("extra.safetensors")
        tensors["head.bias"] = Tensor.zeros([2])
        tensors["extra"] = Tensor.zeros([1])
        try Safetensors.write(tensors, to: url)
        let error = #expect(throws: LoadError.self) { try target.load(from: url) }
        #expect(error?.source == url.path && error?.description.contains(url.path) == true)
        #expect(target.snapshot() == before)
    }

    @Test func missingKeysReportedAndToleratedWhenDeclared() throws {
        let target = TinyClassifier(seed: 9)
        let headBefore = target.head.weight.toArray()
        var tensors = state(of: TinyClassifier(seed: 10))
        tensors["head.weight"] = nil
        tensors["head.bias"] = nil
        #expect(throws: LoadError.self) { try target.load(tensors) }
        let report = try target.load(tensors, allowMissing: ["head.*"])
        #expect(report.missing == ["head.weight", "head.bias"])
        #expect(report.loaded == ["running_mean", "encoder.weight", "encoder.bias"])
        #expect(target.head.weight.toArray() == headBefore)
        #expect(target.encoder.weight.toArray() == tensors["encoder.weight"]?.toArray())
    }

    @Test func headSwapWithADifferentShapeIsAllowedWhenDeclared() throws {
        let pretrained = state(of: TinyClassifier(classes: 10, seed: 11))
        let target = TinyClassifier(classes: 4, seed: 12)
        let headBefore = target.head.weight.toArray()
        #expect(throws: LoadError.self) { try target.load(pretrained) }
        let report = try target.load(pretrained, allowMissing: ["head.*"])
        #expect(report.misShaped.map(\.name) == ["head.weight", "head.bias"])
        #expect(report.misShaped.first?.expected == [4, 3] && report.misShaped.first?.found == [10, 3])
        #expect(target.head.weight.toArray() == headBefore)
        #expect(target.encoder.bias.map { $0.toArray() } == pretrained["encoder.bias"]?.toArray())
    }

    @Test func unexpectedKeysReportedAndToleratedWhenDeclared() throws {
        let target = TinyClassifier(seed: 13)
        var tensors = state(of: TinyClassifier(seed: 14))
        tensors["decoder.layers.0.weight"] = Tensor.zeros([2, 2])
        tensors["decoder.layers.1.weight"] = Tensor.zeros([2, 2])
        let error = #expect(throws: LoadError.self) { try target.load(tensors) }
        #expect(error?.unexpected == ["decoder.layers.0.weight", "decoder.layers.1.weight"])
        let report = try target.load(tensors, allowUnexpected: ["decoder.*"])
        #expect(report.unexpected == ["decoder.layers.0.weight", "decoder.layers.1.weight"])
        #expect(report.loaded.count == 5)
    }

    @Test func nonStrictLoadCopiesWhatMatches() throws {
        let target = TinyClassifier(seed: 15)
        let source = TinyClassifier(seed: 16)
        var tensors = state(of: source)
        tensors["encoder.weight"] = Tensor.zeros([1])
        tensors["head.bias"] = nil
        tensors["stray"] = Tensor.zeros([1])
        let report = try target.load(tensors, strict: false)
        #expect(report.loaded == ["running_mean", "encoder.bias", "head.weight"])
        #expect(report.missing == ["head.bias"] && report.unexpected == ["stray"])
        #expect(report.misShaped == [MisShapedKey(name: "encoder.weight", expected: [3, 4], found: [1])])
        #expect(target.head.weight.toArray() == source.head.weight.toArray())
    }
}
