import Foundation

// Decoded text → the canonical text every span points into. Each repair is counted.
//
// The canonical form: lines separated by a single "\n", one paragraph (or speaker turn, list item,
// heading, table row) per line, no blank lines, no leading or trailing whitespace on any line or
// around the text, NFC, ASCII digits/letters/% where the source had full-width ones, Chinese
// punctuation as written. Steps, in order:
// 1. mojibake repair (UTF-8 once decoded as GBK or Windows-1252 and saved again);
// 2. per character: CR/CRLF and other breaks → LF, zero-width characters, soft hyphens and stray
//    BOMs removed, control characters removed, full-width ASCII folded, NFC when needed;
// 3. per line: conversion leftovers (Tika, pandoc, HTML anchors, Word fields), indentation,
//    trailing spaces, spaces between CJK characters;
// 4. across lines: a label alone on its line joins the turn's text, hard-wrapped lines are joined,
//    blank lines go;
// 5. per paragraph: a speaker label repeated inside its own turn is removed.

/// Normalized text and the repairs made to reach it.
public struct NormalizedText: Sendable, Equatable {
    public var text: String
    public var actions: [NormalizationAction]

    public init(text: String, actions: [NormalizationAction]) {
        self.text = text
        self.actions = actions
    }
}

/// Removes conversion leftovers and folds the text into one canonical form.
public enum TextNormalizer {
    /// Normalizes a decoded input. Its `actions` (what the format decoder dropped: docx field codes
    /// and deleted text, HTML boilerplate) are merged into the result with the normalizer's own, so
    /// the snapshot's `normalization.actions` tells the whole story.
    public static func normalize(_ decoded: DecodedInput) -> NormalizedText {
        var result = normalize(decoded.text, format: decoded.format)
        guard !decoded.actions.isEmpty else { return result }
        var tally = ActionTally()
        for action in decoded.actions + result.actions {
            tally.add(action.kind, count: action.count)
            for example in action.examples { tally.add(action.kind, count: 0, example: example) }
        }
        result.actions = tally.actions
        return result
    }

    /// Normalizes `text`. The same words give the same result whatever format or encoding they came
    /// in; `format` is accepted for rules that may depend on it but none does today.
    public static func normalize(_ text: String, format: InputInfo.Format = .text) -> NormalizedText {
        var tally = ActionTally()
        var characterTally = ActionTally()
        var evidence = MojibakeRepair.Evidence()
        var scalars = characterPass(UnicodeScalars.array(text), tally: &characterTally, evidence: &evidence)
        if evidence.suspicious, let repaired = MojibakeRepair.repair(text) {
            tally.add(.mojibakeRepaired, count: repaired.count)
            for e in repaired.examples { tally.add(.mojibakeRepaired, count: 0, example: e) }
            characterTally = ActionTally()
            scalars = characterPass(
                UnicodeScalars.array(repaired.text), tally: &characterTally, evidence: &evidence)
        }
        tally.merge(characterTally)
        scalars = nfcIfNeeded(scalars, tally: &tally)
        let count = scalars.count
        // The lines are copied out of `scalars`: let it go before the next copies are made (peak
        // memory is a few copies of the text, so each one dropped early counts).
        let lines = linePass(consume scalars, tally: &tally)
        var paragraphs = ParagraphJoiner.join(lines, tally: &tally)
        // After joining, so that a label on its own line (Markdown heading) is checked with its turn.
        for i in paragraphs.indices where LineShape.labelLength(paragraphs[i][...]) != nil {
            if let removed = LineShape.removeRepeatedLabel(&paragraphs[i]) {
                tally.add(.duplicatedSpeakerLabel, count: removed.count, example: removed.label)
            }
        }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(count)
        for i in paragraphs.indices {
            if i > 0 { out.append("\n") }
            out.append(contentsOf: paragraphs[i])
            paragraphs[i] = []  // each paragraph goes once it is in `out`
        }
        return NormalizedText(text: UnicodeScalars.string(out), actions: tally.actions)
    }

    // MARK: - Characters

    /// Set by `characterPass` when a character that NFC could change was seen.
    @inline(__always) private static func mayNeedNFC(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x300 { return false }
        if (0x3000...0x9FFF).contains(v) && v != 0x3099 && v != 0x309A { return false }
        if (0xFF00...0xFFEF).contains(v) || (0x2000...0x206F).contains(v) { return false }
        if (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v) || (0x1100...0x11FF).contains(v) {
            return true
        }
        if v == 0x2126 || v == 0x212A || v == 0x212B { return true }
        return s.properties.canonicalCombiningClass != .notReordered
    }

    private static func characterPass(
        _ input: [Unicode.Scalar], tally: inout ActionTally, evidence: inout MojibakeRepair.Evidence
    ) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(input.count)
        var needsNFC = false
        var i = 0
        let n = input.count
        while i < n {
            let c = input[i]
            let v = c.value
            i += 1
            // Fast path: printable ASCII and ordinary CJK.
            if (v >= 0x20 && v < 0x7F) || v == 0x0A {
                evidence.noteASCII()
                out.append(c)
                continue
            }
            evidence.note(v)
            // Ideographs, CJK punctuation (not U+3000, a space) and quotes/dashes pass unchanged.
            if (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3001 && v <= 0x303F) || (v >= 0x2010 && v <= 0x2027) {
                out.append(c)
                continue
            }
            switch v {
            case 0x0D:
                if i < n && input[i] == "\n" { i += 1 }
                out.append("\n")
                tally.add(.lineEndings)
            case 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
                out.append("\n")
                tally.add(.lineEndings)
            case 0x09:
                out.append(c)
            case 0x00...0x1F, 0x7F...0x9F:
                tally.add(.controlCharacters, example: ActionTally.codePoint(v))
            case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF05:
                out.append(Unicode.Scalar(v - 0xFEE0)!)
                tally.add(.fullwidthFolded, lazyExample: { String(c) })
            case 0xFF0E
            where i < n && out.last.map(ScalarClass.isASCIIDigit) == true
                && (ScalarClass.isASCIIDigit(input[i]) || (0xFF10...0xFF19).contains(input[i].value)):
                // A full-width point between digits is a decimal point: １９．２７ → 19.27.
                out.append(".")
                tally.add(.fullwidthFolded, lazyExample: { String(c) })
            default:
                if ScalarClass.isZeroWidth(c) {
                    tally.add(.zeroWidth, example: ActionTally.codePoint(v))
                    continue
                }
                if !needsNFC && mayNeedNFC(c) { needsNFC = true }
                out.append(c)
            }
        }
        if needsNFC { out.append("\u{0}") }  // marker for nfcIfNeeded, removed there
        return out
    }

    /// Scalars per piece handed to Foundation's NFC.
    static let nfcChunk = 1024

    /// Whether NFC leaves the text before `c` and the text from `c` on independent: `c` is a starter
    /// that never composes with what precedes it (ASCII, CJK ideographs and punctuation). A run of
    /// `4 × nfcChunk` scalars without one (only garbage is written so) is cut anyway.
    @inline(__always) private static func startsComposition(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return v < 0x80 || (0x3000...0x3029).contains(v) || (0x3400...0x9FFF).contains(v)
            || (0xFF00...0xFFEF).contains(v)
    }

    private static func nfcIfNeeded(_ scalars: [Unicode.Scalar], tally: inout ActionTally) -> [Unicode.Scalar]
    {
        guard scalars.last == "\u{0}" else { return scalars }
        let body = Array(scalars.dropLast())
        // Foundation's NFC takes time quadratic in the string's length: compose pieces of about
        // `nfcChunk` scalars instead, cut only where composition cannot reach across the cut.
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(body.count)
        var start = 0
        while start < body.count {
            var end = min(body.count, start + nfcChunk)
            while end < body.count, end < start + 4 * nfcChunk, !startsComposition(body[end]) { end += 1 }
            let composed = UnicodeScalars.string(Array(body[start..<end]))
                .precomposedStringWithCanonicalMapping
            result.append(contentsOf: UnicodeScalars.array(composed))
            start = end
        }
        if result != body {
            tally.add(.unicodeNFC, count: max(1, abs(body.count - result.count)))
        }
        return result
    }

    // MARK: - Lines

    /// One cleaned line; `indented` records leading whitespace, a sign of a new paragraph.
    struct Line {
        var scalars: ArraySlice<Unicode.Scalar>
        var indented: Bool
        var isBlank: Bool { scalars.isEmpty }
    }

    private static func linePass(_ scalars: [Unicode.Scalar], tally: inout ActionTally) -> [Line] {
        var lines: [Line] = []
        var storage: [Unicode.Scalar] = []
        storage.reserveCapacity(scalars.count)
        var ranges: [(Range<Int>, Bool)] = []
        var buffer: [Unicode.Scalar] = []
        var start = 0
        let n = scalars.count
        while start <= n {
            var end = start
            while end < n && scalars[end] != "\n" { end += 1 }
            let raw = scalars[start..<end]
            start = end + 1
            // 1. Conversion leftovers; only lines holding a trigger character take the slow path.
            // 2. Spaces: indentation, trailing, inner.
            let lineStart = storage.count
            let indented: Bool
            if raw.contains(where: {
                $0 == "[" || $0 == "{" || $0 == "<" || ($0.value >= 0x48 && $0.value <= 0x54)
            }) {
                buffer.removeAll(keepingCapacity: true)
                ConversionArtifacts.strip(raw, into: &buffer, tally: &tally)
                indented = appendSpacingCleaned(buffer[...], to: &storage, tally: &tally)
            } else {
                indented = appendSpacingCleaned(raw, to: &storage, tally: &tally)
            }
            ranges.append((lineStart..<storage.count, indented))
        }
        lines.reserveCapacity(ranges.count)
        for (range, indented) in ranges { lines.append(Line(scalars: storage[range], indented: indented)) }
        return lines
    }

    /// Last characters of news outlets' names (社, 报/報, 台, 网/網, 刊, 闻/聞).
    static let outletFinals: Set<Unicode.Scalar> = ["社", "报", "報", "台", "网", "網", "刊", "闻", "聞"]

    /// Copies `line` without leading/trailing whitespace and without spaces between CJK characters;
    /// other space characters become plain spaces. Returns whether the line was indented.
    private static func appendSpacingCleaned(
        _ line: ArraySlice<Unicode.Scalar>, to out: inout [Unicode.Scalar], tally: inout ActionTally
    ) -> Bool {
        var first = line.startIndex
        var last = line.endIndex
        while first < last && (ScalarClass.isSpace(line[first]) || line[first] == "\t") { first += 1 }
        while last > first && (ScalarClass.isSpace(line[last - 1]) || line[last - 1] == "\t") { last -= 1 }
        if first > line.startIndex && first < line.endIndex { tally.add(.indentSpaces) }
        if last < line.endIndex && last > first { tally.add(.trailingSpaces) }
        // In a speaker label, a space after an outlet (`中央社 林小明：`) separates it from the
        // reporter's name: keep it. Elsewhere in a label (`何 志明：`) it is stray.
        var labelEnd = first
        var k = first
        while k < last && k - first <= 24 {
            let c = line[k]
            if c == "：" || c == ":" {
                labelEnd = k
                break
            }
            if c == "，" || c == "。" || c == "？" || c == "！" || c == "；" { break }
            k += 1
        }
        var i = first
        while i < last {
            // Copy the run up to the next space in one go.
            var j = i
            while j < last && !ScalarClass.isSpace(line[j]) { j += 1 }
            if j > i {
                out.append(contentsOf: line[i..<j])
                i = j
                continue
            }
            var runEnd = i
            while runEnd < last && ScalarClass.isSpace(line[runEnd]) { runEnd += 1 }
            let before = line[i - 1]
            let after = line[runEnd]
            // …followed by a 2-4 character name up to the colon (not `新华网 记者：`).
            let outletBreak =
                runEnd < labelEnd && (2...4).contains(labelEnd - runEnd) && Self.outletFinals.contains(before)
                && !line[runEnd..<labelEnd].contains(where: {
                    $0 == "记" || $0 == "記" || ScalarClass.isSpace($0)
                })
            if ScalarClass.isCJK(before) && ScalarClass.isCJK(after) && !outletBreak {
                tally.add(
                    .cjkSpaceRemoved,
                    lazyExample: { String(String.UnicodeScalarView(line[(i - 1)...runEnd])) })
            } else {
                for k in i..<runEnd {
                    if line[k] != " " {
                        tally.add(.spaceVariants, example: ActionTally.codePoint(line[k].value))
                    }
                    out.append(" ")
                }
            }
            i = runEnd
        }
        return first > line.startIndex
    }
}

/// Fast conversions between String and scalar arrays.
enum UnicodeScalars {
    static func array(_ text: String) -> [Unicode.Scalar] {
        if let result = text.utf8.withContiguousStorageIfAvailable({ decode($0) }) { return result }
        return Array(text.unicodeScalars)
    }

    /// Decodes valid UTF-8 (a String's storage) by hand: the stdlib's scalar iterator is several
    /// times slower on Chinese text.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> [Unicode.Scalar] {
        let n = bytes.count
        return [Unicode.Scalar](unsafeUninitializedCapacity: n) { buffer, count in
            var i = 0
            var o = 0
            while i < n {
                let (v, length) = scalar(in: bytes, at: i)
                // A String's UTF-8 is valid, so every value is a scalar.
                buffer.initializeElement(at: o, to: unsafeBitCast(v, to: Unicode.Scalar.self))
                i += length
                o += 1
            }
            count = o
        }
    }

    /// The scalar value starting at `i` of valid UTF-8, and its length in bytes; the lead byte
    /// tells the length, so no validation is needed.
    @inline(__always)
    static func scalar(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: UInt32, length: Int) {
        let lead = UInt32(b[i])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3)
        }
        let high = (lead & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12
        return (high | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F), 4)
    }

    static func string(_ scalars: [Unicode.Scalar]) -> String {
        // Encoded straight into the String's storage: no intermediate byte array.
        String(unsafeUninitializedCapacity: scalars.count * 4) { buffer in
            encode(scalars.lazy.map(\.value), into: buffer)
        }
    }

    /// UTF-8 of scalar values known to be valid (from a String, or produced by iconv), encoded by
    /// hand: several times faster than building a String scalar by scalar.
    static func utf8<C: Collection>(_ values: C) -> [UInt8] where C.Element == UInt32 {
        [UInt8](unsafeUninitializedCapacity: values.count * 4) { buffer, count in
            count = encode(values, into: buffer)
        }
    }

    /// Writes the UTF-8 of `values` into `buffer` (at least 4 bytes per value); returns the length.
    @inline(__always)
    private static func encode<C: Collection>(_ values: C, into buffer: UnsafeMutableBufferPointer<UInt8>)
        -> Int
    where C.Element == UInt32 {
        var o = 0
        for v in values {
            if v < 0x80 {
                buffer[o] = UInt8(v)
                o += 1
            } else if v < 0x800 {
                buffer[o] = UInt8(0xC0 | (v >> 6))
                buffer[o + 1] = UInt8(0x80 | (v & 0x3F))
                o += 2
            } else if v < 0x10000 {
                buffer[o] = UInt8(0xE0 | (v >> 12))
                buffer[o + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                buffer[o + 2] = UInt8(0x80 | (v & 0x3F))
                o += 3
            } else {
                buffer[o] = UInt8(0xF0 | (v >> 18))
                buffer[o + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                buffer[o + 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
                buffer[o + 3] = UInt8(0x80 | (v & 0x3F))
                o += 4
            }
        }
        return o
    }
}
