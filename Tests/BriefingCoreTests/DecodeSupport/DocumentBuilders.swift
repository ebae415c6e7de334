import Foundation
import ZIPFoundation

// The fixture as other formats: a .docx (ZIP built here with ZIPFoundation), an HTML page with
// navigation, header, footer and scripts around the article, and a Markdown file.

enum DocumentBuilders {
    static func xmlEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    // MARK: - docx

    /// word/document.xml for `lines`: runs split at random places, bookmarks, a complex field
    /// (PAGEREF) whose result is part of the text, a HYPERLINK simple field, deleted text, comment and
    /// footnote references; lines starting with （ become the rows of a one-column table.
    static func documentXML(_ lines: [String], seed: UInt64) -> String {
        var random = SeededRandom(seed: seed)
        var body = ""
        var tableRows: [String] = []
        func flushTable() {
            guard !tableRows.isEmpty else { return }
            body += "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>"
            for row in tableRows { body += "<w:tr><w:tc><w:tcPr/>\(row)</w:tc></w:tr>" }
            body += "</w:tbl>"
            tableRows.removeAll()
        }
        for (index, line) in lines.enumerated() {
            let scalars = Array(line.unicodeScalars)
            var paragraph = index == 0 ? "<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>" : "<w:p>"
            var i = 0
            var bookmarkID = 0
            while i < scalars.count {
                let n = min(scalars.count - i, Int.random(in: 3...40, using: &random))
                let piece = xmlEscaped(String(String.UnicodeScalarView(scalars[i..<(i + n)])))
                switch Int.random(in: 0..<8, using: &random) {
                case 0:
                    paragraph +=
                        "<w:bookmarkStart w:id=\"\(bookmarkID)\" w:name=\"_GoBack\"/><w:r><w:t xml:space=\"preserve\">\(piece)</w:t></w:r><w:bookmarkEnd w:id=\"\(bookmarkID)\"/>"
                    bookmarkID += 1
                case 1:
                    paragraph +=
                        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGEREF _Toc1234 \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>\(piece)</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
                case 2:
                    paragraph +=
                        "<w:fldSimple w:instr=\" HYPERLINK &quot;http://gat.nmg.gov.cn/&quot; \"><w:r><w:t>\(piece)</w:t></w:r></w:fldSimple>"
                case 3:
                    paragraph +=
                        "<w:r><w:t>\(piece)</w:t></w:r><w:del w:id=\"9\" w:author=\"editor\"><w:r><w:delText>删去的字</w:delText></w:r></w:del>"
                case 4:
                    paragraph +=
                        "<w:r><w:rPr><w:b/></w:rPr><w:t>\(piece)</w:t></w:r><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"1\"/></w:r>"
                case 5:
                    paragraph +=
                        "<w:commentRangeStart w:id=\"3\"/><w:hyperlink r:id=\"rId9\"><w:r><w:t>\(piece)</w:t></w:r></w:hyperlink><w:commentRangeEnd w:id=\"3\"/><w:r><w:commentReference w:id=\"3\"/></w:r>"
                default:
                    paragraph +=
                        "<w:r><w:t xml:space=\"preserve\">\(piece)</w:t></w:r><w:proofErr w:type=\"spellStart\"/>"
                }
                i += n
            }
            paragraph += "</w:p>"
            if line.hasPrefix("（") {
                tableRows.append(paragraph)
            } else {
                flushTable()
                body += paragraph
            }
        }
        flushTable()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>\(body)\
            <w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>
            """
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
        """

    /// A ZIP archive holding `entries` (path → contents), deflated.
    static func zip(_ entries: [(String, String)]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, contents) in entries {
            let data = Data(contents.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return Array(archive.data ?? Data())
    }

    static func docx(_ text: String, seed: UInt64) throws -> [UInt8] {
        let lines = text.split(separator: "\n").map(String.init)
        return try zip([
            ("[Content_Types].xml", contentTypes), ("word/document.xml", documentXML(lines, seed: seed)),
        ])
    }

    // MARK: - HTML

    /// A news page: head with scripts and styles, header with navigation, the article (first line as
    /// <h1>, the rest as paragraphs, some split by inline tags, some wrapped in the source, anchors and
    /// &nbsp; indents), share buttons, a footer and more scripts.
    static func htmlPage(_ text: String, charset: String, seed: UInt64) -> String {
        var random = SeededRandom(seed: seed)
        let lines = text.split(separator: "\n").map(String.init)
        var article = "<h1>\(xmlEscaped(lines[0]))</h1>\n"
        for line in lines.dropFirst() {
            var scalars = Array(xmlEscaped(line).unicodeScalars)
            // Split somewhere between two Han characters with an inline tag, or a source line break.
            let candidates = scalars.indices.dropFirst().filter {
                ArtifactInjector.isHan(scalars[$0 - 1]) && ArtifactInjector.isHan(scalars[$0])
            }
            if let at = candidates.randomElement(using: &random) {
                let insert =
                    [
                        "</span><span>", "\n    ", "<a name=\"_GoBack\"></a>", "<strong></strong>",
                        "<!-- x -->",
                    ]
                    .randomElement(using: &random)!
                scalars.insert(contentsOf: insert.unicodeScalars, at: at)
            }
            let indent = Bool.random(using: &random) ? "&nbsp;&nbsp;&nbsp;&nbsp;" : "\u{3000}\u{3000}"
            article +=
                "<p style=\"text-indent:2em\">\(indent)<span>\(String(String.UnicodeScalarView(scalars)))</span></p>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta http-equiv="Content-Type" content="text/html; charset=\(charset)">
            <title>新闻发布会答记者问_内蒙古自治区公安厅</title>
            <style>body { font-size: 14px; } .nav a { color: #333; }</style>
            <script>var _hmt = _hmt || []; document.write("统计代码");</script>
            </head><body>
            <header><div class="logo">内蒙古自治区公安厅</div>
            <nav class="nav"><a href="/">首页</a> | <a href="/xwzx">新闻中心</a> | <a href="/zwgk">政务公开</a></nav></header>
            <div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; 新闻发布会</div>
            <div class="main-container"><article class="content">
            \(article)</article>
            <div class="bdsharebuttonbox"><a class="bds_weixin">分享到微信</a><a class="bds_tsina">分享到微博</a></div>
            <aside><h3>相关新闻</h3><ul><li><a href="/1">全区公安机关召开会议</a></li></ul></aside></div>
            <footer><p>版权所有：内蒙古自治区公安厅 蒙ICP备05000000号</p><p>联系电话：0471-0000000</p></footer>
            <script src="/js/jquery.js"></script><script>$(function(){ console.log("页面加载"); });</script>
            </body></html>
            """
    }

    // MARK: - Markdown

    /// Front matter, the title as `#` heading, speaker labels as `###` headings on their own line, a link
    /// around a word, an image, emphasis, and a `<figure>` leftover.
    static func markdown(_ text: String) -> String {
        let lines = text.split(separator: "\n").map(String.init)
        var out = "---\ntitle: \"新闻发布会答记者问\"\ndate: 2023-09-12\ntags: [公安, 发布会]\n---\n\n"
        out += "# \(lines[0])\n\n![发布会现场](images/scene.jpg)\n\n<figure>\n<img src=\"a.jpg\">\n</figure>\n\n"
        for (i, line) in lines.dropFirst().enumerated() {
            if let colon = line.firstIndex(of: "："), line.distance(from: line.startIndex, to: colon) < 30,
                !line[..<colon].contains("，")
            {
                out += "### \(line[...colon])\n\n\(line[line.index(after: colon)...])\n\n"
            } else if i % 5 == 2, let first = line.firstIndex(of: "“"),
                let close = line[first...].firstIndex(of: "”")
            {
                out +=
                    "\(line[..<first])**\(line[first...close])**\(line[line.index(after: close)...])\n\n"
            } else if line.contains("新华网") {
                out += line.replacingOccurrences(of: "新华网", with: "[新华网](http://www.news.cn/)") + "\n\n"
            } else {
                out += line + "\n\n"
            }
        }
        return out
    }
}
