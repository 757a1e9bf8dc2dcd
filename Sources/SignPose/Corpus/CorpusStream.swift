import Dispatch
import Foundation
import SignTensor

/// Streams one epoch of a shard pack as batches, read and decoded ahead by a background thread.
///
/// ## Order (deterministic per seed and epoch)
/// 1. The index is cut into blocks of `blockSize` consecutive clips; the block order is a Fisher–Yates
///    permutation drawn from `RandomStream(seed).derived(epoch)`.
/// 2. Blocks are taken `windowBlocks` at a time (a window of up to `blockSize × windowBlocks` clips
///    from that many random places of the corpus); the window's clips are shuffled by the same stream.
/// 3. The split filter drops clips; of the remaining ones, worker `rank` of `worldSize` keeps the clips
///    at positions p ≡ rank (mod worldSize) of the epoch's filtered order. Shares are disjoint, their
///    union is every clip that passes the filter, and they differ in size by at most one clip.
/// 4. The worker's clips of a window (plus the unfinished batch carried from the previous window)
///    are sorted by length (when `bucketByLength`) and cut into batches of `n` clips or of at most
///    `budget` padded frames; the batch order within the window is shuffled. Clips in a batch
///    therefore have neighbouring lengths among ~`blockSize × windowBlocks / worldSize` clips.
/// Without `shuffle`, blocks and clips keep index order (bucketing still sorts within windows).
///
/// ## Memory
/// Independent of the number of clips except for the block order (4 bytes per block: 16 KB for a
/// million clips in blocks of 256): one window of records (under 200 B per clip), at most
/// `prefetchBatches` decoded batches in the queue plus the one being decoded, and one read buffer per
/// decode thread. Clip bytes are read with `pread` (no mapping), so resident memory stays flat however
/// large the pack is.
///
/// Errors (a damaged shard, a failing transform) arrive from `next()` at the batch where they happened;
/// the stream then ends.
public final class CorpusStream: @unchecked Sendable {
    public typealias Transform = @Sendable (inout CorpusClip) throws -> Void

    public let pack: ShardPack
    public let options: StreamOptions
    public let epoch: Int
    private let queue: BoundedQueue<Result<CorpusBatch, Error>?>
    private var thread: Thread?
    private var finished = false

    /// Starts the background thread for `epoch`. `transform` runs on each clip after decoding (on
    /// the decode threads), e.g. `CorpusStream.uniSignNormalization(...)`.
    public init(pack: ShardPack, options: StreamOptions = StreamOptions(), epoch: Int, transform: Transform? = nil) throws {
        let planner = try EpochPlanner(pack: pack, options: options, epoch: epoch)
        self.pack = pack
        self.options = options
        self.epoch = epoch
        let queue = BoundedQueue<Result<CorpusBatch, Error>?>(capacity: options.prefetchBatches)
        self.queue = queue
        let t = Thread {
            var number = 0
            let threads = options.decodeThreads
            do {
                while let planned = try planner.nextBatch() {
                    if queue.isCancelled { return }
                    var results = [Result<CorpusClip, Error>?](repeating: nil, count: planned.count)
                    results.withUnsafeMutableBufferPointer { out in
                        let o = UnsafeSendable(out)
                        let work = { @Sendable (w: Int) in
                            var values: [Float] = [], scratch: [UInt8] = []
                            var k = w
                            while k < planned.count {
                                let p = planned[k]
                                o.value[k] = Result {
                                    try pack.readValues(p.record, clip: p.index, into: &values, scratch: &scratch)
                                    var clip = CorpusClip(index: p.index, metadata: try pack.metadata(p.record, clip: p.index),
                                                          labelIndex: p.record.label, frames: p.record.frames,
                                                          points: p.record.points, values: values)
                                    values = []
                                    try transform?(&clip)
                                    return clip
                                }
                                k += threads
                            }
                        }
                        if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
                    }
                    let clips = try results.map { try $0!.get() }
                    guard queue.put(.success(CorpusBatch(epoch: epoch, number: number, clips: clips))) else { return }
                    number += 1
                }
                _ = queue.put(nil)
            } catch {
                _ = queue.put(.failure(error))
                _ = queue.put(nil)
            }
        }
        t.name = "signzoo-corpus-prefetch"
        t.stackSize = 1 << 20
        thread = t
        t.start()
    }

    deinit { queue.cancel() }

    /// The next batch, nil at the end of the epoch. Throws the producer's error (once; then nil).
    public func next() throws -> CorpusBatch? {
        guard !finished else { return nil }
        guard let taken = queue.take(), let item = taken else { finished = true; return nil }
        switch item {
        case .success(let b): return b
        case .failure(let e): finished = true; throw e
        }
    }

    /// Stops the background thread (remaining batches are dropped).
    public func cancel() {
        finished = true
        queue.cancel()
    }

    /// Uni-Sign spatial normalization (`Preprocessing.normalize`) of every clip, as a transform.
    public static func uniSignNormalization(_ preprocessing: Preprocessing = .uniSign, layout: PoseLayout) -> Transform {
        { clip in try clip.normalize(preprocessing, layout: layout) }
    }
}

/// A FIFO of at most `capacity` items: `put` waits while full, `take` while empty; `cancel` wakes both
/// (put returns false, take returns nil).
final class BoundedQueue<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []
    private let capacity: Int
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelled }

    func put(_ item: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item; nil when cancelled. (`T` may itself be optional: an end marker.)
    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !cancelled { condition.wait() }
        guard !cancelled else { return nil }
        let item = items.removeFirst()   // at most `capacity` items: cheap, and releases the batch at once
        condition.broadcast()
        return item
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
