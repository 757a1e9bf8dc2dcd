import Foundation

/// The memory behind one or more tensors: `count` contiguous Float32 values.
///
/// Buffers come from `BufferPool`, which keeps freed buffers by exact element count so a training
/// loop that allocates the same shapes every step stops calling `malloc` after the first step.
public final class Storage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// Uninitialized storage of `count` floats (the caller writes every element).
    public init(uninitializedCount count: Int) {
        self.count = count
        self.pointer = BufferPool.shared.take(count)
    }

    /// Storage filled with `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: value, count: count)
    }

    deinit { BufferPool.shared.give(pointer, count: count) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}

/// A size-bucketed free list of Float buffers. Thread-safe; keeps at most `maxPooledBytes`.
public final class BufferPool: @unchecked Sendable {
    public static let shared = BufferPool()

    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var pooledBytes = 0
    private let lock = NSLock()
    /// Upper bound on memory parked in the pool: a quarter of physical memory, at least 2 GiB
    /// (`SIGNZOO_POOL_MB` overrides). Large batches (e.g. mslu-base at 32 × 128 frames) free and
    /// re-take more than 2 GiB per forward; a smaller cap sends them back to the kernel and every
    /// step pays the page faults again.
    public var maxPooledBytes: Int = {
        if let s = ProcessInfo.processInfo.environment["SIGNZOO_POOL_MB"], let mb = Int(s) { return mb << 20 }
        return max(2 << 30, Int(ProcessInfo.processInfo.physicalMemory / 4))
    }()

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let n = max(count, 1)
        lock.lock()
        if var list = free[n], let p = list.popLast() {
            free[n] = list
            pooledBytes -= n * 4
            lock.unlock()
            return p
        }
        lock.unlock()
        // 64-byte alignment so SIMD16 loads never straddle cache lines at the start.
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, n * MemoryLayout<Float>.stride) == 0, let raw else {
            fatalError("SignTensor: out of memory allocating \(n) floats")
        }
        return raw.bindMemory(to: Float.self, capacity: n)
    }

    func give(_ p: UnsafeMutablePointer<Float>, count: Int) {
        let n = max(count, 1)
        lock.lock()
        if pooledBytes + n * 4 <= maxPooledBytes {
            free[n, default: []].append(p)
            pooledBytes += n * 4
            lock.unlock()
        } else {
            lock.unlock()
            Foundation.free(p)
        }
    }

    /// Returns every parked buffer to the system.
    public func drain() {
        lock.lock()
        for (_, list) in free { for p in list { Foundation.free(p) } }
        free.removeAll()
        pooledBytes = 0
        lock.unlock()
    }

    /// Bytes currently parked in the pool.
    public var parkedBytes: Int { lock.lock(); defer { lock.unlock() }; return pooledBytes }
}
