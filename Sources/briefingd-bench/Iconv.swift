import Glibc

// glibc iconv, used once at start to re-encode the fixture the way a publisher's machine would
// have saved it (the decoder under test must not be the thing that produces its own input).

enum Iconv {
    static func convert(_ bytes: [UInt8], from source: String, to target: String) throws(BenchError)
        -> [UInt8]
    {
        guard let cd = iconv_open(target, source), Int(bitPattern: cd) != -1 else {
            throw BenchError("iconv cannot convert \(source) to \(target)")
        }
        defer { iconv_close(cd) }
        var input = bytes.map { CChar(bitPattern: $0) }
        // 4 bytes per input byte covers every target encoding used here (UTF-16/32, GB18030).
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 16)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress
                var outLeft = outBuf.count
                let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return result == -1 || inLeft != 0 ? -1 : outBuf.count - outLeft
            }
        }
        guard produced >= 0 else {
            throw BenchError("iconv \(source) → \(target) failed: \(String(cString: strerror(errno)))")
        }
        return output[0..<produced].map { UInt8(bitPattern: $0) }
    }
}
