import Foundation

// Charset names: what publishers write (HTTP, <meta>, uchardet) → the canonical names the snapshot
// reports, and the names glibc iconv understands.
//
// GB2312, GBK and GB18030 all report as "GB18030": each is a subset of the next, we always decode
// with the GB18030 table, and the text cannot tell a GB2312 file from a GB18030 one that happens to
// use no character outside GB2312. Big5 and Big5-HKSCS stay apart: "Big5-HKSCS" is reported only
// when the bytes use a Hong Kong extension that plain Big5 cannot decode. ISO-8859-1 and US-ASCII
// labels mean windows-1252, as in browsers.

enum CharsetNames {
    /// Canonical name for a declared or detected charset label; nil if the label is empty.
    static func canonical(_ label: String) -> String? {
        var name = label.trimmingASCIIWhitespace().lowercased()
        if name.hasPrefix("\"") || name.hasPrefix("'") { name = String(name.dropFirst()) }
        if name.hasSuffix("\"") || name.hasSuffix("'") { name = String(name.dropLast()) }
        if name.isEmpty { return nil }
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8": return "UTF-8"
        case "utf-16le", "utf16le": return "UTF-16LE"
        case "utf-16be", "utf16be": return "UTF-16BE"
        case "utf-16", "utf16", "unicode", "ucs-2": return "UTF-16"
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "csgb2312",
            "chinese", "iso-ir-58", "csiso58gb231280", "gb_2312-80", "gb_2312", "x-euc-cn", "hz-gb-2312":
            return "GB18030"
        case "big5", "x-big5", "cp950", "windows-950", "big5-eten", "cn-big5", "csbig5": return "Big5"
        case "big5-hkscs", "big5hkscs", "hkscs": return "Big5-HKSCS"
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "windows-1252", "cp1252", "us-ascii", "ascii",
            "ansi_x3.4-1968", "x-cp1252":
            return "windows-1252"
        default: return name.uppercased()
        }
    }

    /// The name glibc iconv knows for a canonical name.
    static func iconvName(_ canonical: String) -> String {
        switch canonical {
        case "Big5": "BIG5"
        case "Big5-HKSCS": "BIG5-HKSCS"
        case "windows-1252": "CP1252"
        default: canonical
        }
    }

    /// The charset a `Content-Type` value names (`text/html; charset=gbk` → "gbk").
    static func charset(fromContentType value: String) -> String? {
        let lower = value.lowercased()
        guard let range = lower.range(of: "charset=") else { return nil }
        let rest = lower[range.upperBound...]
        let value = rest.prefix { $0 != ";" && $0 != " " && $0 != "," }
        return value.isEmpty ? nil : String(value)
    }

    /// The charset an HTML `<meta charset>` / `http-equiv` or an XML declaration names, looked for in
    /// the first 4 KB only (the HTML spec's pre-scan window is 1 KB; publishers are sloppier).
    static func sniffDeclared(in bytes: [UInt8]) -> String? {
        ASCIIBytes.withHead(bytes, limit: 4096) { head -> String? in
            var from = 0
            while let meta = ASCIIBytes.find("<meta", in: head, from: from) {
                var end = meta
                while end < head.count && head[end] != 0x3E { end += 1 }  // '>'
                let tag = UnsafeBufferPointer(rebasing: head[meta..<end])
                if let cs = ASCIIBytes.find("charset=", in: tag) {
                    if let value = attributeValue(tag, from: cs + 8) { return value }
                }
                from = end
            }
            if ASCIIBytes.find("<?xml", in: head) == 0, let decl = ASCIIBytes.find("encoding=", in: head) {
                return attributeValue(head, from: decl + 9)
            }
            return nil
        }
    }

    /// A charset value starting at `i`, optionally quoted, up to a quote, space, `;`, `/` or `>`.
    private static func attributeValue(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> String? {
        var i = start
        while i < bytes.count && (bytes[i] == 0x22 || bytes[i] == 0x27 || bytes[i] == 0x20) { i += 1 }
        var end = i
        while end < bytes.count {
            let b = bytes[end]
            if b == 0x22 || b == 0x27 || b == 0x20 || b == 0x3B || b == 0x2F || b == 0x3E || b == 0x3F
                || b >= 0x80
            {
                break
            }
            end += 1
        }
        guard end > i else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard
            let first = scalars.firstIndex(where: { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r") })
        else { return "" }
        let last = scalars.lastIndex(where: { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r") })!
        return String(scalars[first...last])
    }
}
