import CBLAS
import Dispatch
import Foundation

/// A value that may cross into `concurrentPerform` workers. Used for raw pointers whose
/// disjoint regions each worker writes.
public struct UnsafeSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

/// Thread settings of the engine's parallel kernels, GEMMs included.
///
/// `SIGNZOO_THREADS` sets the count at start-up (default: active cores). The same count and
/// the same seed give the same bits: chunk boundaries depend only on the thread count.
/// OpenBLAS always runs single-threaded: `sgemm` splits large products over these threads itself.
/// (OpenBLAS's own workers busy-wait for ~10⁸ cycles after each call, which halved the speed of
/// every kernel that ran next on the same 2 cores: attention took 10 ms instead of 5.)
public enum Parallel {
    nonisolated(unsafe) private static var _threads: Int = {
        let env = ProcessInfo.processInfo.environment["SIGNZOO_THREADS"].flatMap(Int.init)
        let n = max(1, env ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(1)
        return n
    }()

    /// The number of threads kernels use.
    public static var threads: Int {
        get { _threads }
        set { _threads = max(1, newValue); openblas_set_num_threads(1) }
    }

    /// Runs `body(start, end)` over `[0, count)` split into one contiguous chunk per thread, serially
    /// when `count < minPerThread * 2` or one thread is configured.
    @inline(__always)
    public static func chunks(_ count: Int, minPerThread: Int = 32_768, _ body: (Int, Int) -> Void) {
        let t = min(threads, count / max(minPerThread, 1))
        if t <= 1 { body(0, count); return }
        let per = (count + t - 1) / t
        withoutActuallyEscaping(body) { body in
            let b = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: t) { i in
                let s = i * per, e = min(count, s + per)
                if s < e { b.value(s, e) }
            }
        }
    }

    /// Runs `body(i)` for `i` in `[0, count)` on all threads (OpenBLAS is single-threaded inside).
    /// For many small independent GEMMs (attention heads, batched matmul).
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        let t = min(threads, count)
        if t <= 1 { for i in 0..<count { body(i) }; return }
        let per = (count + t - 1) / t
        withoutActuallyEscaping(body) { body in
            let b = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: t) { w in
                let s = w * per, e = min(count, s + per)
                var i = s
                while i < e { b.value(i); i += 1 }
            }
        }
    }
}
