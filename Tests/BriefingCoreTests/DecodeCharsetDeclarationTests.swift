import BriefingCore
import Testing

// A declared charset (HTTP Content-Type, HTML <meta>) is used when the bytes agree and overridden,
// with a note, when they plainly do not.

@Test(arguments: ["gbk", "gb2312", "GB18030", "x-gbk"])
func declaredGBFamilyAgreeingWithTheBytesIsUsed(_ declared: String) throws {
    let bytes = TestEncoding.encode(Fixtures.briefing, as: "GB18030")
    let decoded = try InputDecoder.decode(bytes, hints: DecodeHints(declaredCharset: declared))
    #expect(decoded.encoding == "GB18030")
    #expect(decoded.notes.isEmpty)
    #expect(decoded.text == Fixtures.briefing)
}

@Test func declaredUTF8ForGBBytesIsOverridden() throws {
    let bytes = TestEncoding.encode(Fixtures.briefing, as: "GB18030")
    let decoded = try InputDecoder.decode(bytes, hints: DecodeHints(contentType: "text/plain; charset=UTF-8"))
    #expect(decoded.encoding == "GB18030")
    #expect(decoded.notes.contains { $0.contains("UTF-8") && $0.contains("overridden") })
}

@Test func declaredBig5ForUTF8BytesIsOverridden() throws {
    let decoded = try InputDecoder.decode(
        Array(Fixtures.traditional.utf8), hints: DecodeHints(declaredCharset: "big5"))
    #expect(decoded.encoding == "UTF-8")
    #expect(decoded.notes.count == 1)
}

@Test func declaredBig5ForGBBytesIsOverridden() throws {
    let bytes = TestEncoding.encode(Fixtures.extract(Fixtures.briefing, offset: 1000), as: "GB18030")
    let decoded = try InputDecoder.decode(bytes, hints: DecodeHints(declaredCharset: "big5"))
    #expect(decoded.encoding == "GB18030")
    #expect(!decoded.notes.isEmpty)
}

@Test func metaCharsetInThePageIsRead() throws {
    // Pure ASCII page head, GB18030 body: the <meta> names the family; the bytes agree.
    let page =
        "<html><head><meta charset=\"gb2312\"></head><body><p>\(Fixtures.extract(Fixtures.briefing, offset: 40, count: 60))</p></body></html>"
    let decoded = try InputDecoder.decode(TestEncoding.encode(page, as: "GB18030"))
    #expect(decoded.format == .html)
    #expect(decoded.encoding == "GB18030")
    #expect(decoded.notes.isEmpty)
}

@Test func asciiOnlyKeepsTheDeclaredCharset() throws {
    let decoded = try InputDecoder.decode(
        Array("Press briefing, 12 September 2023.".utf8), hints: DecodeHints(declaredCharset: "gbk"))
    #expect(decoded.encoding == "GB18030")
    #expect(decoded.confidence == 1)
}

@Test func damagedUTF8KeepsItsTextAndCountsTheBadBytes() throws {
    var bytes = Array(Fixtures.briefing.utf8)
    bytes[100] = 0xFF
    bytes[5000] = 0xC0
    let decoded = try InputDecoder.decode(bytes)
    #expect(decoded.encoding == "UTF-8")
    #expect(decoded.replacementCharacters >= 2)
    #expect(decoded.replacementCharacters == decoded.text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count)
}

@Test func garbledGB18030CountsReplacements() throws {
    var bytes = TestEncoding.encode(Fixtures.briefing, as: "GB18030")
    bytes[301] = 0xFF  // not a GB18030 byte anywhere
    let decoded = try InputDecoder.decode(bytes)
    #expect(decoded.encoding == "GB18030")
    #expect(decoded.replacementCharacters >= 1)
    #expect(decoded.confidence < 1)
}

@Test(arguments: [("BIG5", "Big5"), ("GB18030", "GB18030")])
func pageWithALongASCIIHeadIsJudgedByItsText(_ encoding: String, _ expected: String) throws {
    let script = String(
        repeating: "var x = document.getElementById('nav'); x.style.color = '#333';\n", count: 120)
    let page =
        "<html><head><script>\(script)</script></head><body><p>\(Fixtures.extract(Fixtures.traditional, offset: 20, count: 120))</p></body></html>"
    let decoded = try InputDecoder.decode(TestEncoding.encode(page, as: encoding))
    #expect(decoded.encoding.name == expected)
    #expect(decoded.format == .html)
}
