import Testing

@testable import BriefingCore

// Limits applied while decoding: how deep an HTML page may nest, how much text an input may hold.

/// A page whose whole transcript sits inside `depth` nested `<div>`s.
private func deepPage(_ depth: Int) -> [UInt8] {
    let transcript = "新闻发布会\n记者：今年以来全区破获刑事案件多少起？\n发言人张华：破获刑事案件399起，同比上升12%。"
    let paragraphs = transcript.split(separator: "\n").map { "<p>\($0)</p>" }.joined()
    let html =
        "<!DOCTYPE html><html><head><title>发布会</title></head><body>"
        + String(repeating: "<div>", count: depth) + paragraphs + String(repeating: "</div>", count: depth)
        + "</body></html>"
    return Array(html.utf8)
}

@Test(arguments: [254, 255, 1000])
func deeplyNestedHTMLKeepsItsWholeText(depth: Int) throws {
    let decoded = try InputDecoder.decode(deepPage(depth))
    #expect(decoded.format == .html)
    #expect(decoded.text.contains("记者：今年以来全区破获刑事案件多少起？"))
    #expect(decoded.text.contains("发言人张华：破获刑事案件399起，同比上升12%。"))
    let snapshot = try BriefingPipeline.process(
        deepPage(depth), source: .file("deep.html"),
        ingestedAt: Timestamp(millisecondsSinceEpoch: 1_796_530_202_123))
    #expect(snapshot.briefing.turns.count == 2)
}

@Test func htmlDeeperThanTheLimitIsRefusedAsTooDeep() {
    // 200,000 levels: never a partial snapshot, and never the misleading `no_text`.
    #expect(HTMLExtractor.maxDepth < 200_000)
    do {
        _ = try InputDecoder.decode(deepPage(200_000))
        Issue.record("a page nested 200,000 deep was read")
    } catch {
        #expect(error.code == "html_too_deep")
        #expect(error.description.contains("\(HTMLExtractor.maxDepth)"))
    }
}

@Test func textLongerThanTheLimitIsRefusedWhileDecoding() throws {
    let text = String(repeating: "新闻发布会答记者问。", count: 1000)  // 10,000 characters
    #expect(throws: InputError.textTooLarge(characters: 10_000, limit: 9_999)) {
        try InputDecoder.decode(Array(text.utf8), maxTextCharacters: 9_999)
    }
    #expect(try InputDecoder.decode(Array(text.utf8), maxTextCharacters: 10_000).text == text)
    // GB18030 takes two bytes per character: the limit counts characters, not bytes.
    let gb = TestEncoding.encode(text, as: "GB18030")
    #expect(throws: InputError.textTooLarge(characters: 10_000, limit: 9_999)) {
        try InputDecoder.decode(gb, maxTextCharacters: 9_999)
    }
    #expect(try InputDecoder.decode(gb, maxTextCharacters: 10_000).encoding == "GB18030")
    // The pipeline takes its limit from the options.
    #expect(throws: InputError.textTooLarge(characters: 10_000, limit: 5_000)) {
        try BriefingPipeline.process(
            Array(text.utf8), source: .file("long.txt"), ingestedAt: Timestamp(millisecondsSinceEpoch: 0),
            options: PipelineOptions(maxTextCharacters: 5_000))
    }
}

@Test func docxWhoseXMLUnpacksToHugeTextIsRefusedBeforeParsing() throws {
    // A small archive whose document.xml inflates to 100 times its size: 3 MB of text.
    let run = String(repeating: "文", count: 100_000)
    let paragraph = "<w:p><w:r><w:t>\(run)</w:t></w:r></w:p>"
    let xml =
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
        + String(repeating: paragraph, count: 10) + "</w:body></w:document>"
    let docx = try DocumentBuilders.zip([("word/document.xml", xml)])
    #expect(docx.count < 100_000)
    #expect(DocxExtractor.textCharacters(inMarkup: Array(xml.utf8)) == 1_000_000)
    #expect(throws: InputError.textTooLarge(characters: 1_000_000, limit: 400_000)) {
        try InputDecoder.decode(docx, maxTextCharacters: 400_000)
    }
    // Under twice the limit the XML is parsed, and the written text itself decides.
    #expect(throws: InputError.textTooLarge(characters: 700_000, limit: 600_000)) {
        try InputDecoder.decode(docx, maxTextCharacters: 600_000)
    }
    #expect(
        try InputDecoder.decode(docx, maxTextCharacters: 1_000_000).text.unicodeScalars.count == 1_000_010)
    // Markup text counts attribute values with `>` in them as markup, not text.
    #expect(DocxExtractor.textCharacters(inMarkup: Array("<a b=\"x>y\">文字</a>".utf8)) == 2)
}
