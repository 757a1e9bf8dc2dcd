import Foundation
import Testing
import SignPose

@Suite("Corpus stream order")
struct CorpusStreamTests {
    /// 300 clips with lengths 10…99; blocks of 16 and windows of 4 blocks so that several windows exist.
    static let packed: (String, String) = try! CorpusFixtures.packed(count: 300, lengths: { 10 + ($0 * 53) % 90 })
    static var pack: ShardPack { try! ShardPack(directory: packed.1) }
    static let options = StreamOptions(seed: 11, blockSize: 16, windowBlocks: 4, batching: .clips(8))

    @Test func sameSeedAndEpochSameBatches() throws {
        let pack = Self.pack
        let a = try CorpusFixtures.order(pack, Self.options, epoch: 2)
        let b = try CorpusFixtures.order(try ShardPack(directory: Self.packed.1), Self.options, epoch: 2)
        #expect(a == b)
        #expect(Set(a.joined()) == Set(0..<300) && a.joined().count == 300)
        // decodeThreads and prefetch depth do not change the order.
        var o = Self.options
        o.decodeThreads = 2; o.prefetchBatches = 1
        #expect(try CorpusFixtures.order(pack, o, epoch: 2) == a)
        // Another epoch or seed: another order (same clips).
        let c = try CorpusFixtures.order(pack, Self.options, epoch: 3)
        #expect(c != a && Set(c.joined()) == Set(0..<300))
        var s = Self.options
        s.seed = 12
        #expect(try CorpusFixtures.order(pack, s, epoch: 2) != a)
        // Not the index order.
        #expect(Array(a.joined()) != Array(0..<300))
    }

    @Test func unshuffledKeepsIndexOrder() throws {
        var o = Self.options
        o.shuffle = false; o.bucketByLength = false
        let order = try CorpusFixtures.order(Self.pack, o, epoch: 5)
        #expect(Array(order.joined()) == Array(0..<300))
        #expect(order.dropLast().allSatisfy { $0.count == 8 } && order.last!.count == 300 % 8)
        o.dropLast = true
        #expect(try CorpusFixtures.order(Self.pack, o, epoch: 0).count == 300 / 8)
    }

    @Test func workerSharesAreDisjointAndComplete() throws {
        let pack = Self.pack
        for world in [2, 3, 7] {
            var shares: [[Int]] = []
            for rank in 0..<world {
                var o = Self.options
                o.rank = rank; o.worldSize = world
                let share = Array(try CorpusFixtures.order(pack, o, epoch: 1).joined())
                #expect(try Array(CorpusFixtures.order(pack, o, epoch: 1).joined()) == share, "rank \(rank) of \(world) not reproducible")
                shares.append(share)
            }
            let all = shares.joined()
            #expect(all.count == 300 && Set(all) == Set(0..<300), "world \(world): union is not every clip once")
            let sizes = shares.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1, "world \(world): unbalanced \(sizes)")
        }
    }

    @Test func splitFilter() throws {
        let pack = Self.pack
        var o = Self.options
        o.splits = ["dev"]
        let dev = Array(try CorpusFixtures.order(pack, o, epoch: 0).joined())
        #expect(Set(dev) == Set((0..<300).filter { $0 % 3 == 1 }) && dev.count == 100)
        o.splits = ["train", "test"]; o.worldSize = 2; o.rank = 1
        let share = Array(try CorpusFixtures.order(pack, o, epoch: 0).joined())
        #expect(share.count == 100 && share.allSatisfy { $0 % 3 != 1 })
        o.splits = ["nonexistent"]
        #expect(try CorpusFixtures.order(pack, o, epoch: 0).isEmpty)
    }

    static func spreads(_ batches: [[Int]]) -> [Int] {
        let length = { (i: Int) in 10 + (i * 53) % 90 }
        return batches.map { b in b.map(length).max()! - b.map(length).min()! }
    }

    @Test func bucketingKeepsLengthsClose() throws {
        let pack = Self.pack
        var o = Self.options
        o.windowBlocks = 100   // one window: the whole corpus is sorted
        let bucketed = Self.spreads(try CorpusFixtures.order(pack, o, epoch: 0))
        // 300 lengths spread over 10…99 (≈3.3 clips per length): 8 neighbours span at most 3 lengths.
        #expect(bucketed.max()! <= 3, "\(bucketed)")
        o.bucketByLength = false
        let mixed = Self.spreads(try CorpusFixtures.order(pack, o, epoch: 0))
        #expect(Double(mixed.reduce(0, +)) / Double(mixed.count) > 40, "\(mixed)")
        // Small windows (64 clips) still keep batches much tighter than random.
        let windowed = Self.spreads(try CorpusFixtures.order(pack, Self.options, epoch: 0))
        #expect(Double(windowed.reduce(0, +)) / Double(windowed.count) < 20, "\(windowed)")
    }

    @Test func frameBudgetBatches() throws {
        let pack = Self.pack
        var o = Self.options
        o.batching = .frameBudget(400)
        let batches = try CorpusFixtures.order(pack, o, epoch: 4)
        let length = { (i: Int) in 10 + (i * 53) % 90 }
        #expect(Set(batches.joined()) == Set(0..<300) && batches.joined().count == 300)
        for b in batches { #expect(b.count * b.map(length).max()! <= 400, "\(b.map(length))") }
        // Short clips pack many to a batch, long ones few.
        #expect(batches.map(\.count).max()! >= 10 && batches.map(\.count).min()! <= 5)
    }

    @Test func invalidOptionsAreRefused() throws {
        var o = Self.options
        o.rank = 3; o.worldSize = 3
        #expect(throws: CorpusError.self) { try CorpusStream(pack: Self.pack, options: o, epoch: 0) }
        o = Self.options
        o.batching = .clips(0)
        #expect(throws: CorpusError.self) { try CorpusStream(pack: Self.pack, options: o, epoch: 0) }
    }

    @Test func cancellingStopsTheProducer() throws {
        var o = Self.options
        o.prefetchBatches = 1
        let s = try CorpusStream(pack: Self.pack, options: o, epoch: 0)
        _ = try s.next()
        s.cancel()
        #expect(try s.next() == nil)
    }
}
