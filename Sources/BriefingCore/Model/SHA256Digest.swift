import CCrypto

/// SHA-256 through OpenSSL's libcrypto (hardware-accelerated where the CPU has SHA extensions).
public enum SHA256Digest {
    /// Lower-case hex digest of `bytes`.
    public static func hex(of bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { hex(of: UnsafeRawBufferPointer($0)) }
    }

    /// Lower-case hex digest of the UTF-8 of `text`, without copying it when it is stored contiguously.
    public static func hex(of text: String) -> String {
        var text = text
        return text.withUTF8 { hex(of: UnsafeRawBufferPointer($0)) }
    }

    private static func hex(of buffer: UnsafeRawBufferPointer) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, &digest)
        let hexDigits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
