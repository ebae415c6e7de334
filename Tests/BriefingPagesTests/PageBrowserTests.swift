import BriefingCore
import BriefingPages
import Foundation
import TestSupport
import Testing

/// The pages in headless Chromium (scripts/check_pages.py): opened from file:// with no console
/// error and no request, counts as in the snapshot, markup shown as text, nothing wider than the
/// screen at 1280 and 360 px, and a strict HTML5 parse. Screenshots of the fixture's page and its
/// day digest go to .build/page-screenshots for people to look at.
@Suite struct PageBrowserTests {
    @Test func pagesPassTheBrowserChecks() throws {
        let dir = try TemporaryDirectory("pages-browser")
        defer { dir.remove() }
        let fixture = try PageTranscripts.fixtureSnapshot()
        let paths = try writeSnapshots(
            [
                (fixture, "2026-11-29", "20261129T041002Z"),
                (try PageTranscripts.snapshot(PageTranscripts.escaping), "2026-11-29", "20261129T050000Z"),
                (try PageTranscripts.snapshot(PageTranscripts.traditional), "2026-11-29", "20261129T060000Z"),
                (
                    try PageTranscripts.snapshot(
                        PageTranscripts.remarksAndPoints,
                        source: Source(
                            kind: .url, name: "province", url: "https://example.org/press/2024/0701.html")),
                    "2026-11-28", "20261128T070000Z"
                ),
            ], under: dir.path)
        let result = PageSite(root: dir.path, renderer: try PageRenderer()).rebuildAll()
        #expect(result.failures.isEmpty)
        #expect(result.pages == 4)

        let pages = paths.map { String($0.dropLast(5)) + ".html" }
        let fixturePage = pages[0]
        let digest = dir.file("2026-11-29/index.html")
        let screenshots = Paths.repository.appendingPathComponent(".build/page-screenshots").path
        var arguments = [Paths.repository.appendingPathComponent("scripts/check_pages.py").path]
        for text in PageTranscripts.escapingTexts { arguments += ["--expect", pages[1], text] }
        arguments += ["--screenshots", screenshots, "--shoot", fixturePage, "--shoot", digest]
        arguments += pages + [digest, dir.file("2026-11-28/index.html"), dir.file("index.html")]
        let check = try runTool("/usr/bin/env", ["python3"] + arguments)
        #expect(check.status == 0, "\(check.output)")

        // Each page was checked, and the escaping page's counts came from its snapshot.
        let lines = check.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count == pages.count + 3)
        let first = try #require(lines.first)
        #expect(first["figures"] as? Int == fixture.briefing.figures.count)
        #expect(first["bars"] as? Int == fixture.briefing.changes.count)
        #expect(first["exchanges"] as? Int == fixture.briefing.exchanges.count)
        #expect(lines[2]["lang"] as? String == "zh-Hant")
        for width in [1280, 360] {
            #expect(
                FileManager.default.fileExists(
                    atPath:
                        "\(screenshots)/2026-11-29-20261129T041002Z-inbox-\(fixture.shortID)-\(width)-top.png"
                ))
            #expect(
                FileManager.default.fileExists(atPath: "\(screenshots)/2026-11-29-index-\(width)-full.png"))
        }
    }
}
