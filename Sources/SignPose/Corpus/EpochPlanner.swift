import SignTensor

/// The order of one epoch as batches of clip indices, computed lazily from the index records with
/// memory independent of the corpus size (see the type doc of `CorpusStream` for the algorithm).
public final class EpochPlanner {
    public struct Planned: Equatable, Sendable {
        public var index: Int
        public var record: ClipRecord
    }

    let pack: ShardPack
    let options: StreamOptions
    public let epoch: Int
    private var rng: RandomStream
    /// Block numbers in visiting order (4 bytes per `blockSize` clips).
    private var blockOrder: [UInt32]
    private var nextBlock = 0
    private var pending: [[Planned]] = []
    private var carry: [Planned] = []
    private var filteredPosition = 0
    private var splitCodes: Set<Int>?
    private var done = false

    public init(pack: ShardPack, options: StreamOptions, epoch: Int) throws {
        try options.validate(file: pack.directory)
        self.pack = pack
        self.options = options
        self.epoch = epoch
        rng = RandomStream(seed: options.seed).derived(UInt64(truncatingIfNeeded: epoch) &+ 0x5EED)
        let blocks = (pack.count + options.blockSize - 1) / options.blockSize
        blockOrder = (0..<blocks).map { UInt32($0) }
        if options.shuffle { Self.shuffle(&blockOrder, &rng) }
        if let names = options.splits {
            splitCodes = Set(pack.header.splits.enumerated().filter { names.contains($0.element) }.map(\.offset))
        }
    }

    static func shuffle<T>(_ a: inout [T], _ rng: inout RandomStream) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, rng.int(i + 1)) }
    }

    /// The next batch, or nil at the end of the epoch.
    public func nextBatch() throws -> [Planned]? {
        while pending.isEmpty {
            if done { return nil }
            if nextBlock >= blockOrder.count {
                done = true
                let last = cut(carry, final: true)
                carry = []
                pending = last.reversed()
                continue
            }
            try loadWindow()
        }
        return pending.removeLast()
    }

    private func loadWindow() throws {
        let bs = options.blockSize
        var window: [Planned] = []
        window.reserveCapacity(bs * options.windowBlocks)
        let end = min(blockOrder.count, nextBlock + options.windowBlocks)
        for b in blockOrder[nextBlock..<end] {
            let lo = Int(b) * bs, hi = min(pack.count, lo + bs)
            for (k, r) in try pack.records(lo..<hi).enumerated() { window.append(Planned(index: lo + k, record: r)) }
        }
        nextBlock = end
        if options.shuffle { Self.shuffle(&window, &rng) }
        var pool = carry
        carry = []
        for p in window {
            if let codes = splitCodes { guard let s = p.record.split, codes.contains(s) else { continue } }
            if filteredPosition % options.worldSize == options.rank { pool.append(p) }
            filteredPosition += 1
        }
        var batches = cut(pool, final: false)
        if let open = batches.popLast() { carry = open }
        if options.shuffle { Self.shuffle(&batches, &rng) }
        pending = batches.reversed()
    }

    /// Sorts (when bucketing) and cuts `pool` into batches. Unless `final`, the last batch is returned
    /// even when it could take more clips, so the caller carries it into the next window.
    private func cut(_ pool: [Planned], final: Bool) -> [[Planned]] {
        guard !pool.isEmpty else { return [] }
        var clips = pool
        if options.bucketByLength {
            clips.sort { $0.record.frames != $1.record.frames ? $0.record.frames < $1.record.frames : $0.index < $1.index }
        }
        var batches: [[Planned]] = []
        var current: [Planned] = []
        var longest = 0
        for c in clips {
            switch options.batching {
            case .clips(let n):
                if current.count == n { batches.append(current); current = [] }
            case .frameBudget(let budget):
                let m = max(longest, c.record.frames)
                if !current.isEmpty, (current.count + 1) * m > budget { batches.append(current); current = []; longest = 0 }
            }
            current.append(c)
            longest = max(longest, c.record.frames)
        }
        if !current.isEmpty {
            if final, options.dropLast, case .clips(let n) = options.batching, current.count < n {} else { batches.append(current) }
        }
        return batches
    }
}
