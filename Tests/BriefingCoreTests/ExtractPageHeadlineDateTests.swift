import Foundation
import TestSupport
import Testing

@testable import BriefingCore

// Saved briefing pages in the shapes ministries publish them: the headline in the page's heading
// or only in <title> with the site's name, the date in the headline, in meta tags, in a line above
// the body, in the lead, or only in the URL; and inputs dated only by their feed or HTTP headers.

private let ingested = Timestamp(millisecondsSinceEpoch: 1_796_530_202_123)  // 2026-12-…

private func run(
    _ bytes: String, file: String = "page.html", url: String? = nil, lastModified: String? = nil,
    feedItemDate: Timestamp? = nil
) throws -> Snapshot {
    let source =
        url.map {
            Source(
                kind: .url, name: "ministry", url: $0,
                http: HTTPInfo(status: 200, lastModified: lastModified, contentType: "text/html"))
        } ?? .file(file)
    return try BriefingPipeline.process(
        Array(bytes.utf8), hints: DecodeHints(fileName: file, feedItemDate: feedItemDate), source: source,
        ingestedAt: ingested)
}

/// A page whose article body is `body` (HTML), with `head` in <head> and `above` before the article.
private func page(title: String, head: String = "", above: String = "", body: String) -> String {
    """
    <!DOCTYPE html>
    <html><head><meta charset="utf-8"><title>\(title)</title>\(head)</head>
    <body>
    <div class="topbar"><a href="/">首页</a> <a href="/web/wjdt_674879/">外交动态</a></div>
    <ul class="nav"><li><a href="/web/fyrbt_673021/">发言人表态</a></li><li><a href="/web/">资料</a></li></ul>
    \(above)
    <div class="content">
    \(body)
    </div>
    <div class="footer">版权所有 中华人民共和国外交部 京ICP备05000000号</div>
    </body></html>
    """
}

private let answerBody = """
    <p>华春莹：今天我没有要发布的消息。</p>
    <p>《中国日报》记者：今年以来，中方在有关问题上作出了哪些努力？</p>
    <p>华春莹：我们一贯主张通过对话解决分歧。</p>
    """

@Suite struct ExtractPageHeadlineTests {
    @Test(arguments: [
        "2022年8月2日外交部发言人华春莹主持例行记者会_中华人民共和国外交部",
        "2022年8月2日外交部发言人华春莹主持例行记者会 — 中华人民共和国外交部",
        "中华人民共和国外交部 | 2022年8月2日外交部发言人华春莹主持例行记者会",
        "2022年8月2日外交部发言人华春莹主持例行记者会 - 外交部",
        "2022年8月2日外交部发言人华春莹主持例行记者会——中华人民共和国外交部网站",
        "2022年8月2日外交部发言人华春莹主持例行记者会-中华人民共和国外交部网站",
    ])
    func titleWithoutTheSiteName(_ title: String) throws {
        let s = try run(page(title: title, body: answerBody))
        #expect(s.briefing.title == "2022年8月2日外交部发言人华春莹主持例行记者会")
        // The headline is the text's first line, as in a text file of the same briefing.
        #expect(s.text.hasPrefix("2022年8月2日外交部发言人华春莹主持例行记者会\n华春莹："))
        #expect(s.briefing.date == "2022-08-02" && s.briefing.dateSource == .title)
    }

    @Test func headingElementsBeatTheTitleElement() throws {
        let headline = "2019年3月8日外交部发言人陆慷主持例行记者会"
        let heads = [
            ("", "<h1>\(headline)</h1>"),
            ("", "<div class=\"title\">\(headline)</div>"),
            ("<meta property=\"og:title\" content=\"\(headline)\">", ""),
            ("<meta name=\"ArticleTitle\" content=\"\(headline)\">", ""),
        ]
        for (head, above) in heads {
            let s = try run(page(title: "外交部 - 例行记者会", head: head, above: above, body: answerBody))
            #expect(s.briefing.title == headline, "\(head)\(above)")
            #expect(s.text.hasPrefix(headline + "\n"), "\(head)\(above)")
            #expect(s.briefing.date == "2019-03-08")
        }
    }

    @Test func aLogoInAHeadingIsNoHeadline() throws {
        let headline = "2023年1月3日外交部发言人汪文斌主持例行记者会"
        let above = "<div class=\"top\"><h1 class=\"logo\">外交部</h1></div>"
        for (head, body) in [
            ("", "<div class=\"article-title\">\(headline)</div>" + answerBody),
            ("<meta name=\"ArticleTitle\" content=\"\(headline)\">", answerBody),
            ("", answerBody),
        ] {
            let s = try run(page(title: headline + "_中华人民共和国外交部", head: head, above: above, body: body))
            #expect(s.briefing.title == headline, "\(head)\(body.prefix(40))")
            #expect(s.text.hasPrefix(headline + "\n"))
            #expect(!s.text.hasPrefix("外交部"))
        }
    }

    @Test func aPageAndATextFileOfTheSameBriefingGiveTheSameTextAndTurns() throws {
        let headline = "2021年6月30日外交部发言人汪文斌主持例行记者会"
        let lines = [
            headline,
            "汪文斌：女士们、先生们，下午好。今天我没有要发布的消息。",
            "英国《金融时报》记者：请问中方对此有何评论？",
            "汪文斌：我们注意到有关报道。",
            "美国《华尔街日报》记者：我想追问一下。",
            "汪文斌：我刚才已经回答了。",
        ]
        let html = page(
            title: headline + "_中华人民共和国外交部", above: "<h1>\(headline)</h1>",
            body: lines.dropFirst().map { "<p>\($0)</p>" }.joined(separator: "\n"))
        let fromPage = try run(html)
        let fromText = try run(lines.joined(separator: "\n") + "\n", file: "briefing.txt")
        #expect(fromPage.text == fromText.text)
        #expect(fromPage.briefing.turns == fromText.briefing.turns)
        #expect(fromPage.briefing.speakers == fromText.briefing.speakers)
        #expect(fromPage.briefing.title == headline && fromText.briefing.title == headline)
        #expect(fromPage.briefing.turns.count == 5)
    }
}

@Suite struct ExtractBriefingDateTests {
    private let plainBody = """
        <p>发言人：今天的发布会就有关工作进展情况作介绍。1988年、1997年和2012年的有关数字不再重复。</p>
        <p>记者：今年以来有什么新进展？</p>
        <p>发言人：今年以来各项工作稳步推进。</p>
        """

    @Test func dateInTheHeadlineInEitherForm() throws {
        for (title, iso) in [
            ("2022年8月2日外交部发言人华春莹主持例行记者会", "2022-08-02"),
            ("外交部例行记者会（2022-08-02）", "2022-08-02"),
            ("2018年2月10日國務院台灣事務辦公室新聞發佈會", "2018-02-10"),
        ] {
            let s = try run(page(title: title + "_外交部", body: plainBody))
            #expect(s.briefing.date == iso, "\(title)")
            #expect(s.briefing.dateSource == .title)
            #expect(s.briefing.referenceYear == Int(iso.prefix(4)) && s.briefing.referenceYearSource == .date)
            // `今年以来` resolves in the briefing's year, not the ingestion year or 2012.
            #expect(s.briefing.periods.contains { $0.text == "今年以来" && $0.start == "\(iso.prefix(4))-01-01" })
        }
    }

    @Test func publishTimeFromMetaTags() throws {
        for head in [
            "<meta name=\"PubDate\" content=\"2022-08-02 20:40\">",
            "<meta property=\"article:published_time\" content=\"2022-08-02T20:40:00+08:00\">",
            "<meta name=\"publishdate\" content=\"2022年08月02日\">",
        ] {
            let s = try run(page(title: "例行记者会_外交部", head: head, body: plainBody))
            #expect(s.briefing.date == "2022-08-02", "\(head)")
            #expect(s.briefing.dateSource == .meta, "\(head)")
            #expect(s.briefing.referenceYear == 2022)
        }
    }

    @Test func publishLineOfThePageOutsideTheArticle() throws {
        let headline = "国新办举行2023年上半年国民经济运行情况新闻发布会"
        let s = try run(
            page(
                title: headline + "-国务院新闻办公室网站",
                above:
                    "<div class=\"tit\">\(headline)</div><div class=\"info\">发布时间：2023-07-17 10:00 来源：国新网</div>",
                body: plainBody))
        #expect(s.briefing.title == headline)
        #expect(s.text.hasPrefix(headline + "\n"))
        #expect(s.briefing.date == "2023-07-17" && s.briefing.dateSource == .meta)
        // A hyphen inside a headline's date stays.
        #expect(HTMLHeadline.withoutSiteName("外交部例行记者会（2022-08-02）") == "外交部例行记者会（2022-08-02）")
    }

    @Test func publishLineAboveTheBody() throws {
        for line in ["2022-08-02 20:40", "发布时间：2022-08-02 20:40", "發佈日期：2022年8月2日"] {
            let s = try run(page(title: "例行记者会_外交部", body: "<p>\(line)</p>\n" + plainBody))
            #expect(s.briefing.date == "2022-08-02", "\(line)")
            #expect(s.briefing.dateSource == .text, "\(line)")
            #expect(s.briefing.referenceYearSource == .date)
        }
    }

    @Test func datelineInTheLead() throws {
        let text = """
            中国驻某国大使馆举行记者招待会
            当地时间2018年2月10日，驻某国大使在使馆举行记者招待会。
            记者：今年以来两国贸易情况如何？
            大使：今年以来双边贸易稳步增长。
            """
        let s = try run(text, file: "dateline.txt")
        #expect(s.briefing.date == "2018-02-10" && s.briefing.dateSource == .text)
        #expect(s.briefing.referenceYear == 2018)
    }

    @Test func dateInTheURLPath() throws {
        let s = try run(
            page(title: "外交部发言人主持例行记者会_外交部", body: plainBody),
            url: "https://www.mfa.gov.cn/fyrbt_673021/jzhsl_673025/202208/t20220802_10732122.shtml",
            lastModified: "Wed, 05 Oct 2022 09:00:00 GMT")
        #expect(s.briefing.date == "2022-08-02" && s.briefing.dateSource == .url)
        #expect(s.briefing.referenceYear == 2022 && s.briefing.referenceYearSource == .date)
    }

    @Test func markdownFrontMatterDate() throws {
        let md = """
            ---
            title: 例行記者會
            date: 2021-06-30
            ---
            # 例行記者會

            ### 發言人：
            今年以來，各項工作穩步推進。
            """
        let s = try run(md, file: "briefing.md")
        #expect(s.briefing.date == "2021-06-30" && s.briefing.dateSource == .meta)
        #expect(s.briefing.referenceYear == 2021)
    }

    @Test func feedItemDateThenLastModified() throws {
        let html = page(title: "例行记者会_外交部", body: plainBody)
        let url = "https://www.example.gov.cn/briefings/latest.html"
        // 2022-08-02T12:40:00Z
        let fromFeed = try run(
            html, url: url, lastModified: "Wed, 05 Oct 2022 09:00:00 GMT",
            feedItemDate: Timestamp(millisecondsSinceEpoch: 1_659_444_000_000))
        #expect(fromFeed.briefing.date == "2022-08-02" && fromFeed.briefing.dateSource == .feed)
        let fromHTTP = try run(html, url: url, lastModified: "Wed, 05 Oct 2022 09:00:00 GMT")
        #expect(fromHTTP.briefing.date == "2022-10-05" && fromHTTP.briefing.dateSource == .http)
        #expect(fromHTTP.briefing.referenceYear == 2022)
    }

    @Test func nothingStatesTheDate() throws {
        let s = try run(page(title: "例行记者会_外交部", body: plainBody))
        #expect(s.briefing.date == nil && s.briefing.dateSource == nil)
        // 1988, 1997 and 2012 are history, not the briefing's year.
        #expect(s.briefing.referenceYear == ingested.civilDate.year)
        #expect(s.briefing.referenceYearSource == .ingested)
    }

    @Test func bodyYearOnlyWhereTheTextSpeaksOfItAsTheCurrentYear() throws {
        let cases: [(String, Int?)] = [
            ("2023年以来，全市共破获案件1200起。2012年的数字是300起。", 2023),
            ("截至2023年8月，全市共有志愿者5万名。1997年时只有数百名。", 2023),
            ("今年是2023年，也是三年行动的收官之年。", 2023),
            ("1988年起，全市开始建设警务室，2012年基本建成。", nil),
        ]
        for (sentence, year) in cases {
            let text = "情况通报会\n发言人：\(sentence)今年以来各项工作稳步推进。\n"
            let (b, _) = extractBriefing(text)
            #expect(b.date == nil)
            if let year {
                #expect(b.referenceYear == year && b.referenceYearSource == .text, "\(sentence)")
            } else {
                #expect(b.referenceYear == 2026 && b.referenceYearSource == .ingested, "\(sentence)")
            }
        }
    }
}

@Test func snapshotsWithEveryNewFieldValidateAgainstTheSchema() throws {
    let inputs = [
        page(
            title: "2022年8月2日外交部发言人华春莹主持例行记者会_中华人民共和国外交部",
            body: """
                <p>华春莹：今天我没有要发布的消息。</p>
                <p>一）请问师生比例是否不得超过3：1？</p>
                <p>存储期限不得低于90天，将近19年来坚持不懈，服务48小时不间断，项目历时一年半，110多年前这里是一片荒地。</p>
                <p>全台約 800 萬人受惠，超過 300 萬元，13亿人口。</p>
                """),
        "例行记者会\n路透社记者：请问有何评论？\n华春莹：我们注意到有关报道。\n",
    ]
    let lines = try inputs.map { String(decoding: try run($0).jsonBytes(), as: UTF8.self) }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("extract-schema-\(UUID()).jsonl")
    try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    let result = try validateSnapshots([url.path])
    #expect(result.valid, "\(result.output)")
    // What the schema is asked to check is there.
    #expect(lines[0].contains("\"ratio_to\":1") && lines[0].contains("\"duration\":\"PT48H\""))
    #expect(lines[0].contains("\"number\":1") && lines[0].contains("\"date_source\":\"title\""))
    #expect(lines[1].contains("\"reference_year_source\":\"ingested\""))
}
