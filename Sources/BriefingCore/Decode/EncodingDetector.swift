import CUchardet

// Bytes → text: which encoding, how sure, and the text itself (undecodable bytes as U+FFFD).
//
// Order of evidence: a byte-order mark; UTF-16 byte statistics when NUL or control-range bytes
// appear (otherwise those mean binary data); strict UTF-8 validity (Chinese text in any other
// encoding is practically never valid UTF-8; a few bad bytes among many good sequences is damaged
// UTF-8); then, for legacy bytes, each candidate (GB18030, Big5, Big5-HKSCS only when Big5 fails,
// UTF-16 when its statistics fit, the declared charset) is decoded strictly on a 4 KB sample taken
// from the first non-ASCII byte and scored by how much it reads like Chinese (``CJKFrequency``).
// That frequency check is what makes 200-character extracts work, where uchardet alone guesses
// wrong. uchardet is asked only when no candidate reads clearly as Chinese or two read alike (it
// costs more than everything else here). The declared charset wins near-ties; one that does not
// decode, or reads far worse than another, is overridden with a note.

/// Text decoded from bytes, with the evidence.
struct TextDecoding {
    var text: String
    var encoding: String
    var confidence: Double
    var bom: Bool
    var replacements: Int
    var notes: [String] = []
}

enum EncodingDetector {
    /// Candidates are compared on this many leading bytes (some 2,000 characters of Chinese); the
    /// winner then decodes everything.
    static let sampleSize = 4 * 1024

    static func decode(_ bytes: [UInt8], declared: String?) throws(InputError) -> TextDecoding {
        let declaredName = declared.flatMap(CharsetNames.canonical)
        if let bom = ByteOrderMark.detect(bytes) {
            return try decodeWithBOM(bytes, bom: bom, declared: declaredName)
        }
        var notes: [String] = []
        let sample = bytes.prefix(sampleSize)

        // UTF-16 without BOM: NUL bytes (ASCII in it) or control-range bytes (the low bytes of many
        // ideographs) make the statistics worth computing. Otherwise such bytes mean binary data.
        let nulCount = sample.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        let controls = sample.reduce(0) { n, b in
            let isControl =
                (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C && b != 0x1B) || b == 0x7F
            return n + (isControl ? 1 : 0)
        }
        if nulCount > 0 || controls * 100 > sample.count {
            if let utf16 = utf16FromByteStatistics(sample) {
                return try decodeUTF16(
                    bytes, encoding: utf16.encoding, confidence: utf16.confidence, bom: false)
            }
            throw .undecodable(
                reason: "\(nulCount) NUL and \(controls) control bytes in the first \(sample.count) bytes: "
                    + "binary data")
        }

        // UTF-8: valid (or nearly so, for a damaged file) and with some multi-byte characters.
        // The stdlib's validator is the fast path; the hand-written scan runs only for invalid bytes.
        if let text = String(validating: bytes, as: UTF8.self) {
            var multibyte = 0  // lead bytes, counted up to 8: enough to call it UTF-8 with confidence
            for b in bytes where b >= 0xC0 {
                multibyte += 1
                if multibyte == 8 { break }
            }
            if multibyte == 0, let declaredName, declaredName != "UTF-8", declaredName != "UTF-16",
                Iconv.toUTF8(sample, from: CharsetNames.iconvName(declaredName), strict: true) != nil
            {
                // Pure ASCII reads the same in every ASCII-compatible charset: keep what was declared.
                return TextDecoding(
                    text: text, encoding: declaredName, confidence: 1, bom: false, replacements: 0)
            }
            if let declaredName, declaredName != "UTF-8", multibyte > 0 {
                notes.append("declared charset \(declaredName) overridden: the bytes are valid UTF-8")
            }
            return TextDecoding(
                text: text, encoding: "UTF-8", confidence: multibyte == 0 || multibyte >= 8 ? 1.0 : 0.9,
                bom: false, replacements: 0, notes: notes)
        }
        let utf8 = UTF8Scan.scan(bytes, giveUp: true)
        if !utf8.gaveUp && utf8.multibyte >= 20 * utf8.invalid {
            // Damaged UTF-8 (a few bad bytes among many good sequences), not another encoding.
            let text = String(decoding: bytes, as: UTF8.self)
            return TextDecoding(
                text: text, encoding: "UTF-8", confidence: 0.8, bom: false,
                replacements: utf8.invalid, notes: ["\(utf8.invalid) invalid UTF-8 sequences replaced"])
        }
        // Legacy candidates are compared where the non-ASCII text is, not on an ASCII page head
        // (scripts, styles): from the first high byte, which in GB18030 and Big5 starts a character.
        let firstHigh = bytes.firstIndex { $0 >= 0x80 } ?? 0
        return try decodeLegacy(
            bytes, sample: bytes[firstHigh..<min(bytes.count, firstHigh + sampleSize)], head: sample,
            declared: declaredName)
    }

    // MARK: - BOM

    private static func decodeWithBOM(_ bytes: [UInt8], bom: ByteOrderMark, declared: String?)
        throws(InputError) -> TextDecoding
    {
        let body = bytes[bom.bytes.count...]
        if body.isEmpty { throw .bomOnly(encoding: bom.textEncoding) }
        var notes: [String] = []
        if let declared, declared != bom.encoding, !(declared == "UTF-16" && bom.encoding.hasPrefix("UTF-16"))
        {
            notes.append("declared charset \(declared) overridden by the \(bom.encoding) byte-order mark")
        }
        var decoded = try decodeWithBOM(body, bom: bom)
        decoded.notes = notes
        return decoded
    }

    private static func decodeWithBOM(_ body: ArraySlice<UInt8>, bom: ByteOrderMark) throws(InputError)
        -> TextDecoding
    {
        switch bom {
        case .utf32LE, .utf32BE:
            throw .unsupportedEncoding(bom.encoding)
        case .utf16LE, .utf16BE:
            return try decodeUTF16(body, encoding: bom.encoding, confidence: 1, bom: true)
        case .utf8:
            let scan = UTF8Scan.scan(body)
            return TextDecoding(
                text: String(decoding: body, as: UTF8.self), encoding: "UTF-8", confidence: 1, bom: true,
                replacements: scan.invalid)
        case .gb18030:
            let converted = try Iconv.convert(body, from: "GB18030")
            return TextDecoding(
                text: String(decoding: converted.utf8, as: UTF8.self), encoding: "GB18030", confidence: 1,
                bom: true, replacements: converted.replacements)
        }
    }

    // MARK: - UTF-16

    private static func decodeUTF16(
        _ body: some Collection<UInt8>, encoding: String, confidence: Double, bom: Bool
    ) throws(InputError) -> TextDecoding {
        guard body.count % 2 == 0 else {
            throw .truncated(
                encoding: TextEncoding(name: encoding),
                reason: "odd number of bytes (\(body.count + (bom ? 2 : 0)))")
        }
        let converted = try Iconv.convert(body, from: encoding)
        if converted.truncated {
            throw .truncated(
                encoding: TextEncoding(name: encoding), reason: "it ends inside a surrogate pair")
        }
        return TextDecoding(
            text: String(decoding: converted.utf8, as: UTF8.self), encoding: encoding,
            confidence: confidence, bom: bom, replacements: converted.replacements)
    }

    /// UTF-16 without BOM: the high byte of each pair is 0 (ASCII) or in the CJK rows far more often
    /// than the low byte is, and the sample decodes strictly.
    private static func utf16FromByteStatistics(_ sample: ArraySlice<UInt8>) -> (
        encoding: String, confidence: Double
    )? {
        let le = utf16CJKShare(sample, highByteFirst: false)
        let be = utf16CJKShare(sample, highByteFirst: true)
        let (encoding, share, other) = le >= be ? ("UTF-16LE", le, be) : ("UTF-16BE", be, le)
        guard share >= 0.8, share - other >= 0.2 else { return nil }
        let whole = sample.count % 2 == 0 ? sample : sample.dropLast()
        guard strictDecode(whole, name: encoding, allowCutTail: true) != nil else { return nil }
        return (encoding, min(0.99, 0.5 + (share - other) / 2))
    }

    /// UTF-16 of CJK-only text has no NUL bytes, but its high bytes cluster in 0x4E…0x9F (ideographs),
    /// 0x30 (CJK punctuation), 0x20 (quotes, dashes) and 0xFF (full-width forms).
    private static func utf16CJKShare(_ sample: ArraySlice<UInt8>, highByteFirst: Bool) -> Double {
        guard sample.count >= 8 else { return 0 }
        var hits = 0
        var pairs = 0
        var i = sample.startIndex + (highByteFirst ? 0 : 1)
        while i < sample.endIndex {
            let b = sample[i]
            if (0x4E...0x9F).contains(b) || b == 0x30 || b == 0x20 || b == 0xFF || b == 0 { hits += 1 }
            pairs += 1
            i += 2
        }
        return Double(hits) / Double(max(pairs, 1))
    }

    // MARK: - Legacy encodings

    private struct Candidate {
        var encoding: String
        var score: Double
        var replacements: Int
    }

    /// - Parameters:
    ///   - sample: up to `sampleSize` bytes from the first non-ASCII byte on;
    ///   - head: the first `sampleSize` bytes (UTF-16 statistics need the input's own alignment).
    private static func decodeLegacy(
        _ bytes: [UInt8], sample: ArraySlice<UInt8>, head: ArraySlice<UInt8>, declared: String?
    ) throws(InputError) -> TextDecoding {
        var notes: [String] = []
        var names = ["GB18030", "Big5", "Big5-HKSCS"]
        if utf16CJKShare(head, highByteFirst: false) >= 0.8 { names.append("UTF-16LE") }
        if utf16CJKShare(head, highByteFirst: true) >= 0.8 { names.append("UTF-16BE") }
        if let declared, !names.contains(declared), declared != "UTF-8", declared != "UTF-16" {
            names.append(declared)
        }
        let atEnd = sample.endIndex == bytes.count
        var candidates: [Candidate] = []
        func consider(_ name: String) {
            // Big5-HKSCS decodes everything Big5 does; it is needed only when Big5 does not fit.
            if name == "Big5-HKSCS", let big5 = candidates.first(where: { $0.encoding == "Big5" }),
                big5.replacements == 0
            {
                return
            }
            guard let converted = Iconv.toUTF8(sample, from: CharsetNames.iconvName(name)) else { return }
            // A sample cut mid-character must not count against a candidate.
            let replacements = converted.replacements - (converted.truncated && !atEnd ? 1 : 0)
            // A damaged file keeps its encoding: a few bad bytes (≤ 1%) are allowed, at a price,
            // so that one flipped byte does not hand the text to a wrong table that happens to fit.
            guard replacements * 100 <= sample.count else { return }
            let text = String(decoding: converted.utf8, as: UTF8.self)
            if text.unicodeScalars.count == sample.count {
                // A single-byte charset decodes any bytes; take it only for text with word spacing
                // (random or binary bytes have none).
                let spaces = sample.reduce(0) { $0 + ($1 == 0x20 || $1 == 0x0A ? 1 : 0) }
                if spaces * 20 < sample.count { return }
            }
            var score = CJKFrequency.shared.score(text)
            if replacements > 0 {
                // An intact decoding wins unless a damaged one reads clearly better.
                score -= 0.5 + 30 * Double(replacements) / Double(max(text.unicodeScalars.count, 1))
            }
            if name.hasPrefix("UTF-16") { score -= 0.2 }  // only when it plainly reads better
            if name == "Big5-HKSCS" { score -= 0.01 }  // plain Big5 on a tie
            candidates.append(Candidate(encoding: name, score: score, replacements: replacements))
        }
        for name in names { consider(name) }
        candidates.sort { $0.score > $1.score }

        // uchardet is the tie-breaker (and the only voice for non-Chinese legacy text): consulted
        // when no candidate reads clearly as Chinese or two read alike. It costs more than all the
        // rest of the detection, so clear cases skip it.
        var guessed: String?
        let margin = candidates.count >= 2 ? candidates[0].score - candidates[1].score : 2
        if candidates.isEmpty || candidates[0].score < 1 || margin < 0.5 {
            guessed = uchardetGuess(sample).flatMap(CharsetNames.canonical)
            if let guessed, guessed != "UTF-8", guessed != "UTF-16" {
                if !candidates.contains(where: { $0.encoding == guessed }) { consider(guessed) }
                for i in candidates.indices where candidates[i].encoding == guessed {
                    candidates[i].score += 0.3
                }
                candidates.sort { $0.score > $1.score }
            }
        }

        guard var best = candidates.first else {
            return try decodeLeastDamaged(bytes, sample: sample, declared: declared, guessed: guessed)
        }
        if let declared, best.encoding != declared {
            if let match = candidates.first(where: { $0.encoding == declared }),
                match.score >= best.score - 0.5
            {
                best = match
            } else {
                let why =
                    candidates.contains { $0.encoding == declared }
                    ? "the bytes read far better as \(best.encoding)"
                    : "the bytes are not valid \(declared)"
                notes.append("declared charset \(declared) overridden: \(why)")
            }
        }
        let second = candidates.first { $0.encoding != best.encoding }?.score ?? (best.score - 2)
        var confidence = 0.5 + 0.25 * (best.score - second)
        if best.encoding == guessed { confidence += 0.15 }
        if best.encoding == declared { confidence += 0.1 }
        if best.score < 1 { confidence *= 0.7 }
        confidence = min(0.99, max(0.1, confidence))

        if best.encoding.hasPrefix("UTF-16") {
            return try decodeUTF16(bytes, encoding: best.encoding, confidence: confidence, bom: false)
        }
        guard let converted = Iconv.toUTF8(bytes, from: CharsetNames.iconvName(best.encoding)) else {
            throw .unsupportedEncoding(best.encoding)
        }
        return TextDecoding(
            text: String(decoding: converted.utf8, as: UTF8.self), encoding: best.encoding,
            confidence: (confidence * 100).rounded() / 100, bom: false, replacements: converted.replacements,
            notes: notes)
    }

    /// No candidate decodes cleanly: take the one with the fewest bad bytes, if that is few.
    private static func decodeLeastDamaged(
        _ bytes: [UInt8], sample: ArraySlice<UInt8>, declared: String?, guessed: String?
    ) throws(InputError) -> TextDecoding {
        var best: (name: String, replacements: Int, score: Double)?
        for name in ["GB18030", "Big5-HKSCS", declared, guessed].compactMap({ $0 })
        where name != "UTF-16" {
            guard let converted = Iconv.toUTF8(sample, from: CharsetNames.iconvName(name)) else { continue }
            if best == nil || converted.replacements < best!.replacements {
                let score = CJKFrequency.shared.score(String(decoding: converted.utf8, as: UTF8.self))
                best = (name, converted.replacements, score)
            }
        }
        let utf8Invalid = UTF8Scan.scan(sample).invalid
        // Few bad bytes *and* text that reads like Chinese: a damaged file, not random bytes (which
        // GB18030 decodes to rare characters with only a few errors).
        guard let chosen = best, Double(chosen.replacements) <= 0.05 * Double(sample.count), chosen.score >= 1
        else {
            throw .undecodable(
                reason: "no supported encoding fits: each leaves many bytes undecodable or reads as noise "
                    + "(UTF-8: \(utf8Invalid) invalid sequences in \(sample.count) bytes)")
        }
        let converted = try Iconv.convert(bytes, from: CharsetNames.iconvName(chosen.name))
        return TextDecoding(
            text: String(decoding: converted.utf8, as: UTF8.self), encoding: chosen.name, confidence: 0.3,
            bom: false, replacements: converted.replacements,
            notes: ["no encoding decodes the bytes cleanly; \(chosen.name) leaves the fewest bad bytes"])
    }

    private static func strictDecode(_ sample: ArraySlice<UInt8>, name: String, allowCutTail: Bool)
        -> [UInt8]?
    {
        let iconvName = CharsetNames.iconvName(name)
        if let converted = Iconv.toUTF8(sample, from: iconvName, strict: true) { return converted.utf8 }
        guard allowCutTail else { return nil }
        // The sample may end inside a character: retry without the last 1…3 bytes.
        for cut in 1...3 where sample.count > cut {
            if let converted = Iconv.toUTF8(sample.dropLast(cut), from: iconvName, strict: true) {
                return converted.utf8
            }
        }
        return nil
    }

    /// uchardet's verdict on the sample, or nil when it has none.
    static func uchardetGuess(_ sample: ArraySlice<UInt8>) -> String? {
        guard let detector = uchardet_new() else { return nil }
        defer { uchardet_delete(detector) }
        let status = sample.withContiguousStorageIfAvailable { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                uchardet_handle_data(detector, $0.baseAddress, $0.count)
            }
        }
        guard status == 0 else { return nil }
        uchardet_data_end(detector)
        guard let name = uchardet_get_charset(detector) else { return nil }
        let result = String(cString: name)
        return result.isEmpty || result == "ASCII" ? nil : result
    }
}
