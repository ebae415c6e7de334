// The normalized text as an array of Unicode scalars, scanned once by hand. Spans in the snapshot
// count scalars, so indices into this array are the spans.

/// The text being extracted, with cheap scalar-level helpers.
struct ScalarText {
    /// The scalars, decoded once; indices into this array are the snapshot's spans.
    let s: [Unicode.Scalar]
    /// The UTF-8 bytes of the text, and where each scalar starts in them (plus the end), so that
    /// cutting out an item's text is a byte copy instead of re-encoding scalars.
    private let bytes: [UInt8]
    private let text: String
    private let offsets: [Int32]
    var count: Int { s.count }

    init(_ text: String) {
        let bytes = Array(text.utf8)
        let n = bytes.count
        // Arrays of exactly one entry per scalar: sized by the byte count, they held three times
        // what CJK text needs (three bytes a scalar), 16 bytes of the peak per byte of input.
        // In valid UTF-8 (a String's) every byte but a continuation byte starts a scalar.
        let scalars = bytes.withUnsafeBufferPointer { b in
            var count = 0
            for byte in b where byte & 0xC0 != 0x80 { count += 1 }
            return count
        }
        var offsets: [Int32] = []
        // One pass decodes the scalars and records where each starts.
        s = [Unicode.Scalar](unsafeUninitializedCapacity: scalars) { sc, scalarCount in
            offsets = [Int32](unsafeUninitializedCapacity: scalars + 1) { off, offsetCount in
                bytes.withUnsafeBufferPointer { b in
                    var i = 0
                    var k = 0
                    while i < n, k < scalars {
                        off[k] = Int32(truncatingIfNeeded: i)
                        let (v, length) = UnicodeScalars.scalar(in: b, at: i)
                        i += length
                        sc[k] = unsafeBitCast(v, to: Unicode.Scalar.self)
                        k += 1
                    }
                    off[k] = Int32(truncatingIfNeeded: n)
                    scalarCount = k
                    offsetCount = k + 1
                }
            }
        }
        self.offsets = offsets
        self.bytes = bytes
        self.text = text
    }

    @inline(__always) subscript(i: Int) -> Unicode.Scalar { s[i] }

    /// The scalar at `i`, or NUL outside the text (saves bounds checks at every look-around).
    @inline(__always) func at(_ i: Int) -> Unicode.Scalar { i >= 0 && i < s.count ? s[i] : "\u{0}" }

    func string(_ r: Range<Int>) -> String {
        let a = Int(offsets[r.lowerBound])
        let b = Int(offsets[r.upperBound])
        if b - a <= 64 {
            // Short: decoding a few bytes is cheaper than checking a substring's index alignment.
            return bytes.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[a..<b]), as: UTF8.self)
            }
        }
        // Long (turns, points): slicing the original String copies bytes known to be valid UTF-8,
        // without validating them again.
        let utf8 = text.utf8
        return String(
            Substring(
                utf8[utf8.index(utf8.startIndex, offsetBy: a)..<utf8.index(utf8.startIndex, offsetBy: b)]))
    }

    /// Whether `word` is written at `i`.
    @inline(__always) func matches(_ word: [Unicode.Scalar], at i: Int) -> Bool {
        guard i >= 0, i + word.count <= s.count else { return false }
        var k = 0
        while k < word.count {
            if s[i + k] != word[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether `word` ends right before `end`.
    @inline(__always) func matches(_ word: [Unicode.Scalar], endingAt end: Int) -> Bool {
        matches(word, at: end - word.count)
    }

    /// The range without leading and trailing white space.
    func trimmed(_ r: Range<Int>) -> Range<Int> {
        var a = r.lowerBound
        var b = r.upperBound
        while a < b, Scalars.isSpace(s[a]) { a += 1 }
        while b > a, Scalars.isSpace(s[b - 1]) { b -= 1 }
        return a..<b
    }

    /// Ranges of the lines (paragraphs), without their `\n`.
    func lines() -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        for i in 0..<s.count where s[i] == "\n" {
            out.append(start..<i)
            start = i + 1
        }
        if start < s.count { out.append(start..<s.count) }
        return out
    }
}

/// Character classes used by every scanner.
enum Scalars {
    @inline(__always) static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x20, 0x09, 0x0A, 0x0D, 0x3000, 0xA0, 0xFEFF, 0x200B: true
        default: false
        }
    }

    /// ASCII or full-width digit value, or nil.
    @inline(__always) static func digit(_ c: Unicode.Scalar) -> Int? {
        let v = c.value
        if v >= 0x30 && v <= 0x39 { return Int(v - 0x30) }
        if v >= 0xFF10 && v <= 0xFF19 { return Int(v - 0xFF10) }
        return nil
    }

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { digit(c) != nil }

    @inline(__always) static func isASCIILetter(_ c: Unicode.Scalar) -> Bool {
        let v = c.value | 0x20
        if v >= 0x61 && v <= 0x7A { return true }
        let w = c.value
        return (w >= 0xFF21 && w <= 0xFF3A) || (w >= 0xFF41 && w <= 0xFF5A)
    }

    @inline(__always) static func isASCIIUppercase(_ c: Unicode.Scalar) -> Bool { c >= "A" && c <= "Z" }

    @inline(__always) static func isHan(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x2FFFF)
            || (v >= 0xF900 && v <= 0xFAFF)
    }

    @inline(__always) static func isPercent(_ c: Unicode.Scalar) -> Bool { c == "%" || c == "％" }

    @inline(__always) static func isColon(_ c: Unicode.Scalar) -> Bool { c == "：" || c == ":" }

    /// Ends a sentence: a period, question or exclamation mark, or a semicolon.
    @inline(__always) static func endsSentence(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "。", "；", "？", "！", "?", "!", ";", "\n": true
        default: false
        }
    }

    /// Ends a clause: a sentence end or a comma, enumeration comma or colon.
    @inline(__always) static func endsClause(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "，", "、", "：", ",", ":", "（", "）", "(", ")", "“", "”", "「", "」", "《", "》": true
        default: endsSentence(c)
        }
    }
}
