import Foundation

extension Snapshot {
    /// The snapshot as UTF-8 JSON with sorted keys; with `pretty`, indented.
    ///
    /// The compact form, written for every snapshot, comes from ``SnapshotJSONWriter`` (the same bytes
    /// as JSONEncoder, several times faster); the pretty form, for people, still from JSONEncoder.
    public func jsonBytes(pretty: Bool = false) -> [UInt8] {
        guard pretty else {
            // The text appears about twice (whole and in turns); room for both avoids regrowing.
            var writer = SnapshotJSONWriter(capacity: text.utf8.count * 2 + 4096)
            writer.snapshot(self)
            return writer.bytes
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types with finite numbers cannot fail.
        return [UInt8](try! encoder.encode(self))
    }
}
