import Foundation

extension Snapshot {
    /// The snapshot as UTF-8 JSON with sorted keys; with `pretty`, indented.
    ///
    /// The compact form, written for every snapshot, comes from ``SnapshotJSONWriter`` (the same bytes
    /// as JSONEncoder, several times faster); the pretty form, for people, still from JSONEncoder.
    public func jsonBytes(pretty: Bool = false) -> [UInt8] {
        guard pretty else {
            // Counted first, then written into an array of exactly that size: the JSON is about three
            // times the text, and a growing buffer plus its final copy held twice that at the peak.
            // The counting pass costs a few percent of the pipeline's time.
            var counter = SnapshotJSONWriter(counting: ())
            counter.snapshot(self)
            let size = counter.count
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                var writer = SnapshotJSONWriter(into: buffer)
                writer.snapshot(self)
                initialized = writer.count
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types with finite numbers cannot fail.
        return [UInt8](try! encoder.encode(self))
    }
}
