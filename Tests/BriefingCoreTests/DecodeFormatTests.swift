import BriefingCore
import Foundation
import Testing

// The fixture as .docx, HTML (UTF-8 and GB2312-declared) and Markdown must give the same text as the
// clean UTF-8 file.

@Test(arguments: [UInt64(1), 2, 3])
func docxGivesTheSameTextAsThePlainFile(seed: UInt64) throws {
    let bytes = try DocumentBuilders.docx(Fixtures.briefing, seed: seed)
    let (decoded, normalized) = try Fixtures.normalized(bytes, hints: DecodeHints(fileName: "briefing.bin"))
    #expect(decoded.format == .docx)
    #expect(decoded.titleHint == "新闻发布会答记者问")
    #expect(!decoded.text.contains("PAGEREF"))
    #expect(!decoded.text.contains("删去的字"))
    #expect(decoded.actions.contains { $0.kind.rawValue == "field_code" })
    #expect(
        normalized == Fixtures.reference(Fixtures.briefing),
        "\(firstDifference(normalized, Fixtures.reference(Fixtures.briefing)))")
}

@Test func docxTableRowsBecomeLinesWithTabSeparatedCells() throws {
    let cell = { (s: String) in "<w:tc><w:p><w:r><w:t>\(s)</w:t></w:r></w:p></w:tc>" }
    let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\
        <w:p><w:r><w:t>表一</w:t></w:r></w:p><w:tbl>\
        <w:tr>\(cell("类别"))\(cell("起数"))</w:tr><w:tr>\(cell("交通事故"))\(cell("2622"))</w:tr>\
        </w:tbl><w:p><w:r><w:t>说明</w:t><w:tab/><w:t>完</w:t><w:br/><w:t>下一行</w:t></w:r></w:p></w:body></w:document>
        """
    let bytes = try DocumentBuilders.zip([
        ("[Content_Types].xml", DocumentBuilders.contentTypes), ("word/document.xml", xml),
    ])
    let decoded = try InputDecoder.decode(bytes)
    #expect(decoded.text == "表一\n类别\t起数\n交通事故\t2622\n说明\t完\n下一行\n")
}

@Test(arguments: ["UTF-8", "GB18030"])
func htmlPageGivesTheArticleOnly(encoding: String) throws {
    let charset = encoding == "UTF-8" ? "utf-8" : "gb2312"
    let page = DocumentBuilders.htmlPage(Fixtures.briefing, charset: charset, seed: 7)
    let (decoded, normalized) = try Fixtures.normalized(TestEncoding.encode(page, as: encoding))
    #expect(decoded.format == .html)
    #expect(decoded.encoding.name == encoding)
    #expect(decoded.notes.isEmpty)
    #expect(decoded.titleHint == "新闻发布会答记者问")
    for boilerplate in ["首页", "分享到微信", "版权所有", "统计代码", "页面加载", "相关新闻"] {
        #expect(!normalized.contains(boilerplate), "\(boilerplate) should have been dropped")
    }
    #expect(
        normalized == Fixtures.reference(Fixtures.briefing),
        "\(firstDifference(normalized, Fixtures.reference(Fixtures.briefing)))")
}

@Test func htmlBreaksAndBlocksBecomeLines() throws {
    let html =
        "<html><body><main><p>第一段<br>第二行</p><div>第三段 <b>加粗</b> 文字</div><ul><li>甲</li><li>乙</li></ul></main></body></html>"
    let decoded = try InputDecoder.decode(Array(html.utf8))
    #expect(TextNormalizer.normalize(decoded.text).text == "第一段\n第二行\n第三段加粗文字\n甲\n乙")
}

@Test func markdownKeepsTheWordsAndTheLabels() throws {
    let md = DocumentBuilders.markdown(Fixtures.briefing)
    let (decoded, normalized) = try Fixtures.normalized(Array(md.utf8), hints: DecodeHints(fileName: "x.md"))
    #expect(decoded.format == .markdown)
    #expect(!normalized.contains("###"))
    #expect(!normalized.contains("scene.jpg"))
    #expect(!normalized.contains("http://www.news.cn"))
    #expect(
        normalized == Fixtures.reference(Fixtures.briefing),
        "\(firstDifference(normalized, Fixtures.reference(Fixtures.briefing)))")
}

@Test func markdownIsRecognisedWithoutItsFileName() throws {
    let md = "---\ntitle: x\n---\n\n# 标题\n\n### 记者：\n\n请问[有关部门](http://a.b/)怎么看？\n"
    let decoded = try InputDecoder.decode(Array(md.utf8))
    #expect(decoded.format == .markdown)
    #expect(TextNormalizer.normalize(decoded.text).text == "标题\n记者：请问有关部门怎么看？")
}

@Test func plainTextWithBracketsStaysText() throws {
    let decoded = try InputDecoder.decode(
        Array(Fixtures.briefing.utf8), hints: DecodeHints(fileName: "a.txt"))
    #expect(decoded.format == .text)
    #expect(decoded.encoding == "UTF-8")
    #expect(decoded.confidence == 1)
}

@Test func htmlWithoutArticleTakesTheDensestBlock() throws {
    let paragraphs = (1...6).map { "<p>第\($0)段：全区公安机关深入开展专项行动，取得明显成效。</p>" }.joined()
    let html = """
        <html><head><title>发布会实录</title></head><body>
        <div id="menu"><a href="/">首页</a><a href="/a">新闻</a><a href="/b">公告</a></div>
        <div class="left"><ul><li><a href="/x">友情链接一</a></li><li><a href="/y">友情链接二</a></li></ul></div>
        <div class="TRS_Editor">\(paragraphs)</div>
        <div class="foot">地址：呼和浩特市 电话：0471-0000000 主办单位：内蒙古自治区公安厅</div>
        </body></html>
        """
    let decoded = try InputDecoder.decode(Array(html.utf8))
    let text = TextNormalizer.normalize(decoded.text).text
    #expect(decoded.titleHint == "发布会实录")
    // The page's headline opens the text, as a text file's first line does.
    #expect(text.hasPrefix("发布会实录\n第1段："))
    #expect(text.hasSuffix("第6段：全区公安机关深入开展专项行动，取得明显成效。"))
    #expect(!text.contains("友情链接"))
    #expect(!text.contains("呼和浩特"))
}

@Test func decoderActionsAreMergedIntoTheNormalizersActions() throws {
    let bytes = try DocumentBuilders.docx(Fixtures.briefing, seed: 2)
    let decoded = try InputDecoder.decode(bytes)
    let result = TextNormalizer.normalize(decoded)
    let kinds = result.actions.map(\.kind.rawValue)
    #expect(kinds.contains("field_code"))
    #expect(kinds.contains("duplicated_speaker_label"))
    #expect(Set(kinds).count == kinds.count)  // one entry per kind
    #expect(result.text == TextNormalizer.normalize(decoded.text, format: .docx).text)
}

@Test func htmlFragmentWithoutHtmlOrBodyIsHTML() throws {
    let fragment = "<p>新闻发布会答记者问</p>\n<p>记者：请问<br>成效如何？</p>\n<p>处长：成效明显。</p>"
    let decoded = try InputDecoder.decode(Array(fragment.utf8), hints: DecodeHints(fileName: "export.txt"))
    #expect(decoded.format == .html)
    #expect(TextNormalizer.normalize(decoded).text == "新闻发布会答记者问\n记者：请问\n成效如何？\n处长：成效明显。")
}
