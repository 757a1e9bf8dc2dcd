import Testing
import MSLUEncoder
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport

@Suite("MSLU encoder shapes and layouts")
struct MSLUShapeTests {
    @Test func shapesOnMslu79AndHolisticWithTheSameWeights() throws {
        let enc = try MSLUEncoder(config: tinyConfig(), seed: 1)
        enc.eval()
        for name in ["mslu-79", "mediapipe-holistic-543"] {
            let batch = try randomBatch(name, lengths: [5, 3], frames: 5, seed: 2)
            let out = try enc.encode(batch)
            #expect(out.tokens.shape == [2, 5, 10], "\(name)")
            #expect(out.pooled.shape == [2, 10])
            #expect(out.mask.shape == [2, 5])
            #expect(out.streams["manual"]?.shape == [2, 5, 16])
            #expect(out.streams["non_manual"]?.shape == [2, 5, 16])
            #expect(out.tokens.allFinite)
            // Padded frames of clip 1 are zero; the pooled feature is the mean of the valid tokens.
            for f in 3..<5 { for j in 0..<10 { #expect(out.tokens[1, f, j] == 0) } }
            for j in 0..<10 {
                let mean = (0..<3).map { out.tokens[1, $0, j] }.reduce(0, +) / 3
                #expect(abs(out.pooled[1, j] - mean) < 1e-5)
            }
        }
    }
}
