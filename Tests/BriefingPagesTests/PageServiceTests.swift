import BriefingCore
import BriefingIngest
import BriefingPages
import Foundation
import Logging
import TestSupport
import Testing

/// The daemon's page service: pages follow the snapshots handed over, a failure is tried again.
@Suite struct PageServiceTests {
    @Test func aPageThatFailedIsWrittenOnceTheCauseIsGone() async throws {
        let dir = try TemporaryDirectory("pages-service")
        defer { dir.remove() }
        let paths = try writeSnapshots(
            [(try PageTranscripts.snapshot(PageTranscripts.traditional), "2026-11-29", "20261129T010000Z")],
            under: dir.path)
        let relative = String(paths[0].dropFirst(dir.path.count + 1))
        let page = String(paths[0].dropLast(5)) + ".html"
        try FileManager.default.createDirectory(atPath: page + "/blocked", withIntermediateDirectories: true)

        let service = try #require(PageService(root: dir.path, logger: Logger(label: "test")))
        let running = Task { await service.run() }
        service.snapshotsWritten([relative])
        // The day digest and index are written even though the page is blocked.
        #expect(
            await eventually { FileManager.default.fileExists(atPath: dir.file("2026-11-29/index.html")) })
        #expect(isFolder(page) == true)

        try FileManager.default.removeItem(atPath: page)
        // The first retry comes a second after the failure.
        #expect(
            await eventually { isFolder(page) == false })
        service.finish()
        await running.value
    }

    @Test func snapshotsWithoutAPageAreCaughtUpAtStart() async throws {
        let dir = try TemporaryDirectory("pages-catchup")
        defer { dir.remove() }
        let paths = try writeSnapshots(
            [
                (try PageTranscripts.snapshot(PageTranscripts.traditional), "2026-11-28", "20261128T010000Z"),
                (try PageTranscripts.snapshot(PageTranscripts.escaping), "2026-11-29", "20261129T010000Z"),
            ], under: dir.path)
        let service = try #require(PageService(root: dir.path, logger: Logger(label: "test")))
        let running = Task { await service.run() }
        #expect(
            await eventually {
                paths.allSatisfy { FileManager.default.fileExists(atPath: String($0.dropLast(5)) + ".html") }
            })
        // The digests follow the pages.
        #expect(await eventually { FileManager.default.fileExists(atPath: dir.file("index.html")) })
        service.finish()
        await running.value
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass (generous: the page thread runs at low priority and other tests may keep the cores busy).
func eventually(timeout: Double = 90, _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// True for a folder, false for a file, nil when nothing is at `path`.
func isFolder(_ path: String) -> Bool? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
    return isDirectory.boolValue
}
