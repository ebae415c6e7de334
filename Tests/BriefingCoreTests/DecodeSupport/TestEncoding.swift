#if canImport(Glibc)
    import Glibc
#endif

// Test data in legacy encodings, made at test time with glibc iconv (independent of the decoder's
// own conversion code, which it checks).

enum TestEncoding {
    static func encode(_ text: String, as encoding: String) -> [UInt8] {
        guard let bytes = tryEncode(text, as: encoding) else {
            preconditionFailure("text not encodable as \(encoding)")
        }
        return bytes
    }

    static func canEncode(_ text: String, as encoding: String) -> Bool {
        tryEncode(text, as: encoding) != nil
    }

    static func tryEncode(_ text: String, as encoding: String) -> [UInt8]? {
        if encoding == "UTF-8" { return Array(text.utf8) }
        return convert(Array(text.utf8), from: "UTF-8", to: encoding)
    }

    /// Strict iconv conversion of the whole input, or nil if any of it has no mapping.
    static func convert(_ bytes: [UInt8], from source: String, to target: String) -> [UInt8]? {
        let cd = iconv_open(target, source)
        precondition(cd != iconv_t(bitPattern: -1), "iconv does not know \(source) → \(target)")
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var inLeft = input.count
        var outLeft = output.count
        let result = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPtr = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPtr = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            }
        }
        guard result != -1, inLeft == 0 else { return nil }
        return Array(output.prefix(output.count - outLeft))
    }

    /// The byte-order mark of an encoding, if it has one.
    static func bom(_ encoding: String) -> [UInt8]? {
        switch encoding {
        case "UTF-8": [0xEF, 0xBB, 0xBF]
        case "UTF-16LE": [0xFF, 0xFE]
        case "UTF-16BE": [0xFE, 0xFF]
        case "GB18030": [0x84, 0x31, 0x95, 0x33]
        default: nil
        }
    }
}

/// Deterministic randomness (SplitMix64), so a failing variant can be reproduced.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TestDecoding {
    /// Strictly decodes `bytes` as GB18030, or nil.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        TestEncoding.convert(bytes, from: "GB18030", to: "UTF-8").map { String(decoding: $0, as: UTF8.self) }
    }
}
