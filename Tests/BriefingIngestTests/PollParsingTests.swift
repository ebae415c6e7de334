import Foundation
import Testing

@testable import BriefingIngest

/// Feed and index parsing, link resolution, headers files: the pure parts of polling.
struct PollParsingTests {
    @Test func rssItemsComeOldestFirstByDate() throws {
        let rss = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
              <title>发布会</title><atom:link href="https://example.org/feed.xml" rel="self"/>
              <item><title>B</title><link>https://example.org/b.html</link><pubDate>Tue, 02 Jan 2024 10:00:00 +0800</pubDate></item>
              <item><title>C</title><link>/c.html#top</link><pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate></item>
              <item><title>A</title><guid>https://example.org/a.html</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate></item>
              <item><title>no link</title><guid isPermaLink="false">tag:1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate></item>
            </channel></rss>
            """
        let items = try FeedParser.items(Array(rss.utf8), url: "https://example.org/feed.xml")
        #expect(
            items.map(\.url) == [
                "https://example.org/a.html", "https://example.org/b.html", "https://example.org/c.html",
            ])
        #expect(items.allSatisfy { $0.date != nil })
    }

    @Test func atomEntriesUseAlternateLinksAndDocumentOrderWithoutDates() throws {
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
              <entry><link rel="edit" href="/edit/2"/><link href="2.txt"/></entry>
              <entry><link rel="alternate" href="https://other.example/1.txt"/></entry>
            </feed>
            """
        let items = try FeedParser.items(Array(atom.utf8), url: "http://example.org/news/feed.atom")
        // Newest first in the document, so reversed.
        #expect(items.map(\.url) == ["https://other.example/1.txt", "http://example.org/news/2.txt"])
    }

    @Test func entityBombInOneItemLeavesTheOtherItemsAndIsReported() throws {
        // Nine levels of ten references each: a billion "lol"s if libxml2 expanded them.
        let levels = (1...9).map { k in
            "<!ENTITY lol\(k) \"" + String(repeating: "&lol\(k - 1);", count: 10) + "\">"
        }
        let rss = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE rss [<!ENTITY lol0 "lol">\(levels.joined(separator: "\n"))]>
            <rss version="2.0"><channel><title>t</title>
            <item><title>&lol9;</title><link>https://example.org/&lol9;</link></item>
            <item><link>https://example.org/2.html</link></item>
            <item><link>https://example.org/1.html</link></item>
            </channel></rss>
            """
        let listing = try FeedParser.read(Array(rss.utf8), url: "https://example.org/feed.xml")
        // The bomb's link reads without the entity (here the site's home page); the others are kept.
        #expect(
            listing.items.map(\.url) == [
                "https://example.org/1.html", "https://example.org/2.html", "https://example.org/",
            ])
        #expect(!listing.items.contains { $0.url.contains("lol") })
        #expect(listing.problems.count == 1)
        #expect(listing.problems.first?.contains("declares 10 entities") == true)
        // A feed without declarations reports nothing.
        let plain = try FeedParser.read(
            Array("<rss><channel><item><link>https://example.org/1.html</link></item></channel></rss>".utf8),
            url: "https://example.org/feed.xml")
        #expect(plain.problems.isEmpty)
        #expect(plain.items.count == 1)
    }

    @Test func somethingThatIsNotAFeedIsAnErrorNamingTheURL() {
        #expect(throws: ListingError.self) {
            try FeedParser.items(Array("<html><body>hi</body></html>".utf8), url: "http://x.example/f")
        }
        do {
            _ = try FeedParser.items(Array("<html><body>hi</body></html>".utf8), url: "http://x.example/f")
        } catch {
            #expect(error.description.contains("http://x.example/f"))
            #expect(error.description.contains("kind: index") || error.description.contains("neither RSS"))
        }
    }

    @Test func indexLinksAreResolvedFilteredAndDeduplicated() throws {
        let html = """
            <html><head><meta charset="utf-8"><title>列表</title></head><body>
            <a href="/briefings/2024-03.txt">三月</a>
            <a href="briefings/2024-02.txt#x">二月</a>
            <a href="https://example.org/briefings/2024-03.txt">again</a>
            <a href="/about.html">about</a><a href="mailto:press@example.org">mail</a>
            <a href="file:///etc/passwd">file</a><a href="javascript:void(0)">js</a>
            <a href="/briefings/发布会.txt">中文</a>
            </body></html>
            """
        let links = try IndexPage.links(
            Array(html.utf8), url: "https://example.org/list/", charset: "utf-8",
            pattern: "/briefings/.*\\.txt$")
        #expect(
            links.map(\.url) == [
                "https://example.org/briefings/%E5%8F%91%E5%B8%83%E4%BC%9A.txt",
                "https://example.org/list/briefings/2024-02.txt",
                "https://example.org/briefings/2024-03.txt",
            ])
    }

    @Test func baseElementChangesResolution() throws {
        let html =
            #"<html><head><base href="https://cdn.example/b/"></head><body><a href="x.txt">x</a></body></html>"#
        let links = try IndexPage.links(
            Array(html.utf8), url: "https://example.org/", charset: nil, pattern: "x")
        #expect(links.map(\.url) == ["https://cdn.example/b/x.txt"])
    }

    @Test func linkResolverKeepsOnlyHTTP() {
        #expect(LinkResolver.absolute("ftp://a/b", base: "http://h/") == nil)
        #expect(LinkResolver.absolute("//cdn.example/p", base: "https://h/") == "https://cdn.example/p")
        #expect(LinkResolver.absolute("../up?q=1", base: "http://h/a/b/") == "http://h/a/up?q=1")
    }

    @Test func headersFileParsesNamesAndRejectsBadLinesWithoutShowingValues() throws {
        let headers = try HeaderFile.parse(
            "# token\nAuthorization: Bearer s3cret\n\nX-Key:  v  \n", path: "/h")
        #expect(
            headers == [
                HTTPHeader(name: "Authorization", value: "Bearer s3cret"),
                HTTPHeader(name: "X-Key", value: "v"),
            ])
        do {
            _ = try HeaderFile.parse("Authorization Bearer s3cret\n", path: "/h")
            Issue.record("a line without a colon was accepted")
        } catch {
            #expect(error.description.contains("line 1"))
            #expect(!error.description.contains("s3cret"))
        }
        #expect(throws: HeaderFileError.self) { try HeaderFile.parse("Bad Name: x\n", path: "/h") }
        #expect(throws: HeaderFileError.self) { try HeaderFile.read("/nonexistent/headers") }
    }

    @Test func redirectChecksRefuseOtherSchemesAndDowngrades() {
        #expect(throws: HTTPError.self) {
            try CurlTransfer.checkRedirect(from: "http://a/", to: "file:///etc/passwd")
        }
        #expect(throws: HTTPError.self) {
            try CurlTransfer.checkRedirect(from: "https://a/", to: "http://a/")
        }
        #expect(throws: HTTPError.self) {
            try CurlTransfer.checkRedirect(from: "http://a/", to: "gopher://a/")
        }
        #expect(throws: Never.self) { try CurlTransfer.checkRedirect(from: "http://a/", to: "https://b/") }
        #expect(throws: Never.self) { try CurlTransfer.checkRedirect(from: "https://a/", to: "HTTPS://b/") }
    }

    @Test func contentTypeCharsetIsExtracted() {
        func response(_ ct: String?) -> HTTPResponse {
            HTTPResponse(
                status: 200, finalURL: "http://h/", contentType: ct, body: [], wireBytes: 0, requests: 1)
        }
        #expect(response("text/html; charset=GBK").charset == "GBK")
        #expect(response("text/plain;Charset=\"utf-8\"").charset == "utf-8")
        #expect(response("text/plain").charset == nil)
        #expect(response(nil).charset == nil)
    }
}

extension PollParsingTests {
    @Test func fileNameHintIsTheLastPathComponent() {
        #expect(SourcePoller.fileName("https://example.org/press/2024/briefing.html?x=1") == "briefing.html")
        #expect(SourcePoller.fileName("https://example.org/%E5%8F%91%E5%B8%83.txt") == "发布.txt")
        #expect(SourcePoller.fileName("https://example.org/") == nil)
        #expect(SourcePoller.fileName("https://example.org") == nil)
    }
}
