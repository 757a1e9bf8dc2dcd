/// How `CorpusStream` orders, filters, splits and batches a pack's clips for one epoch.
public struct StreamOptions: Equatable, Sendable {
    public enum Batching: Equatable, Sendable {
        /// A fixed number of clips per batch (the last one of the epoch may be smaller).
        case clips(Int)
        /// A budget of padded frames: clips × longest clip ≤ budget (a clip longer than the budget
        /// forms a batch of its own).
        case frameBudget(Int)
    }

    /// Shuffling seed; with `epoch` it fixes the order (same seed and epoch ⇒ same batches).
    public var seed: UInt64
    public var shuffle: Bool
    /// Contiguous index entries that move together when the block order is shuffled.
    public var blockSize: Int
    /// Blocks mixed together: the shuffle window holds `blockSize × windowBlocks` clips (their records
    /// only, under 200 bytes each), and is also the pool that length bucketing sorts.
    public var windowBlocks: Int
    /// Keep only clips whose split is one of these (nil keeps all; clips without split are dropped by a filter).
    public var splits: Set<String>?
    /// This worker's rank and the number of workers.
    public var rank: Int
    public var worldSize: Int
    public var batching: Batching
    /// Sort each window by length before cutting batches (clips of similar length together).
    public var bucketByLength: Bool
    /// Drop the epoch's last batch when it is smaller than `.clips(n)` asks.
    public var dropLast: Bool
    /// Batches the background thread may hold ready (bounded queue).
    public var prefetchBatches: Int
    /// Threads that read and decode the clips of one batch (results do not depend on it).
    public var decodeThreads: Int

    public init(seed: UInt64 = 0, shuffle: Bool = true, blockSize: Int = 256, windowBlocks: Int = 32,
                splits: Set<String>? = nil, rank: Int = 0, worldSize: Int = 1, batching: Batching = .clips(32),
                bucketByLength: Bool = true, dropLast: Bool = false, prefetchBatches: Int = 4, decodeThreads: Int = 1) {
        self.seed = seed; self.shuffle = shuffle; self.blockSize = blockSize; self.windowBlocks = windowBlocks
        self.splits = splits; self.rank = rank; self.worldSize = worldSize; self.batching = batching
        self.bucketByLength = bucketByLength; self.dropLast = dropLast; self.prefetchBatches = prefetchBatches
        self.decodeThreads = decodeThreads
    }

    func validate(file: String) throws {
        func bad(_ s: String) -> CorpusError { CorpusError(file, .invalidArgument, s) }
        guard blockSize >= 1, windowBlocks >= 1 else { throw bad("blockSize \(blockSize) and windowBlocks \(windowBlocks) must be ≥ 1") }
        guard worldSize >= 1, rank >= 0, rank < worldSize else { throw bad("rank \(rank) of \(worldSize) workers is out of range") }
        switch batching {
        case .clips(let n): guard n >= 1 else { throw bad("batch size \(n) must be ≥ 1") }
        case .frameBudget(let n): guard n >= 1 else { throw bad("frame budget \(n) must be ≥ 1") }
        }
        guard prefetchBatches >= 1, decodeThreads >= 1 else { throw bad("prefetchBatches and decodeThreads must be ≥ 1") }
    }
}
