// One pass over bytes: how many multi-byte UTF-8 sequences are valid and how many bytes are not.
// Hand-written because it runs on every input and must keep to memory speed.

struct UTF8Scan {
    var multibyte = 0
    /// Maximal invalid subparts, each of which `String(decoding:as:)` turns into one U+FFFD.
    var invalid = 0

    /// True when the scan stopped early because the bytes plainly are not UTF-8.
    var gaveUp = false

    /// - Parameter giveUp: stop once the bytes plainly are not UTF-8 (many invalid sequences, not
    ///   outnumbered 20:1 by valid ones), so legacy input does not pay for a full scan.
    static func scan(_ bytes: some Collection<UInt8>, giveUp: Bool = false) -> UTF8Scan {
        if let result = bytes.withContiguousStorageIfAvailable({ scan(buffer: $0, giveUp: giveUp) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { scan(buffer: $0, giveUp: giveUp) }
    }

    private static func scan(buffer: UnsafeBufferPointer<UInt8>, giveUp: Bool) -> UTF8Scan {
        var result = UTF8Scan()
        let n = buffer.count
        var i = 0
        while i < n {
            let b = buffer[i]
            if b < 0x80 {
                i += 1
                continue
            }
            // Expected length and the allowed range of the second byte (RFC 3629 table).
            var length = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default:
                result.invalid += 1
                if giveUp && result.invalid >= 16 && result.invalid * 20 > result.multibyte {
                    result.gaveUp = true
                    return result
                }
                i += 1
                continue
            }
            var k = 1
            while k < length, i + k < n {
                let c = buffer[i + k]
                let ok = k == 1 ? (c >= low && c <= high) : (c >= 0x80 && c <= 0xBF)
                if !ok { break }
                k += 1
            }
            if k == length {
                result.multibyte += 1
            } else {
                result.invalid += 1
                if giveUp && result.invalid >= 16 && result.invalid * 20 > result.multibyte {
                    result.gaveUp = true
                    return result
                }
            }
            i += k
        }
        return result
    }
}
