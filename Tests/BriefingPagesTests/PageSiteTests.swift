import BriefingCore
import BriefingPages
import Foundation
import TestSupport
import Testing

/// Pages, digests and the index as files in a snapshot folder.
@Suite struct PageSiteTests {
    @Test func updateWritesPageDigestAndIndexBesideTheSnapshots() throws {
        let dir = try TemporaryDirectory("pages-site")
        defer { dir.remove() }
        let fixture = try PageTranscripts.fixtureSnapshot()
        let other = try PageTranscripts.snapshot(PageTranscripts.remarksAndPoints)
        let paths = try writeSnapshots(
            [(fixture, "2026-11-28", "20261128T080000Z"), (other, "2026-11-29", "20261129T090000Z")],
            under: dir.path)
        let site = PageSite(root: dir.path, renderer: try PageRenderer())
        let failures = site.update(paths.map { String($0.dropFirst(dir.path.count + 1)) })
        #expect(failures.isEmpty)
        let files = filesUnder(dir.path)
        #expect(files.contains("2026-11-28/20261128T080000Z-inbox-\(fixture.shortID).html"))
        #expect(files.contains("2026-11-29/20261129T090000Z-inbox-\(other.shortID).html"))
        #expect(files.contains("2026-11-28/index.html"))
        #expect(files.contains("2026-11-29/index.html"))
        #expect(files.contains("index.html"))
        #expect(!files.contains { $0.contains(".page-") }, "no temporary file is left behind")

        // Days newest first, each with its count.
        let index = try String(contentsOfFile: dir.file("index.html"), encoding: .utf8)
        let newer = try #require(index.range(of: "2026-11-29/index.html"))
        let older = try #require(index.range(of: "2026-11-28/index.html"))
        #expect(newer.lowerBound < older.lowerBound)
        #expect(index.contains("共 2 场"))

        // The digest lists the briefing with its title, source, officials and changed figures.
        let digest = try String(contentsOfFile: dir.file("2026-11-28/index.html"), encoding: .utf8)
        #expect(digest.contains("href=\"20261128T080000Z-inbox-\(fixture.shortID).html\""))
        #expect(digest.contains(fixture.briefing.title!))
        #expect(digest.contains("nmg-public-security-briefing.txt"))
        #expect(digest.contains("杨义"))
        #expect(count("<svg class=\"bar\"", in: digest) > 0)
        #expect(digest.contains("同比下降19.27%"))
    }

    @Test func aSecondSnapshotOfTheDayJoinsTheDigest() throws {
        let dir = try TemporaryDirectory("pages-day")
        defer { dir.remove() }
        let site = PageSite(root: dir.path, renderer: try PageRenderer())
        let first = try PageTranscripts.snapshot(PageTranscripts.traditional)
        let second = try PageTranscripts.snapshot(PageTranscripts.escaping)
        let p1 = try writeSnapshots([(first, "2026-11-29", "20261129T010000Z")], under: dir.path)
        #expect(site.update(p1.map { String($0.dropFirst(dir.path.count + 1)) }).isEmpty)
        var digest = try String(contentsOfFile: dir.file("2026-11-29/index.html"), encoding: .utf8)
        #expect(digest.contains("共 1 场"))
        let p2 = try writeSnapshots([(second, "2026-11-29", "20261129T020000Z")], under: dir.path)
        #expect(site.update(p2.map { String($0.dropFirst(dir.path.count + 1)) }).isEmpty)
        digest = try String(contentsOfFile: dir.file("2026-11-29/index.html"), encoding: .utf8)
        #expect(digest.contains("共 2 场"))
        #expect(digest.contains(first.briefing.title!))
        #expect(digest.contains(second.briefing.title!))
        let index = try String(contentsOfFile: dir.file("index.html"), encoding: .utf8)
        #expect(index.contains("2 场"))
    }

    @Test func rebuildAllRewritesLostPagesAndReportsUnreadableSnapshots() throws {
        let dir = try TemporaryDirectory("pages-rebuild")
        defer { dir.remove() }
        let paths = try writeSnapshots(
            [(try PageTranscripts.snapshot(PageTranscripts.traditional), "2026-11-29", "20261129T010000Z")],
            under: dir.path)
        try Data("{\"schema\": \"briefing-snapshot/1\", \"id\": ".utf8).write(
            to: URL(fileURLWithPath: dir.file("2026-11-29/20261129T020000Z-inbox-000000000000.json")))
        try Data("half".utf8).write(to: URL(fileURLWithPath: dir.file("2026-11-29/.page-index.html")))
        let site = PageSite(root: dir.path, renderer: try PageRenderer())
        let result = site.rebuildAll()
        #expect(result.pages == 1)
        #expect(result.days == 1)
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.path == "2026-11-29/20261129T020000Z-inbox-000000000000.json")
        #expect(result.failures.first?.error.description.contains("render --all") == true)
        let page = String(paths[0].dropLast(5)) + ".html"
        #expect(FileManager.default.fileExists(atPath: page))
        #expect(!FileManager.default.fileExists(atPath: dir.file("2026-11-29/.page-index.html")))
        // The readable snapshot is in the digest; the broken one is not counted.
        let index = try String(contentsOfFile: dir.file("index.html"), encoding: .utf8)
        #expect(index.contains("共 2 场") == false)
    }

    @Test func aPageThatCannotBeWrittenIsReportedAndTheOldOneStays() throws {
        let dir = try TemporaryDirectory("pages-fail")
        defer { dir.remove() }
        let paths = try writeSnapshots(
            [(try PageTranscripts.snapshot(PageTranscripts.traditional), "2026-11-29", "20261129T010000Z")],
            under: dir.path)
        // A folder where the page should go: the rename cannot replace it (even as root).
        let page = String(paths[0].dropLast(5)) + ".html"
        try FileManager.default.createDirectory(atPath: page + "/blocked", withIntermediateDirectories: true)
        let site = PageSite(root: dir.path, renderer: try PageRenderer())
        let failures = site.update([String(paths[0].dropFirst(dir.path.count + 1))])
        #expect(failures.count == 1)
        #expect(failures.first?.error.description.contains(page) == true)
        #expect(!filesUnder(dir.path).contains { $0.contains(".page-") })
    }
}
