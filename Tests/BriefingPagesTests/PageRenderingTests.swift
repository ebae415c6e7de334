import BriefingCore
import BriefingPages
import Foundation
import TestSupport
import Testing

/// The page of one snapshot, read as HTML text.
@Suite struct PageRenderingTests {
    @Test func fixturePageMarksEveryExchangeFigureAndChange() throws {
        let snapshot = try PageTranscripts.fixtureSnapshot()
        let html = try PageTranscripts.page(snapshot)
        let b = snapshot.briefing
        #expect(count("<section class=\"exchange\"", in: html) == b.exchanges.count)
        #expect(count("<data class=\"fig\"", in: html) == b.figures.count)
        #expect(count("<svg class=\"bar\"", in: html) == b.changes.count)
        #expect(count("<time class=\"period\"", in: html) == b.periods.count)
        // Anchors q1… and a table of contents linking to each.
        for n in 1...b.exchanges.count {
            #expect(html.contains("id=\"q\(n)\""))
            #expect(html.contains("href=\"#q\(n)\""))
        }
        // Every speaker in the table, with the parts the extractor found.
        for speaker in b.speakers {
            #expect(html.contains(speaker.name ?? speaker.outlet ?? speaker.label))
        }
        #expect(html.contains("<html lang=\"zh-Hans\">"))
        #expect(html.contains("nmg-public-security-briefing.txt"))
        #expect(html.contains("href=\"test.json\""))
        #expect(html.contains("<time datetime=\"\(snapshot.ingestedAt)\">"))
        // The bookmark marker the normalizer removed is named in the footer.
        #expect(html.contains("删除书签标记"))
        #expect(html.contains("[bookmark: _GoBack]"))
        // Named items link back to where they occur.
        let firstNamed = try #require(b.named.first)
        #expect(html.contains("<span class=\"named named-\(firstNamed.kind.rawValue)\" id=\"n1\">"))
        #expect(html.contains("href=\"#n1\""))
        // Numbered points show their marker.
        #expect(count("<strong class=\"marker\">", in: html) == b.points.count)
        // Nothing loaded from elsewhere.
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
    }

    @Test func figureCarriesValueUnitQualifierAndSubject() throws {
        let snapshot = try PageTranscripts.fixtureSnapshot()
        let html = try PageTranscripts.page(snapshot)
        let (i, figure) = try #require(
            snapshot.briefing.figures.enumerated().first { $0.element.text == "6100余个" })
        #expect(html.contains("<data class=\"fig\" id=\"f\(i + 1)\" value=\"6100\" tabindex=\"0\""))
        let tip = try #require(html.range(of: "id=\"f\(i + 1)-tip\" role=\"tooltip\">"))
        let tipText = html[tip.upperBound...].prefix(80)
        #expect(tipText.contains("6100 个"))
        #expect(tipText.contains("以上"))
        #expect(tipText.contains(try #require(figure.subject)))
    }

    @Test func markupInTheTranscriptIsEscaped() throws {
        let snapshot = try PageTranscripts.snapshot(PageTranscripts.escaping)
        let html = try PageTranscripts.page(snapshot)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func languageFollowsTheScript() throws {
        let hant = try PageTranscripts.page(PageTranscripts.snapshot(PageTranscripts.traditional))
        #expect(hant.contains("<html lang=\"zh-Hant\">"))
        let hans = try PageTranscripts.page(PageTranscripts.snapshot(PageTranscripts.remarksAndPoints))
        #expect(hans.contains("<html lang=\"zh-Hans\">"))
        #expect(ScriptVariant.detect("這個問題") == .traditional)
        #expect(ScriptVariant.detect("这个问题") == .simplified)
    }

    @Test func remarksStayInPlaceAndPointsStartTheirLines() throws {
        let snapshot = try PageTranscripts.snapshot(PageTranscripts.remarksAndPoints)
        let html = try PageTranscripts.page(snapshot)
        let welcome = try #require(html.range(of: "欢迎参加今天的新闻发布会"))
        let firstExchange = try #require(html.range(of: "<section class=\"exchange\" id=\"q1\""))
        let secondExchange = try #require(html.range(of: "<section class=\"exchange\" id=\"q2\""))
        let closing = try #require(html.range(of: "今天的发布会到此结束"))
        #expect(welcome.lowerBound < firstExchange.lowerBound)
        #expect(secondExchange.lowerBound < closing.lowerBound)
        #expect(count("class=\"point level1\"", in: html) == snapshot.briefing.points.count)
        #expect(html.contains("文件与法规"))
    }

    @Test func urlSourceIsALinkAndDateShowsWhereItCameFrom() throws {
        var snapshot = try PageTranscripts.snapshot(
            PageTranscripts.traditional,
            source: Source(kind: .url, name: "press", url: "https://example.org/a?x=1&y=\"2\""))
        snapshot.briefing.date = "2024-07-01"
        var json = try JSONSerialization.jsonObject(with: Data(snapshot.jsonBytes())) as! [String: Any]
        var briefing = json["briefing"] as! [String: Any]
        briefing["date_source"] = "title"
        json["briefing"] = briefing
        let document = try PageSnapshot.decode(
            try JSONSerialization.data(withJSONObject: json), path: "x.json")
        let html = try PageRenderer().page(document, jsonName: "x.json")
        #expect(html.contains("<a href=\"https://example.org/a?x=1&amp;y=&quot;2&quot;\""))
        #expect(html.contains("<time datetime=\"2024-07-01\">2024-07-01</time>（见于标题）"))
    }

    @Test func aFileThatIsNotASnapshotIsNamedInTheError() throws {
        #expect(throws: PageSnapshotError.self) {
            try PageSnapshot.decode(Array("{\"id\": 3}".utf8), path: "/x/bad.json")
        }
        do {
            _ = try PageSnapshot.decode(Array("{\"id\": \"a\"}".utf8), path: "/x/bad.json")
            Issue.record("decoded a document without the snapshot's fields")
        } catch {
            #expect(error.description.contains("/x/bad.json"))
            #expect(error.description.contains("missing"))
        }
    }
}
