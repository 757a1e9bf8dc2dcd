import CProtobufC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns every C allocation of one export: protobuf-c messages, strings and arrays are `calloc`ed or
/// `strdup`ed here and freed together when the arena goes away (after `…__pack`), so the
/// pointer-linked C message tree never outlives its memory and nothing leaks.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit { for block in blocks { free(block) } }

    /// Zeroed memory for `count` values of T (at least one byte, so the pointer is never NULL).
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = Swift.max(1, count * MemoryLayout<T>.stride)
        guard let raw = calloc(1, bytes) else { fatalError("CArena: out of memory allocating \(bytes) bytes") }
        blocks.append(raw)
        return raw.bindMemory(to: T.self, capacity: Swift.max(1, count))
    }

    /// A NUL-terminated copy of `s`.
    func string(_ s: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(s.utf8CString)
        let p = allocate(CChar.self, count: utf8.count)
        utf8.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: utf8.count) }
        return p
    }

    /// A C array holding `values` (NULL when empty, as protobuf-c expects with a zero count).
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let p = allocate(T.self, count: values.count)
        values.withUnsafeBufferPointer { p.initialize(from: $0.baseAddress!, count: values.count) }
        return p
    }

    /// An array of C strings.
    func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        array(values.map { Optional(string($0)) })
    }

    /// A copy of `bytes` as protobuf-c binary data.
    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        let p = allocate(UInt8.self, count: bytes.count)
        bytes.withUnsafeBufferPointer { if let base = $0.baseAddress { p.update(from: base, count: bytes.count) } }
        return ProtobufCBinaryData(len: bytes.count, data: p)
    }

    /// A message initialized by its generated `…__init` function, then filled by `fill`.
    func message<T>(_ initialize: (UnsafeMutablePointer<T>) -> Void, _ fill: (inout T) throws -> Void) rethrows -> UnsafeMutablePointer<T> {
        let p = allocate(T.self, count: 1)
        initialize(p)
        try fill(&p.pointee)
        return p
    }

    /// Number of live allocations (for tests of the arena itself).
    var allocationCount: Int { blocks.count }
}
