import Foundation
import TestSupport
import Testing

/// The daemon as a user runs it: a real process, a real inbox, real files.
@Suite(.serialized) struct InboxEndToEndTests {
    @Test func droppedBriefingBecomesOneDurableSnapshot() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let fixture = try Paths.fixtureBytes()
        let dropped = Date()
        try daemon.drop(fixture, as: "briefing.txt")

        #expect(
            waitUntil { daemon.snapshotFiles().count == 1 && daemon.events("snapshot_written").count == 1 })
        let files = daemon.snapshotFiles()
        try #require(files.count == 1)
        // YYYY-MM-DD/YYYYMMDDTHHMMSSZ-inbox-<id12>.json, dated by UTC ingestion.
        let path = files[0]
        let parts = path.split(separator: "/")
        #expect(parts.count == 2)
        #expect(parts[0].count == 10)
        #expect(parts[1].hasSuffix(".json") && parts[1].contains("Z-inbox-"))
        let doc = try daemon.snapshot(path)
        let id = try #require(doc["id"] as? String)
        #expect(parts[1].hasSuffix("-\(id.prefix(12)).json"))
        #expect(doc["schema"] as? String == "briefing-snapshot/1")
        let source = try #require(doc["source"] as? [String: Any])
        #expect(source["kind"] as? String == "inbox")
        #expect(source["name"] as? String == "inbox")
        let input = try #require(doc["input"] as? [String: Any])
        #expect(input["bytes"] as? Int == fixture.count)
        let briefing = try #require(doc["briefing"] as? [String: Any])
        #expect(briefing["title"] as? String == "新闻发布会答记者问")
        #expect((briefing["turns"] as? [Any])?.count == 12)
        #expect((briefing["exchanges"] as? [Any])?.count == 6)
        let text = try #require(doc["text"] as? String)
        #expect(!text.contains("[bookmark:"))

        // Manifest line after the file, input archived under archive/YYYY-MM-DD/NAME, nothing left behind.
        let manifest = daemon.manifest()
        #expect(manifest.count == 1)
        #expect(manifest.first?["id"] as? String == id)
        #expect(manifest.first?["path"] as? String == path)
        #expect(filesUnder(daemon.archive) == ["\(parts[0])/briefing.txt"])
        #expect(filesUnder(daemon.inbox).isEmpty)
        #expect(!filesUnder(daemon.snapshots).contains { $0.contains(".tmp") })

        let event = try #require(daemon.events("snapshot_written").first)
        #expect(event["file"] as? String == "briefing.txt")
        #expect(event["snapshot"] as? String == path)
        #expect(event["id"] as? String == id)
        #expect(event["duration_ms"] is Int)
        #expect(event["level"] as? String == "info")
        #expect(event["ts"] is String)
        print(
            "drop-to-snapshot (including 20 ms settle and polling): \(Int(Date().timeIntervalSince(dropped) * 1000)) ms"
        )

        let validation = try validateSnapshots([daemon.snapshots + "/" + path])
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    @Test func extractPrintsWhatTheDaemonWrites() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try daemon.drop(try Paths.fixtureBytes(), as: "same.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 1 })
        #expect(daemon.stop() == 0)
        var written = try daemon.snapshot(try #require(daemon.snapshotFiles().first))

        let result = try runBriefingd(["extract", Paths.fixtureBriefing.path])
        #expect(result.status == 0, "\(result.stderr)")
        var extracted = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["ingested_at", "source"] {
            written[key] = nil
            extracted[key] = nil
        }
        let a = try JSONSerialization.data(withJSONObject: written, options: [.sortedKeys])
        let b = try JSONSerialization.data(withJSONObject: extracted, options: [.sortedKeys])
        #expect(a == b)
    }

    @Test func slowWriterIsTakenOnlyWhenComplete() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let fixture = try Paths.fixtureBytes()
        // One writer, several writes with pauses far longer than the settle time, then close.
        let path = daemon.inbox + "/slow.txt"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let chunk = fixture.count / 4 + 1
        for start in stride(from: 0, to: fixture.count, by: chunk) {
            handle.write(Data(fixture[start..<min(start + chunk, fixture.count)]))
            usleep(150_000)
            #expect(daemon.snapshotFiles().isEmpty, "a file still being written was taken")
        }
        try handle.close()
        #expect(waitUntil { daemon.snapshotFiles().count == 1 })
        let doc = try daemon.snapshot(try #require(daemon.snapshotFiles().first))
        #expect((doc["input"] as? [String: Any])?["bytes"] as? Int == fixture.count)
        #expect(filesUnder(daemon.failed).isEmpty)
        #expect(daemon.stop() == 0)
    }

    @Test func sameContentTwiceMakesOneSnapshotAndArchivesBoth() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let fixture = try Paths.fixtureBytes()
        try daemon.drop(fixture, as: "a.txt")
        #expect(waitUntil { filesUnder(daemon.archive).count == 1 })
        // Same name and same content: archived beside the first under a suffixed name.
        try daemon.drop(fixture, as: "a.txt")
        #expect(waitUntil { daemon.events("duplicate").count == 1 })
        #expect(daemon.snapshotFiles().count == 1)
        #expect(daemon.manifest().count == 1)
        let duplicate = try #require(daemon.events("duplicate").first)
        #expect(duplicate["snapshot"] as? String == daemon.snapshotFiles().first)
        let archived = filesUnder(daemon.archive).map { ($0 as NSString).lastPathComponent }.sorted()
        #expect(archived == ["a-1.txt", "a.txt"])
        #expect(daemon.stop() == 0)

        // After a restart the daemon still knows the content.
        try daemon.start()
        try daemon.drop(fixture, as: "again.txt")
        #expect(waitUntil { daemon.events("duplicate").count == 2 }, "\(daemon.log())")
        #expect(daemon.snapshotFiles().count == 1)
        #expect(daemon.stop() == 0)
    }

    @Test func inputsThatCannotBeTakenGoToFailedWithAReason() throws {
        let daemon = try DaemonProcess(
            extraYAML: "", settle: "20ms")
        // A tiny size limit for one case: rewrite the config's inbox block.
        var config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        config = config.replacingOccurrences(of: "  rescan: 30s", with: "  rescan: 30s\n  max_bytes: 100000")
        try config.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()

        var random = SystemRandomNumberGenerator()
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        try daemon.drop(garbage, as: "random.bin")
        try daemon.drop([], as: "empty.txt")
        try daemon.drop([0xEF, 0xBB, 0xBF], as: "bom-only.txt")
        try daemon.drop(Array(repeating: UInt8(ascii: "a"), count: 100_001), as: "huge.txt")
        #expect(symlink("/etc/hostname", daemon.inbox + "/link.txt") == 0)
        #expect(mkdir(daemon.inbox + "/folder", 0o755) == 0)

        let expected = [
            "random.bin": "", "empty.txt": "empty_input", "bom-only.txt": "bom_only", "huge.txt": "too_large",
            "link.txt": "symlink", "folder": "not_regular_file",
        ]
        #expect(waitUntil { daemon.events("input_failed").count == expected.count }, "\(daemon.log())")
        for (name, code) in expected {
            let errorFile = daemon.failed + "/" + name + ".error.json"
            let data = try #require(
                FileManager.default.contents(atPath: errorFile), "no error file for \(name)")
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let error = try #require(json["error"] as? String)
            if !code.isEmpty { #expect(error == code, "\(name)") }
            #expect((json["detail"] as? String)?.isEmpty == false)
            #expect((json["at"] as? String)?.hasSuffix("Z") == true)
            // Nothing is deleted: the input itself sits beside its reason.
            var st = stat()
            #expect(lstat(daemon.failed + "/" + name, &st) == 0, "\(name) missing from failed/")
        }
        #expect(FileManager.default.contents(atPath: daemon.failed + "/random.bin") == Data(garbage))
        var st = stat()
        #expect(lstat(daemon.failed + "/link.txt", &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK)
        #expect(daemon.snapshotFiles().isEmpty)
        #expect(filesUnder(daemon.inbox).isEmpty)
        #expect(daemon.stop() == 0)
    }

    @Test func temporaryAndHiddenNamesAreLeftAlone() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let fixture = try Paths.fixtureBytes()
        let ignored = [".hidden.txt", "upload.tmp", "upload.part", "draft.txt~"]
        for name in ignored {
            try Data(fixture).write(to: URL(fileURLWithPath: daemon.inbox + "/" + name))
        }
        try daemon.drop(fixture, as: "real.txt")
        #expect(waitUntil { daemon.snapshotFiles().count == 1 })
        usleep(300_000)
        let left = try FileManager.default.contentsOfDirectory(atPath: daemon.inbox).sorted()
        #expect(left == ignored.sorted())
        #expect(daemon.events("snapshot_written").count == 1)
        #expect(daemon.stop() == 0)
    }

    @Test func filesDroppedWhileStoppedAreTakenAtStartAndSIGTERMExitsCleanly() throws {
        let daemon = try DaemonProcess()
        try FileManager.default.createDirectory(atPath: daemon.inbox, withIntermediateDirectories: true)
        let fixture = try Paths.fixtureText()
        for i in 0..<20 {
            try (fixture + "\n补充说明第\(i)条。").write(
                toFile: daemon.inbox + "/b\(i).txt", atomically: true, encoding: .utf8)
        }
        try daemon.start()
        #expect(waitUntil { daemon.events("snapshot_written").count == 20 })
        #expect(daemon.snapshotFiles().count == 20)
        #expect(daemon.manifest().count == 20)
        let stopStarted = Date()
        #expect(daemon.stop(signal: SIGTERM) == 0)
        #expect(Date().timeIntervalSince(stopStarted) < 5)
        #expect(daemon.events("stopped").count == 1)

        // SIGINT stops it the same way, and a restart duplicates nothing.
        try daemon.start()
        usleep(300_000)
        #expect(daemon.stop(signal: SIGINT) == 0)
        #expect(daemon.snapshotFiles().count == 20)
        #expect(daemon.manifest().count == 20)
    }
}
