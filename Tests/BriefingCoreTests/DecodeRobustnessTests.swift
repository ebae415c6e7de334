import BriefingCore
import Testing

// Damaged and mutated inputs (seeded): decoding either gives text or throws an InputError, never
// traps; the normalizer is idempotent on whatever comes out.

private func mutate(_ bytes: [UInt8], random: inout SeededRandom) -> [UInt8] {
    var out = bytes
    for _ in 0..<Int.random(in: 1...8, using: &random) {
        guard !out.isEmpty else { break }
        let i = Int.random(in: 0..<out.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: out[i] = UInt8.random(in: 0...255, using: &random)
        case 1:
            out.insert(
                contentsOf: (0..<Int.random(in: 1...6, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }, at: i)
        case 2: out.removeSubrange(i..<min(out.count, i + Int.random(in: 1...16, using: &random)))
        default: out.removeSubrange(i...)  // truncation
        }
    }
    return out
}

@Test(arguments: Array(UInt64(11)...18))
func mutatedInputsNeverTrapAndNormalizeIdempotently(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    let text = Fixtures.extract(Fixtures.briefing, offset: 0, count: 1500)
    let bases: [[UInt8]] = [
        Array(text.utf8),
        TestEncoding.encode(text, as: "GB18030"),
        [0xFF, 0xFE] + TestEncoding.encode(text, as: "UTF-16LE"),
        TestEncoding.encode(Fixtures.extract(Fixtures.traditional, offset: 0, count: 400), as: "BIG5"),
        Array(DocumentBuilders.htmlPage(text, charset: "utf-8", seed: seed).utf8),
        Array(DocumentBuilders.markdown(text).utf8),
        try DocumentBuilders.docx(text, seed: seed),
    ]
    var decodedCount = 0
    for base in bases {
        for _ in 0..<25 {
            let bytes = mutate(base, random: &random)
            guard let decoded = try? InputDecoder.decode(bytes) else { continue }
            decodedCount += 1
            let once = TextNormalizer.normalize(decoded).text
            let twice = TextNormalizer.normalize(once).text
            #expect(twice == once, "\(firstDifference(twice, once))")
        }
    }
    #expect(decodedCount > 50)  // most light damage is survivable
}

@Test func deeplyNestedMarkupDoesNotExhaustTheStack() throws {
    let depth = 100_000
    let html =
        "<html><body>" + String(repeating: "<div>", count: depth) + "新闻发布会答记者问"
        + String(repeating: "</div>", count: depth) + "</body></html>"
    // Either some text or a clear error; the point is that the process survives.
    _ = try? InputDecoder.decode(Array(html.utf8))
    let xml =
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
        + String(repeating: "<w:sdt><w:sdtContent>", count: depth) + "<w:p><w:r><w:t>文</w:t></w:r></w:p>"
        + String(repeating: "</w:sdtContent></w:sdt>", count: depth) + "</w:body></w:document>"
    let docx = try DocumentBuilders.zip([("word/document.xml", xml)])
    _ = try? InputDecoder.decode(docx)
}
