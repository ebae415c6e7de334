import BriefingCore
import Foundation

/// File names as the kernel has them: any bytes but `/` and NUL, UTF-8 or not (a GBK name copied
/// from Windows is not). The daemon carries names as Strings; a byte that is not part of valid
/// UTF-8 becomes the scalar U+10FF00 + byte, from a private-use range no real name needs, and
/// every path handed to the kernel is turned back into the original bytes (``cPath(_:)``), so an
/// input keeps its exact name in `archive/` and `failed/`. A real name that does use that range
/// has those bytes escaped as well, so the mapping stays reversible.
public enum FileName {
    static let escapeBase: UInt32 = 0x10FF00

    /// The String for the raw bytes of a name, and whether they were valid UTF-8.
    public static func decode<C: Collection<UInt8>>(_ bytes: C) -> (name: String, isUTF8: Bool) {
        let raw = Array(bytes)
        if let text = String(validating: raw, as: UTF8.self), !raw.contains(0xF4) {
            return (text, true)
        }
        var scalars = String.UnicodeScalarView()
        var isUTF8 = true
        var i = 0
        while i < raw.count {
            if let (scalar, length) = scalarAt(raw, i) {
                if scalar.value & 0xFFFF00 == escapeBase {
                    // Valid, but in the escape range: its bytes are escaped so that they map back.
                    for byte in raw[i..<(i + length)] {
                        scalars.append(Unicode.Scalar(escapeBase + UInt32(byte))!)
                    }
                } else {
                    scalars.append(scalar)
                }
                i += length
            } else {
                isUTF8 = false
                scalars.append(Unicode.Scalar(escapeBase + UInt32(raw[i]))!)
                i += 1
            }
        }
        return (String(scalars), isUTF8)
    }

    /// The original bytes of a name (or of a path made of such names).
    public static func rawBytes(_ name: String) -> [UInt8] {
        guard name.utf8.contains(0xF4) else { return Array(name.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            if scalar.value & 0xFFFF00 == escapeBase {
                out.append(UInt8(scalar.value & 0xFF))
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        return out
    }

    /// The NUL-terminated path to pass to a system call.
    public static func cPath(_ path: String) -> [CChar] {
        rawBytes(path).map { CChar(bitPattern: $0) } + [0]
    }

    /// True when the name's bytes are valid UTF-8.
    public static func isUTF8(_ name: String) -> Bool {
        !name.unicodeScalars.contains { $0.value & 0xFFFF00 == escapeBase }
            || String(validating: rawBytes(name), as: UTF8.self) != nil
    }

    /// The name for logs and error files: bytes that are not UTF-8 are written `\xD0`; a backslash
    /// stays a backslash (the log also says whether the name was UTF-8).
    public static func display(_ name: String) -> String {
        guard !isUTF8(name) else { return String(decoding: rawBytes(name), as: UTF8.self) }
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.value & 0xFFFF00 == escapeBase {
                out += "\\x" + String(format: "%02X", scalar.value & 0xFF)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Longest name Linux file systems accept, in bytes.
    public static let maxBytes = 255

    /// The name of the error file beside the failed input `name`: `NAME.error.json`, or when that
    /// would pass 255 bytes, the name cut to 220 bytes, `~`, the first 16 hex digits of the SHA-256
    /// of the whole name's bytes, and `.error.json` (docs/operating.md).
    public static func errorFileName(for name: String) -> String {
        let suffix = ".error.json"
        guard rawBytes(name).count + suffix.utf8.count > maxBytes else { return name + suffix }
        let digest = String(SHA256Digest.hex(of: rawBytes(name)).prefix(16))
        return prefix(of: name, maxBytes: 220) + "~" + digest + suffix
    }

    /// The longest prefix of `name` of at most `maxBytes` raw bytes, cut between characters.
    static func prefix(of name: String, maxBytes: Int) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in name.unicodeScalars {
            let size = scalar.value & 0xFFFF00 == escapeBase ? 1 : String(scalar).utf8.count
            guard count + size <= maxBytes else { break }
            out.append(scalar)
            count += size
        }
        return String(out)
    }

    /// The scalar that starts at `i` and its length in bytes, when the bytes there are valid UTF-8.
    private static func scalarAt(_ b: [UInt8], _ i: Int) -> (Unicode.Scalar, Int)? {
        let lead = b[i]
        let (length, minimum): (Int, UInt32)
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: (length, minimum) = (2, 0x80)
        case 0xE0...0xEF: (length, minimum) = (3, 0x800)
        case 0xF0...0xF4: (length, minimum) = (4, 0x10000)
        default: return nil
        }
        guard i + length <= b.count else { return nil }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for k in 1..<length {
            let c = b[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
