#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Byte-level ASCII searches over the head of an input. Format and charset sniffing run on every
// input; Foundation's string search (which folds Unicode case through NSString) costs more than
// decoding the whole file, so these look at bytes.

enum ASCIIBytes {
    /// Index of `needle` (lower-case ASCII) in `haystack`, ignoring ASCII case.
    static func find(_ needle: StaticString, in haystack: UnsafeBufferPointer<UInt8>, from start: Int = 0)
        -> Int?
    {
        let n = needle.utf8CodeUnitCount
        guard n > 0, haystack.count >= n else { return nil }
        let first = needle.utf8Start[0]
        var i = start
        let last = haystack.count - n
        let firstIsLetter = first >= 0x61 && first <= 0x7A
        while i <= last {
            if !firstIsLetter {
                // Jump to the next occurrence of the first byte (memchr is vectorised).
                guard let base = haystack.baseAddress,
                    let hit = memchr(base + i, Int32(first), last - i + 1)
                else { return nil }
                i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            }
            if lower(haystack[i]) == first {
                var k = 1
                while k < n && lower(haystack[i + k]) == needle.utf8Start[k] { k += 1 }
                if k == n { return i }
            }
            i += 1
        }
        return nil
    }

    @inline(__always) private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// True when `needle` occurs in the first `limit` bytes of `bytes`, ignoring ASCII case.
    static func contains(_ needle: StaticString, in bytes: some Collection<UInt8>, limit: Int = 4096) -> Bool
    {
        withHead(bytes, limit: limit) { find(needle, in: $0) != nil }
    }

    static func withHead<R>(
        _ bytes: some Collection<UInt8>, limit: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        if let r = bytes.withContiguousStorageIfAvailable({
            body(UnsafeBufferPointer(rebasing: $0.prefix(limit)))
        }) {
            return r
        }
        return Array(bytes.prefix(limit)).withUnsafeBufferPointer(body)
    }
}
