import Foundation
import TestSupport
import Testing

/// `kind: feed` and `kind: index`: every listed briefing fetched once, oldest first.
struct PollListingEndToEndTests {
    static func rss(_ items: [Int]) -> String {
        // Newest first, as feeds are published.
        let entries = items.sorted(by: >).map { n in
            """
            <item><title>第\(n)次发布会</title><link>{base}/items/\(n).txt</link>
            <pubDate>\(String(format: "%02d", n)) Mar 2024 10:00:00 +0800</pubDate></item>
            """
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>新闻发布会</title><link>{base}/</link>
            \(entries.joined(separator: "\n"))
            </channel></rss>
            """
    }

    @Test func feedWithThreeItemsThenAFourth() throws {
        let server = try PollServer()
        for n in 1...4 {
            try server.file("\(n).txt", try PollContent.briefing("第\(n)条"))
            try server.route("/items/\(n).txt", ["body_file": "\(n).txt"])
        }
        try server.route(
            "/feed.xml",
            ["body": Self.rss([1, 2, 3]), "content_type": "application/rss+xml", "etag": "\"three\""])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([("feed", server.base + "/feed.xml", ["kind: feed"])]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                daemon.snapshotFiles().count == 3 && daemon.pollResults("feed").count >= 2
            })

        var docs = try daemon.snapshotsInOrder()
        let urls = { (docs: [[String: Any]]) in
            docs.map { ($0["source"] as? [String: Any])?["url"] as? String ?? "" }
        }
        #expect(urls(docs) == (1...3).map { server.base + "/items/\($0).txt" }, "oldest first")
        #expect(docs.allSatisfy { ($0["source"] as? [String: Any])?["name"] as? String == "feed" })
        #expect((docs[2]["text"] as? String)?.contains("第3条") == true)
        // The fixture states no date of its own: each briefing is dated by its feed item.
        let dates = docs.map { doc in
            (doc["briefing"] as? [String: Any]).map { "\($0["date"] ?? "") \($0["date_source"] ?? "")" }
        }
        #expect(dates == (1...3).map { "2024-03-0\($0) feed" })
        // Items are different briefings, not revisions of each other.
        #expect(docs.allSatisfy { ($0["revision"] as? [String: Any])?["supersedes"] is NSNull })
        #expect(Array(daemon.pollResults("feed").prefix(2)) == ["changed", "not_modified"])
        #expect(daemon.events("poll_finished", source: "feed").first?["new_items"] as? Int == 3)

        try server.route(
            "/feed.xml",
            ["body": Self.rss([1, 2, 3, 4]), "content_type": "application/rss+xml", "etag": "\"four\""])
        #expect(
            waitUntil(timeout: 15) {
                daemon.snapshotFiles().count == 4 && daemon.pollResults("feed").count >= 4
            })
        docs = try daemon.snapshotsInOrder()
        #expect(urls(docs).last == server.base + "/items/4.txt")
        #expect((docs.last?["text"] as? String)?.contains("第4条") == true)
        // Each item was fetched exactly once, however often the feed was polled.
        for n in 1...4 { #expect(server.requests("/items/\(n).txt").count == 1, "item \(n)") }
        let changedPoll = daemon.events("poll_finished", source: "feed").first {
            $0["new_items"] as? Int == 1
        }
        #expect(changedPoll?["result"] as? String == "changed")
        #expect(daemon.events("snapshot_written", source: "feed").count == 4)
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    @Test func feedWithAnEntityBombKeepsItsOtherItemsAndSaysItIsPartlyUnreadable() throws {
        let server = try PollServer()
        for n in 1...2 {
            try server.file("\(n).txt", try PollContent.briefing("第\(n)条"))
            try server.route("/items/\(n).txt", ["body_file": "\(n).txt"])
        }
        try server.route(
            "/feed.xml",
            ["body": entityBombFeed(base: "{base}"), "content_type": "application/rss+xml"])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([("bomb", server.base + "/feed.xml", ["kind: feed"])]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                daemon.snapshotFiles().count == 2 && !daemon.pollResults("bomb").isEmpty
            })
        let urls = try daemon.snapshotsInOrder().map {
            ($0["source"] as? [String: Any])?["url"] as? String ?? ""
        }
        #expect(urls == (1...2).map { server.base + "/items/\($0).txt" })
        let warning = daemon.events("listing_partly_unreadable", source: "bomb").first
        #expect(warning?["level"] as? String == "warning")
        #expect((warning?["problem"] as? String)?.contains("entities") == true)
        #expect(daemon.pollResults("bomb").first == "changed")
        #expect(daemon.stop() == 0)
    }

    @Test func indexPageLinksMatchingThePatternAreFetchedOnce() throws {
        let server = try PollServer()
        for n in 1...2 {
            try server.file("\(n).txt", try PollContent.briefing("索引第\(n)篇"))
            try server.route("/briefings/\(n).txt", ["body_file": "\(n).txt"])
        }
        try server.route("/about.txt", ["body": "about us"])
        let html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>新闻发布</title></head><body><ul>
            <li><a href="/briefings/2.txt">第二次新闻发布会</a></li>
            <li><a href="briefings/1.txt">第一次新闻发布会</a></li>
            <li><a href="/about.txt">关于</a></li><li><a href="/briefings/notes.html">说明</a></li>
            <li><a href="https://elsewhere.invalid/briefings/9.txt">外链</a></li>
            </ul></body></html>
            """
        try server.route("/", ["body": html, "content_type": "text/html; charset=utf-8"])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([
                (
                    "index", server.base + "/",
                    ["kind: index", "links: '^http://127\\.0\\.0\\.1:[0-9]+/briefings/[0-9]+\\.txt$'"]
                )
            ]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                daemon.snapshotFiles().count == 2 && daemon.pollResults("index").count >= 2
            })
        let docs = try daemon.snapshotsInOrder()
        let urls = docs.map { ($0["source"] as? [String: Any])?["url"] as? String ?? "" }
        #expect(urls == [server.base + "/briefings/1.txt", server.base + "/briefings/2.txt"])
        #expect((docs[0]["text"] as? String)?.contains("索引第1篇") == true)
        #expect(server.requests("/about.txt").isEmpty)
        #expect(server.requests("/briefings/notes.html").isEmpty)
        #expect(server.requests("/briefings/1.txt").count == 1)
        #expect(server.requests("/briefings/2.txt").count == 1)
        // Later polls find nothing new.
        let results = daemon.pollResults("index")
        #expect(results.first == "changed")
        #expect(results.dropFirst().allSatisfy { $0 == "unchanged" }, "\(results)")
        #expect(daemon.events("poll_finished", source: "index").last?["new_items"] as? Int == 0)
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }
}

/// The per-host limit on parallel requests, seen from the server.
struct PollConcurrencyEndToEndTests {
    @Test func newItemsAreFetchedAtMostTwoAtATimePerHostAndTakenInOrder() throws {
        let server = try PollServer()
        let count = 5
        for n in 1...count {
            try server.file("\(n).txt", try PollContent.briefing("并发第\(n)条"))
            // Each answer waits until a second item request is in flight (or none can come any
            // more), so two at a time is seen however slow the machine; the short delay after that
            // gives a third request, if the daemon sent one, time to arrive while both are open.
            try server.route(
                "/items/\(n).txt",
                [
                    "body_file": "\(n).txt", "group": "items", "together": 2, "group_total": count,
                    "delay": 0.3,
                ])
        }
        try server.route("/feed.xml", ["body": PollListingEndToEndTests.rss(Array(1...count))])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([("feed", server.base + "/feed.xml", ["kind: feed", "every: 1h"])]))
        try daemon.start()
        #expect(waitUntil(timeout: 120) { daemon.manifest().count == count }, "\(daemon.log())")
        // How many item requests the server had open when each arrived (counted up to the start of
        // the answer, so never longer than the daemon had it open).
        let inFlight = server.requests().filter { ($0["path"] as? String)?.hasPrefix("/items/") == true }
            .compactMap { $0["in_flight"] as? Int }
        try #require(inFlight.count == count)
        #expect(inFlight.allSatisfy { $0 <= 2 }, "three requests to one host at once: \(inFlight)")
        #expect(inFlight.contains(2), "items were fetched one at a time: \(inFlight)")
        let urls = try daemon.snapshotsInOrder().map {
            ($0["source"] as? [String: Any])?["url"] as? String ?? ""
        }
        #expect(urls == (1...count).map { server.base + "/items/\($0).txt" })
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }
}

/// An RSS feed with a billion-laughs entity used by its newest item, beside two ordinary items.
func entityBombFeed(base: String) -> String {
    let levels = (1...9).map { k in
        "<!ENTITY lol\(k) \"" + String(repeating: "&lol\(k - 1);", count: 10) + "\">"
    }
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE rss [<!ENTITY lol0 "lol">\(levels.joined(separator: "\n"))]>
        <rss version="2.0"><channel><title>新闻发布会</title>
        <item><title>&lol9;</title><link>&lol9;</link></item>
        <item><title>第2次</title><link>\(base)/items/2.txt</link><pubDate>02 Mar 2024 10:00:00 +0800</pubDate></item>
        <item><title>第1次</title><link>\(base)/items/1.txt</link><pubDate>01 Mar 2024 10:00:00 +0800</pubDate></item>
        </channel></rss>
        """
}
