import SignTensor

/// Features per distinct text, least recently used evicted first once more than `capacity` texts
/// are held (capacity 0 keeps nothing). Texts are compared byte for byte (UTF-8), not by Swift's
/// canonical equivalence, since differently encoded texts may tokenize differently.
final class FeatureCache {
    let capacity: Int
    private var entries: [TextKey: (features: Tensor, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { entries.count }

    func get(_ text: String) -> Tensor? {
        let key = TextKey(text)
        guard let e = entries[key] else { return nil }
        clock += 1
        entries[key] = (e.features, clock)
        return e.features
    }

    func put(_ text: String, _ features: Tensor) {
        guard capacity > 0 else { return }
        clock += 1
        entries[TextKey(text)] = (features, clock)
        while entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries.removeValue(forKey: oldest)
        }
    }

    func removeAll() { entries.removeAll() }
}

/// A text compared and hashed by its UTF-8 bytes.
struct TextKey: Hashable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (a: TextKey, b: TextKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    func hash(into h: inout Hasher) {
        var s = text
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
