import SignNN
import SignTensor

/// One temporal downsampling block of the CSLR head (paper notes §5 [G], the VAC/TwoStream
/// "K5-P2" pattern with same-padding):
///   y = MaxPool1d(k 2, s 2)(ReLU(BatchNorm1d(Conv1d(k 5, p 2)(x))))
/// x [B, Cin, T] → y [B, Cout, ⌊T/2⌋]. A clip with L valid frames keeps ⌊L/2⌋: the convolution keeps
/// the length and each pooled frame covers two frames that were both valid.
/// BatchNorm statistics include the padding frames of the batch (zeroed before each block).
public final class TemporalConvBlock: Module {
    public let conv: Conv1d
    public let norm: BatchNorm1d

    public init(inChannels: Int, outChannels: Int, rng: inout RandomStream) throws {
        conv = try Conv1d(inChannels: inChannels, outChannels: outChannels, kernelSize: 5, padding: 2, rng: &rng)
        norm = BatchNorm1d(outChannels)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try norm(try conv(x)).relu().maxPool1d(kernel: 2, stride: 2)
    }

    /// Valid frames after the block.
    public static func outputLength(_ length: Int) -> Int { length / 2 }
}
