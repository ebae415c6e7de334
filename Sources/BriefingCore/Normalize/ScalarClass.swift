// Character classes the normalizer decides by. Plain range tests on scalar values: these run for
// every character of every input, so no Unicode property lookups here.

enum ScalarClass {
    /// Han ideographs, kana, CJK punctuation and full-width forms: text written without spaces, so a
    /// space between two of them is an artefact. Curly quotes are not included: `” “` keeps its space.
    @inline(__always) static func isCJK(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x3001 { return false }
        return v <= 0x30FF || (0x3400...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0xFF01...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            || (0x20000...0x3FFFF).contains(v)
    }

    /// Spaces that separate words on a line (not tab: tabs separate table cells).
    @inline(__always) static func isSpace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v == 0x20 || v == 0xA0 || v == 0x3000 || (0x2000...0x200A).contains(v) || v == 0x202F
            || v == 0x205F || v == 0x1680
    }

    /// Removed outright: zero-width spaces and joiners, word joiner, BOM inside text, soft hyphen.
    @inline(__always) static func isZeroWidth(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || v == 0xFEFF || v == 0x00AD
            || v == 0x180E
    }

    /// A line ending in one of these ends a sentence (or a label, or a quotation): never joined to the
    /// next line as a hard wrap.
    @inline(__always) static func isSentenceFinal(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0xFF1A, 0x2026, 0x300D, 0x300F, 0x201D, 0x2019, 0xFF09, 0x29,
            0x3011, 0x3015, 0x2E, 0x21, 0x3F, 0x3B, 0x3A, 0xFF0E:
            true
        default: false
        }
    }

    /// Punctuation that cannot occur inside a speaker label (`名字：`).
    @inline(__always) static func breaksLabel(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0xFF0C, 0x3002, 0xFF1B, 0xFF01, 0xFF1F, 0x3001, 0x201C, 0x201D, 0x2C, 0x3B, 0x21, 0x3F, 0x22,
            0x09,
            0x300C, 0x300D:
            true
        default: false
        }
    }

    /// Columns a character takes in a fixed-width rendering (hard wraps are made by width).
    @inline(__always) static func width(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        return v >= 0x1100
            && (v <= 0x115F || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
                || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || v >= 0x20000)
            ? 2 : 1
    }

    @inline(__always) static func isASCIIDigit(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x30 && s.value <= 0x39
    }

    @inline(__always) static func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        let v = s.value | 0x20
        return (s.value >= 0x30 && s.value <= 0x39) || (v >= 0x61 && v <= 0x7A)
    }

    /// Chinese numerals used in list markers (一是, 二、, （三）).
    @inline(__always) static func isChineseNumeral(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341, 0x767E, 0x96F6,
            0x3007,
            0x4E24:
            true
        default: false
        }
    }
}
