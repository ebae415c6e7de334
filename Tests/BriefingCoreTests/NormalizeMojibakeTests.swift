import BriefingCore
import Testing

// UTF-8 text that was once decoded with the wrong table and saved again is restored.

/// What a Windows-1252 decoder that passes undefined bytes through (as Latin-1) makes of UTF-8.
private func asWindows1252(_ text: String) -> String {
    let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
        0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]
    var view = String.UnicodeScalarView()
    for b in text.utf8 {
        view.append(Unicode.Scalar((0x80...0x9F).contains(b) ? high[Int(b) - 0x80] : UInt32(b))!)
    }
    return String(view)
}

private func decodeGB18030(_ bytes: [UInt8]) -> String {
    // Decode UTF-8 bytes as if they were GB18030: the test encoder run backwards through iconv.
    var result = ""
    var i = 0
    while i < bytes.count {
        // Two-byte GBK pairs; ASCII stays.
        if bytes[i] < 0x80 {
            result.unicodeScalars.append(Unicode.Scalar(bytes[i]))
            i += 1
        } else if i + 1 < bytes.count, let s = TestDecoding.gb18030([bytes[i], bytes[i + 1]]) {
            result += s
            i += 2
        } else {
            result += "\u{FFFD}"
            i += 1
        }
    }
    return result
}

@Test func windows1252MojibakeIsRepaired() {
    let damaged = asWindows1252(Fixtures.briefing)
    #expect(damaged.contains("æ–°é—»"))
    let result = TextNormalizer.normalize(damaged, format: .text)
    #expect(result.text == Fixtures.reference(Fixtures.briefing))
    #expect(result.actions.first?.kind.rawValue == "mojibake_repaired")
}

@Test func gbkMojibakeIsRepaired() {
    // Only CJK characters whose UTF-8 has no 0x80 byte: then every byte pair is valid GBK and the
    // damage lost nothing, so the repair must be exact.
    let clean = String(
        String.UnicodeScalarView(
            Fixtures.briefing.unicodeScalars.filter { s in
                s.value >= 0x3000 && !String(s).utf8.contains(0x80)
            }.prefix(300)))
    let damaged = decodeGB18030(Array(clean.utf8))
    #expect(!damaged.contains("\u{FFFD}"))
    let result = TextNormalizer.normalize(damaged, format: .text)
    #expect(result.text == clean, "\(firstDifference(result.text, clean))")
    #expect(result.actions.contains { $0.kind.rawValue == "mojibake_repaired" })
}

@Test func lossyGBKMojibakeIsRepairedAsFarAsTheBytesAllow() {
    let damaged = decodeGB18030(Array(Fixtures.briefing.utf8))
    let result = TextNormalizer.normalize(damaged, format: .text)
    #expect(result.actions.contains { $0.kind.rawValue == "mojibake_repaired" })
    #expect(result.text.hasPrefix("新闻发布会答记\u{FFFD}问\n"))  // 者 is E8 80 85: GBK has no 0x80 lead byte
    // Lost: a byte before each ASCII run at odd alignment, and every 0x80 lead. About 6% here.
    let lost = result.text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
    #expect(lost * 10 < result.text.unicodeScalars.count)
}

@Test func realTextIsNotTakenForMojibake() {
    for text in [Fixtures.briefing, Fixtures.traditionalHongKong, "Café résumé naïve — “quoted” façade"] {
        let result = TextNormalizer.normalize(text, format: .text)
        #expect(!result.actions.contains { $0.kind.rawValue == "mojibake_repaired" })
    }
}
