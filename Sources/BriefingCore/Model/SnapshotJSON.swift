import Foundation

extension Snapshot {
    /// The snapshot as UTF-8 JSON, keys in the contract's order; with `pretty`, indented.
    public func jsonBytes(pretty: Bool = false) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types with finite numbers cannot fail.
        return [UInt8](try! encoder.encode(self))
    }
}
