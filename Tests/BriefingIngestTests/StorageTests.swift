import BriefingCore
import Foundation
import TestSupport
import Testing

@testable import BriefingIngest

@Suite struct FileSystemTests {
    @Test func moveNeverOverwrites() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileSystem.makeDirectories(dir.file("a/b/c"))
        for i in 0..<3 {
            try "v\(i)".write(toFile: dir.file("in\(i)"), atomically: false, encoding: .utf8)
            try FileSystem.moveWithoutOverwriting(
                dir.file("in\(i)"), toDirectory: dir.file("a/b/c"), name: "report.final.txt")
        }
        #expect(
            filesUnder(dir.file("a/b/c")) == ["report.final-1.txt", "report.final-2.txt", "report.final.txt"])
        #expect(try String(contentsOfFile: dir.file("a/b/c/report.final.txt"), encoding: .utf8) == "v0")
        #expect(try String(contentsOfFile: dir.file("a/b/c/report.final-2.txt"), encoding: .utf8) == "v2")
        #expect(FileSystem.splitExtension(".hidden") == (".hidden", ""))
        #expect(FileSystem.splitExtension("noext") == ("noext", ""))
    }

    @Test func readRegularFileRefusesWhatIsNotOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "hello".write(toFile: dir.file("f"), atomically: false, encoding: .utf8)
        #expect(try FileSystem.readRegularFile(dir.file("f"), limit: 10) == Array("hello".utf8))
        symlink(dir.file("f"), dir.file("link"))
        mkdir(dir.file("d"), 0o755)
        #expect { try FileSystem.readRegularFile(dir.file("link"), limit: 10) } throws: {
            "\($0)" == "symlink"
        }
        #expect { try FileSystem.readRegularFile(dir.file("d"), limit: 10) } throws: {
            "\($0)".contains("directory")
        }
        #expect { try FileSystem.readRegularFile(dir.file("f"), limit: 4) } throws: {
            "\($0)".contains("tooLarge")
        }
    }
}

@Suite struct StateStoreTests {
    @Test func recordsSurviveReopenAndURLsTrackTheirLatest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        do {
            let state = try StateStore(directory: dir.path)
            try state.record([
                .init(
                    id: "aa", path: "2026-11-29/x-inbox-aa.json", source: "inbox", url: nil, ingestedAt: "t1"),
                .init(
                    id: "bb", path: "2026-11-29/x-site-bb.json", source: "site", url: "https://e.org/",
                    ingestedAt: "t2"),
            ])
            try state.setValidators(url: "https://e.org/", etag: "\"v1\"", lastModified: nil, at: "t3")
            try state.markItemSeen(source: "site", url: "https://e.org/1", at: "t4")
        }
        let state = try StateStore(directory: dir.path)
        #expect(try state.snapshotPath(id: "aa") == "2026-11-29/x-inbox-aa.json")
        #expect(try state.snapshotPath(id: "cc") == nil)
        #expect(
            try state.urlState("https://e.org/") == .init(etag: "\"v1\"", lastModified: nil, lastID: "bb"))
        #expect(try state.isItemSeen(source: "site", url: "https://e.org/1"))
        #expect(try !state.isItemSeen(source: "other", url: "https://e.org/1"))
        #expect(try state.snapshotCount() == 2)
    }

    @Test func garbageDatabaseIsReportedCorrupt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: dir.file(StateStore.fileName)))
        #expect { try StateStore(directory: dir.path) } throws: {
            if case .corrupt = $0 as? StateError { return true }
            return false
        }
    }
}

@Suite struct SnapshotStoreTests {
    func snapshot(_ text: String, at t: Timestamp) throws -> SnapshotStore.Pending {
        let s = try BriefingPipeline.process(
            Array(text.utf8), source: Source(kind: .inbox, name: "inbox"), ingestedAt: t)
        return SnapshotStore.Pending(snapshot: s, bytes: s.jsonBytes(), ingestedAt: t)
    }

    @Test func writeThenRecoverRepairsWhatACrashLeaves() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = SnapshotStore(root: dir.file("snapshots"))
        let state = try StateStore(directory: dir.path)
        let t = Timestamp(millisecondsSinceEpoch: 1_796_530_202_123)
        let a = try snapshot("标题\n问：一？\n答：二。", at: t)
        let b = try snapshot("标题\n问：三？\n答：四。", at: t)
        try store.write([a, b])
        #expect(filesUnder(store.root) == [a.relativePath, b.relativePath].sorted())
        #expect(a.relativePath.hasPrefix("2026-12-06/20261206T041002Z-inbox-"))

        // Crash aftermath: a recorded snapshot whose manifest line is torn, one never recorded, a temp file.
        let recordA = StateStore.SnapshotRecord(
            id: a.id, path: a.relativePath, source: "inbox", url: nil, ingestedAt: "x")
        try state.record([recordA])
        try store.appendManifest([recordA])
        let torn = "{\"id\":\"dead"
        try FileSystem.appendAndSync(store.manifestPath, Array(torn.utf8))
        try FileSystem.writeNewFile(store.root + "/2026-12-06/.tmp-half.json", [1, 2, 3], sync: false)

        let recovery = try store.recover(state: state)
        #expect(recovery.tempFilesRemoved == 1)
        #expect(recovery.tornManifestBytes == torn.utf8.count)
        #expect(recovery.snapshotsRecorded == 1)
        #expect(recovery.manifestLinesAdded == 1)
        #expect(try state.snapshotPath(id: b.id) == b.relativePath)
        let lines = try String(contentsOfFile: store.manifestPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(try store.manifestIDs() == [a.id, b.id])
        #expect(!filesUnder(store.root).contains { $0.contains(".tmp") })

        // A second recovery finds nothing to do.
        #expect(try store.recover(state: state) == SnapshotStore.Recovery())
    }
}

@Suite struct SettleTrackerTests {
    @Test func ignoredNames() {
        for name in [".x", ".x.txt", "a.tmp", "a.part", "a~"] { #expect(SettleTracker.isIgnored(name)) }
        for name in ["a.txt", "a.docx", "tmp", "part.txt", "~a"] { #expect(!SettleTracker.isIgnored(name)) }
    }

    @Test func fileIsTakenOnlyAfterItStopsChanging() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let start = ContinuousClock.now
        func at(_ ms: Int64) -> ContinuousClock.Instant { start + .milliseconds(ms) }
        var tracker = SettleTracker(directory: dir.path, settle: .milliseconds(100))
        try "one".write(toFile: dir.file("a.txt"), atomically: false, encoding: .utf8)
        tracker.completed("a.txt", now: at(0))
        #expect(tracker.takeReady(now: at(50), limit: 10).isEmpty)
        // Changed before the settle time ran out: must settle again.
        try "one two".write(toFile: dir.file("a.txt"), atomically: false, encoding: .utf8)
        #expect(tracker.takeReady(now: at(100), limit: 10).isEmpty)
        #expect(tracker.takeReady(now: at(250), limit: 10).map(\.name) == ["a.txt"])
        // In flight: events for it are ignored until finished.
        tracker.completed("a.txt", now: at(300))
        #expect(tracker.pendingCount == 0)
        tracker.finished("a.txt")

        // A writer that has not closed the file is waited for.
        try "partial".write(toFile: dir.file("b.txt"), atomically: false, encoding: .utf8)
        tracker.activity("b.txt", now: at(1000))
        #expect(tracker.takeReady(now: at(5000), limit: 10).isEmpty)
        tracker.completed("b.txt", now: at(6000))
        #expect(tracker.takeReady(now: at(6200), limit: 10).map(\.name) == ["b.txt"])
    }
}

@Suite struct JSONLogHandlerTests {
    @Test func linesAreJSONWithTypedFields() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("log")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var handler = JSONLogHandler(label: "t", level: LogLevelControl(.info), sink: LogSink(fd: fd))
        handler.metadata["pid"] = .stringConvertible(42)
        handler.log(
            event: .init(
                level: .warning, message: "input_failed",
                metadata: [
                    "file": "a \"b\"\n.txt", "duration_ms": .stringConvertible(7),
                    "ok": .stringConvertible(true),
                    "list": ["x", "y"], "name": "007", "flag": "true",
                ],
                source: "t",
                file: #fileID, function: #function, line: #line))
        close(fd)
        let line = try String(contentsOfFile: path, encoding: .utf8)
        #expect(line.hasSuffix("}\n"))
        #expect(line.split(separator: "\n").count == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(obj["event"] as? String == "input_failed")
        #expect(obj["level"] as? String == "warning")
        #expect(obj["file"] as? String == "a \"b\"\n.txt")
        #expect(obj["duration_ms"] as? Int == 7)
        #expect(obj["pid"] as? Int == 42)
        #expect(obj["ok"] as? Bool == true)
        #expect(obj["list"] as? [String] == ["x", "y"])
        // Strings stay strings, however much they look like numbers or booleans.
        #expect(obj["name"] as? String == "007")
        #expect(obj["flag"] as? String == "true")
        #expect((obj["ts"] as? String)?.hasSuffix("Z") == true)
    }
}
