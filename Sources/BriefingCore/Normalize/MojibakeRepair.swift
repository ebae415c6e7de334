// Mojibake: UTF-8 text that some tool once decoded with the wrong table and saved again.
// - as Windows-1252/Latin-1: "新闻" → "æ–°é—»": every character was one byte, so mapping each back to
//   its byte and decoding as UTF-8 restores the text exactly;
// - as GBK/GB18030: "公大" → "鍏ぇ"-like runs of rare characters: encoding as GB18030 gives the bytes
//   back, except where an odd byte before ASCII was already lost (those become U+FFFD).
// A repair is kept only when the result is valid UTF-8 (nearly) throughout and reads clearly more
// like Chinese than the input (``CJKFrequency``). The cheap pre-scan decides for most texts that no
// repair is needed.

enum MojibakeRepair {
    struct Repaired {
        var text: String
        var count: Int
        var examples: [String]
    }

    /// What the pre-scan counts, one character at a time (the normalizer feeds it from its own first
    /// pass, so clean text pays no extra pass).
    struct Evidence {
        var latinPairs = 0
        var han = 0
        var rareHan = 0
        private var previous: UInt32 = 0
        private var noted = 0
        /// Held here so the hot loop does not go through the lazy global each time.
        private let frequency = CJKFrequency.shared
        /// The evidence is statistical: the first few thousand characters decide.
        private static let enough = 4096

        /// Called for every non-ASCII scalar (ASCII resets the pair detector).
        @inline(__always) mutating func note(_ v: UInt32) {
            guard noted < Self.enough else { return }
            noted += 1
            if v >= 0x4E00 && v <= 0x9FFF {
                han += 1
                if !frequency.isCommon(v) { rareHan += 1 }
            } else if previous >= 0xC2 && previous <= 0xEF,
                let b = MojibakeRepair.cp1252Byte(v), b >= 0x80 && b <= 0xBF
            {
                latinPairs += 1
            }
            previous = v
        }

        @inline(__always) mutating func noteASCII() { previous = 0 }

        /// Worth trying a repair: UTF-8 lead/continuation pairs read as Latin-1, or a Chinese text
        /// where a quarter of the ideographs are rare (mis-decoded GBK pairs land mostly there).
        var suspicious: Bool { latinPairs >= 3 || (han >= 4 && rareHan * 4 >= han) }
    }

    static func repair(_ text: String) -> Repaired? {
        var evidence = Evidence()
        for s in text.unicodeScalars {
            if s.isASCII { evidence.noteASCII() } else { evidence.note(s.value) }
        }
        if evidence.latinPairs >= 3, let repaired = repairLatin1(text) { return repaired }
        if evidence.han >= 4 && evidence.rareHan * 4 >= evidence.han, let repaired = repairGBK(text) {
            return repaired
        }
        return nil
    }

    // MARK: - Windows-1252 / Latin-1

    /// The byte a Windows-1252 decoder turned into `v`, if any (Latin-1 and C1 controls map to
    /// themselves, as lenient decoders do for the five undefined bytes).
    static func cp1252Byte(_ v: UInt32) -> UInt8? {
        if v <= 0xFF { return UInt8(v) }
        if let i = cp1252High.firstIndex(of: v) { return UInt8(0x80 + i) }
        return nil
    }

    /// Windows-1252 0x80…0x9F (0 where undefined).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
        0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0, 0x017E, 0x0178,
    ]

    private static func repairLatin1(_ text: String) -> Repaired? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            if let b = cp1252Byte(s.value) {
                bytes.append(b)
            } else {
                bytes.append(contentsOf: String(s).utf8)  // not from a one-byte table: keep as is
            }
        }
        return accept(original: text, bytes: bytes)
    }

    // MARK: - GBK

    private static func repairGBK(_ text: String) -> Repaired? {
        // U+FFFD marks a byte the first decoder already dropped; keep it as an invalid byte.
        var bytes: [UInt8] = []
        var run = ""
        func flush() -> Bool {
            guard !run.isEmpty else { return true }
            guard let encoded = Iconv.fromUTF8(run, to: "GB18030") else { return false }
            bytes.append(contentsOf: encoded)
            run = ""
            return true
        }
        for s in text.unicodeScalars {
            if s.value == 0xFFFD || s == "?" {
                guard flush() else { return nil }
                bytes.append(0xFF)
            } else {
                run.unicodeScalars.append(s)
            }
        }
        guard flush() else { return nil }
        return accept(original: text, bytes: bytes)
    }

    // MARK: - Acceptance

    private static func accept(original: String, bytes: [UInt8]) -> Repaired? {
        let scan = UTF8Scan.scan(bytes)
        // GBK damage is lossy (a lead byte before ASCII or a 0x80 byte was dropped by the first
        // decoder), so up to a quarter of the sequences may stay broken; they become U+FFFD.
        guard scan.multibyte >= 3, scan.invalid * 4 <= scan.multibyte else { return nil }
        // One byte lost by the first decoder breaks one character into several invalid pieces:
        // report it as one U+FFFD.
        var view = String.UnicodeScalarView()
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars
        where !(scalar == "\u{FFFD}" && view.last == "\u{FFFD}") {
            view.append(scalar)
        }
        let repaired = String(view)
        let before = CJKFrequency.shared.score(original)
        let after = CJKFrequency.shared.score(repaired)
        guard after >= before + 0.5 else { return nil }
        return Repaired(text: repaired, count: scan.multibyte, examples: examples(original, repaired))
    }

    /// The first differing stretches, as "before → after".
    private static func examples(_ original: String, _ repaired: String) -> [String] {
        let a = Array(original.unicodeScalars.prefix(400))
        let b = Array(repaired.unicodeScalars.prefix(200))
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        guard i < b.count else { return [] }
        let before = String(String.UnicodeScalarView(a[i..<min(a.count, i + 8)]))
        let after = String(String.UnicodeScalarView(b[i..<min(b.count, i + 4)]))
        return ["\(before) → \(after)"]
    }
}
