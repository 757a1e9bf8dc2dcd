import Foundation

/// `header.json` of a shard pack (see `ShardPack` for the whole format). Written last, atomically:
/// its presence marks a complete pack, and it names every other file of the pack.
public struct ShardPackHeader: Codable, Equatable, Sendable {
    public struct Layout: Codable, Equatable, Sendable {
        /// Registered layout name (`mslu-79` …) or `custom`.
        public var name: String
        public var pointCount: Int
        /// The components with point names, limbs and colours; formats are "XYC" (x, y, score stored).
        public var components: [PoseComponent]
        enum CodingKeys: String, CodingKey { case name, pointCount = "point_count", components }
    }

    public struct FileEntry: Codable, Equatable, Sendable {
        /// Path relative to the pack folder.
        public var file: String
        /// The shard's random id (16 hex digits) as its own header records it; nil for the index.
        public var id: String?
        public var clips: Int?
        public var bytes: Int
    }

    /// "signzoo-pose-pack".
    public var format: String
    public var version: Int
    /// 8 hex digits, the prefix of this pack's file names.
    public var packID: String
    public var layout: Layout
    public var valuesPerPoint: Int
    public var valueNames: [String]
    public var dtype: String
    public var byteOrder: String
    public var clips: Int
    public var frames: Int
    public var index: FileEntry
    public var shards: [FileEntry]
    /// Label, language and split names; a record's code indexes these lists (first-seen order).
    public var labels: [String]
    public var languages: [String]
    public var splits: [String]

    enum CodingKeys: String, CodingKey {
        case format, version, packID = "pack_id", layout, valuesPerPoint = "values_per_point", valueNames = "value_names"
        case dtype, byteOrder = "byte_order", clips, frames, index, shards, labels, languages, splits
    }

    public static let formatName = "signzoo-pose-pack"

    /// The header as `header.json` bytes (pretty-printed, sorted keys, final newline).
    public func encoded() throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try enc.encode(self)) + [0x0A]
    }
}
