import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// glibc iconv behind a small Swift surface: legacy bytes → UTF-8 bytes, with every undecodable
// byte turned into U+FFFD and counted (iconv itself stops at the first one).

/// Result of converting bytes to UTF-8.
struct ConvertedText {
    /// Valid UTF-8.
    var utf8: [UInt8]
    /// How many U+FFFD were written for bytes the source encoding could not decode.
    var replacements: Int
    /// True when the input ended inside a multi-byte sequence.
    var truncated: Bool
}

/// Open conversion descriptors kept for reuse. Opening one makes glibc look up and dlopen a gconv
/// module, and closing the last one dlcloses it again: per input that cost more than converting.
/// A descriptor is used by one thread at a time: taken out of the pool, used, reset, put back.
private final class IconvPool: @unchecked Sendable {
    static let shared = IconvPool()
    private let lock = NSLock()
    private var free: [String: [iconv_t]] = [:]
    private static let maxPerPair = 4

    func withDescriptor<R>(from: String, to: String, _ body: (iconv_t) -> R) -> R? {
        let key = from + "\u{0}" + to
        lock.lock()
        var cd = free[key]?.popLast()
        lock.unlock()
        if cd == nil {
            let opened = iconv_open(to, from)
            if opened == iconv_t(bitPattern: -1) { return nil }
            cd = opened
        }
        guard let cd else { return nil }
        let result = body(cd)
        iconv(cd, nil, nil, nil, nil)  // back to the initial state for the next user
        lock.lock()
        if free[key, default: []].count < Self.maxPerPair {
            free[key, default: []].append(cd)
            lock.unlock()
        } else {
            lock.unlock()
            iconv_close(cd)
        }
        return result
    }
}

enum Iconv {

    /// Converts `bytes` from `encoding` (an iconv name such as "GB18030") to UTF-8.
    /// - Parameter strict: stop at the first undecodable byte and return nil (used to test candidates).
    /// - Returns: nil when iconv does not know the encoding, or in strict mode when the bytes do not fit.
    static func toUTF8<C: Collection<UInt8>>(_ bytes: C, from encoding: String, strict: Bool = false)
        -> ConvertedText?
    {
        let input = Array(bytes)
        if input.isEmpty { return ConvertedText(utf8: [], replacements: 0, truncated: false) }
        // glibc converts to UTF-32 about three times faster than to UTF-8 (one gconv step instead of
        // two), and encoding UTF-8 from scalars by hand is cheap.
        return IconvPool.shared.withDescriptor(from: encoding, to: "UTF-32LE") { cd in
            convert(input, cd: cd, strict: strict)
        } ?? nil
    }

    private static func convert(_ input: [UInt8], cd: iconv_t, strict: Bool) -> ConvertedText? {
        // One scalar per input byte at most (the byte-order mark, if iconv writes one, is dropped).
        var scalars = [UInt32](repeating: 0, count: input.count + 4)
        var written = 0  // scalars
        var replacements = 0
        var truncated = false
        var consumed = 0
        let ok: Bool = input.withUnsafeBufferPointer { inBuf -> Bool in
            scalars.withUnsafeMutableBufferPointer { outBuf -> Bool in
                guard let inBase = inBuf.baseAddress, let outBase = outBuf.baseAddress else { return false }
                while consumed < inBuf.count {
                    var inLeft = inBuf.count - consumed
                    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                        mutating: UnsafeRawPointer(inBase + consumed).assumingMemoryBound(
                            to: CChar.self))
                    let before = inLeft
                    var outLeft = (outBuf.count - written) * 4
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase + written)
                        .assumingMemoryBound(to: CChar.self)
                    let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    consumed += before - inLeft
                    written = outBuf.count - outLeft / 4
                    if result != -1 { break }
                    if strict { return false }
                    if errno == EINVAL {  // incomplete sequence at the end of the input
                        truncated = true
                        consumed = inBuf.count
                    } else {  // EILSEQ: skip one byte and carry on
                        consumed += 1
                    }
                    replacements += 1
                    outBuf[written] = 0xFFFD
                    written += 1
                    iconv(cd, nil, nil, nil, nil)  // reset shift state after an error
                }
                return true
            }
        }
        guard ok else { return nil }
        return ConvertedText(
            utf8: UnicodeScalars.utf8(scalars[..<written]), replacements: replacements, truncated: truncated)
    }

    /// ``toUTF8(_:from:strict:)`` for an encoding that must be there.
    /// - Throws: `unsupportedEncoding` when iconv cannot convert from `encoding`.
    static func convert<C: Collection<UInt8>>(_ bytes: C, from encoding: String) throws(InputError)
        -> ConvertedText
    {
        guard let converted = toUTF8(bytes, from: encoding) else { throw .unsupportedEncoding(encoding) }
        return converted
    }

    /// Converts UTF-8 text to `encoding`; nil if some character has no mapping there.
    static func fromUTF8(_ text: some StringProtocol, to encoding: String) -> [UInt8]? {
        var input = Array(text.utf8)
        if input.isEmpty { return [] }
        return IconvPool.shared.withDescriptor(from: "UTF-8", to: encoding) { cd -> [UInt8]? in
            encode(&input, cd: cd)
        } ?? nil
    }

    private static func encode(_ input: inout [UInt8], cd: iconv_t) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var inLeft = input.count
        var outLeft = output.count
        let result = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                guard let inBase = inBuf.baseAddress, let outBase = outBuf.baseAddress else { return -1 }
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBase)
                    .assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase)
                    .assumingMemoryBound(to: CChar.self)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            }
        }
        guard result != -1, inLeft == 0 else { return nil }
        output.removeSubrange((output.count - outLeft)...)
        return output
    }
}
