import Foundation
import TestSupport
import Testing

/// Pages written by the real daemon and by `briefingd render`.
@Suite(.serialized) struct PagesEndToEndTests {
    @Test func daemonWritesThePageDigestAndIndexAfterTheSnapshot() throws {
        let daemon = try DaemonProcess()
        defer { daemon.root.remove() }
        try daemon.start()
        try daemon.drop(try Paths.fixtureBytes(), as: "briefing.txt")
        #expect(waitUntil { daemon.snapshotFiles().count == 1 })
        let snapshot = try #require(daemon.snapshotFiles().first)
        let day = String(snapshot.prefix(10))
        let page = String(snapshot.dropLast(5)) + ".html"
        #expect(
            waitUntil {
                let files = filesUnder(daemon.snapshots)
                return files.contains(page) && files.contains(day + "/index.html")
                    && files.contains("index.html")
            })
        // Written after the manifest line: by then the manifest names the snapshot.
        #expect(daemon.manifest().first?["path"] as? String == snapshot)
        let html = try String(contentsOfFile: daemon.snapshots + "/" + page, encoding: .utf8)
        let id = try #require(try daemon.snapshot(snapshot)["id"] as? String)
        #expect(html.contains(id))
        #expect(html.contains("href=\"\((snapshot as NSString).lastPathComponent)\""))
        let digest = try String(contentsOfFile: daemon.snapshots + "/" + day + "/index.html", encoding: .utf8)
        #expect(digest.contains("href=\"\((page as NSString).lastPathComponent)\""))
        #expect(!filesUnder(daemon.snapshots).contains { $0.contains("/.page-") })
        #expect(daemon.stop() == 0)
    }

    @Test func pagesOffWritesNoneAndRenderAllBuildsThemLater() throws {
        let daemon = try DaemonProcess(extraYAML: "pages:\n  enabled: false")
        defer { daemon.root.remove() }
        let checked = try runBriefingd(["check-config", "--config", daemon.configPath])
        #expect(checked.stdout.contains("pages:\n  enabled: false"))
        try daemon.start()
        try daemon.drop(try Paths.fixtureBytes(), as: "one.txt")
        try daemon.drop(Array(PagesEndToEndTests.second.utf8), as: "two.txt")
        #expect(
            waitUntil { daemon.snapshotFiles().count == 2 && daemon.events("snapshot_written").count == 2 })
        #expect(daemon.stop() == 0)
        // The daemon has stopped: had it been writing pages, they would be there.
        #expect(!filesUnder(daemon.snapshots).contains { $0.hasSuffix(".html") })

        // A snapshot that cannot be read is reported; the others still get their pages.
        let day = String(daemon.snapshotFiles()[0].prefix(10))
        let broken = daemon.snapshots + "/" + day + "/20000101T000000Z-inbox-000000000000.json"
        try Data("{\"schema\":".utf8).write(to: URL(fileURLWithPath: broken))
        let render = try runBriefingd(["render", "--all", "--config", daemon.configPath])
        #expect(render.status == 1)
        #expect(render.stderr.contains("20000101T000000Z-inbox-000000000000.json"))
        #expect(render.stdout.contains("rendered 2 pages and 1 day digests"))
        try FileManager.default.removeItem(atPath: broken)
        for snapshot in daemon.snapshotFiles() {
            #expect(
                FileManager.default.fileExists(
                    atPath: daemon.snapshots + "/" + String(snapshot.dropLast(5)) + ".html"))
        }
        #expect(FileManager.default.fileExists(atPath: daemon.snapshots + "/" + day + "/index.html"))
        #expect(FileManager.default.fileExists(atPath: daemon.snapshots + "/index.html"))

        // One snapshot by name: its page is written again.
        let one = daemon.snapshotFiles()[0]
        let page = daemon.snapshots + "/" + String(one.dropLast(5)) + ".html"
        try FileManager.default.removeItem(atPath: page)
        let single = try runBriefingd(["render", daemon.snapshots + "/" + one])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(FileManager.default.fileExists(atPath: page))

        let neither = try runBriefingd(["render"])
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("either snapshot files or --all"))
    }

    @Test func aPageThatCannotBeWrittenHoldsUpNoSnapshot() throws {
        let daemon = try DaemonProcess()
        defer { daemon.root.remove() }
        // A folder where the index of days goes: that page cannot be written, even as root.
        try FileManager.default.createDirectory(
            atPath: daemon.snapshots + "/index.html/blocked", withIntermediateDirectories: true)
        try daemon.start()
        try daemon.drop(try Paths.fixtureBytes(), as: "one.txt")
        try daemon.drop(Array(Self.second.utf8), as: "two.txt")
        #expect(waitUntil { daemon.snapshotFiles().count == 2 && daemon.manifest().count == 2 })
        #expect(waitUntil { !daemon.events("page_failed").isEmpty })
        let failure = try #require(daemon.events("page_failed").first)
        #expect((failure["error"] as? String)?.contains("index.html") == true)
        // The snapshots' own pages are there all the same, and the inputs were archived.
        #expect(
            waitUntil {
                daemon.snapshotFiles().allSatisfy {
                    FileManager.default.fileExists(
                        atPath: daemon.snapshots + "/" + String($0.dropLast(5)) + ".html")
                }
            })
        #expect(filesUnder(daemon.archive).count == 2)
        #expect(daemon.stop() == 0)
    }

    static let second = """
        区政府新闻发布会答记者问
        区融媒体中心记者：请问今年以来全区破获电信诈骗案件多少起？
        区公安分局局长赵刚：今年以来，全区共破获电信诈骗案件320起，同比上升6.5%，挽回群众损失约1200万元。
        """
}
