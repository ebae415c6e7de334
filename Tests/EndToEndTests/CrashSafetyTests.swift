import Foundation
import TestSupport
import Testing

/// SIGKILL at any moment, and a damaged state database, lose and duplicate nothing.
@Suite(.serialized) struct CrashSafetyTests {
    /// 300 distinct briefings and 12 inputs that fail, dropped in six waves; after each wave the
    /// daemon is killed at a random moment while it works. A last start must finish the job.
    @Test func sigkillAtRandomMomentsLosesAndDuplicatesNothing() throws {
        let daemon = try DaemonProcess(logLevel: "info")
        try FileManager.default.createDirectory(atPath: daemon.inbox, withIntermediateDirectories: true)
        let fixture = try Paths.fixtureText()
        let good = (0..<300).map { "c\($0).txt" }
        let bad = (0..<12).map { $0 % 2 == 0 ? "bad\($0).txt" : "bad\($0).md" }
        var random = SystemRandomNumberGenerator()
        var killedWhileWorking = 0
        var progress: [Int] = []
        let waves = 10
        for wave in 0..<waves {
            for i in stride(from: wave, to: good.count, by: waves) {
                try daemon.drop(Array((fixture + "\n补充说明第\(i)条。").utf8), as: good[i])
            }
            for i in stride(from: wave, to: bad.count, by: waves) {
                try daemon.drop(i % 4 < 2 ? [] : [0xEF, 0xBB, 0xBF], as: bad[i])
            }
            let writtenBefore = Self.count("\"snapshot_written\"", in: daemon.log())
            try daemon.start()
            // Three kinds of moments, in turn: any time; while snapshot files are still temporary
            // (written, before the syncfs and rename); while the batch's inputs are being archived.
            switch wave % 3 {
            case 0: usleep(UInt32.random(in: 5_000...400_000, using: &random))
            case 1: _ = Self.spin { filesUnder(daemon.snapshots).contains { $0.contains("/.tmp-") } }
            default:
                let k = Int.random(in: 1...25, using: &random)
                _ = Self.spin { Self.count("\"snapshot_written\"", in: daemon.log()) >= writtenBefore + k }
            }
            let waiting = Self.visibleNames(daemon.inbox).count
            daemon.stop(signal: SIGKILL)
            if waiting > 0 { killedWhileWorking += 1 }
            progress.append(daemon.snapshotFiles().filter { !$0.contains("/.tmp-") }.count)
        }
        let repairs = daemon.events("recovered").count
        let reArchived = daemon.events("duplicate").count
        print(
            "crash test: \(waves) SIGKILLs, \(killedWhileWorking) with inputs waiting, snapshots after each: "
                + "\(progress), start-up repairs: \(repairs), inputs archived as duplicates after a kill: \(reArchived)"
        )
        #expect(repairs > 0, "no kill landed while snapshot files were temporary: the test proved little")

        let started = Date()
        try daemon.start()
        #expect(
            waitUntil(timeout: 60) {
                Self.visibleNames(daemon.inbox).isEmpty && daemon.snapshotFiles().count >= 300
            },
            "inbox never emptied: \(Self.visibleNames(daemon.inbox).count) left")
        print("crash test: final pass took \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        #expect(daemon.stop() == 0)

        // Every briefing has exactly one snapshot, named after its input.
        let snapshots = daemon.snapshotFiles()
        #expect(snapshots.count == good.count)
        #expect(!filesUnder(daemon.snapshots).contains { $0.contains(".tmp-") })
        var inputBySnapshot: [String: String] = [:]
        var ids = Set<String>()
        for path in snapshots {
            let doc = try daemon.snapshot(path)
            let source = try #require(doc["source"] as? [String: Any])
            inputBySnapshot[path] = ((source["path"] as? String) as NSString?)?.lastPathComponent
            ids.insert(try #require(doc["id"] as? String))
        }
        #expect(ids.count == good.count)
        #expect(Set(inputBySnapshot.values) == Set(good))
        #expect(inputBySnapshot.count == good.count)

        // The manifest: one well-formed line per snapshot, nothing torn, nothing twice.
        let manifestText = try String(contentsOfFile: daemon.snapshots + "/manifest.jsonl", encoding: .utf8)
        #expect(manifestText.hasSuffix("\n"))
        let lines = manifestText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let manifest = daemon.manifest()
        #expect(lines.count == manifest.count, "a manifest line is not JSON")
        #expect(manifest.count == snapshots.count)
        #expect(Set(manifest.compactMap { $0["path"] as? String }) == Set(snapshots))
        #expect(Set(manifest.compactMap { $0["id"] as? String }) == ids)

        // No input lost: each is in archive/ exactly once, or in failed/ with its reason.
        let archived = filesUnder(daemon.archive).map { ($0 as NSString).lastPathComponent }
        #expect(archived.sorted() == good.sorted())
        let failed = Set(Self.visibleNames(daemon.failed))
        #expect(failed == Set(bad + bad.map { $0 + ".error.json" }))
        #expect(Self.visibleNames(daemon.inbox).isEmpty)
        #expect(!filesUnder(daemon.failed).contains { $0.contains(".tmp-") })

        // The state agrees: it counts the same snapshots and knows the content after a restart.
        let status = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(report["snapshots"] as? Int == good.count)
        #expect(report["failed"] as? Int == bad.count)
        try daemon.start()
        try daemon.drop(Array((fixture + "\n补充说明第7条。").utf8), as: "again.txt")
        #expect(waitUntil { daemon.events("duplicate").contains { $0["file"] as? String == "again.txt" } })
        let duplicate = daemon.events("duplicate").first { $0["file"] as? String == "again.txt" }
        #expect(inputBySnapshot[duplicate?["snapshot"] as? String ?? ""] == "c7.txt")
        #expect(daemon.stop() == 0)
        #expect(daemon.snapshotFiles().count == good.count)
        #expect(daemon.manifest().count == good.count)
    }

    @Test func corruptStateDatabaseIsSetAsideAndRebuiltFromTheSnapshots() throws {
        let daemon = try DaemonProcess(logLevel: "info")
        try daemon.start()
        let fixture = try Paths.fixtureText()
        for i in 0..<5 { try daemon.drop(Array((fixture + "\n第\(i)条。").utf8), as: "s\(i).txt") }
        #expect(waitUntil { daemon.snapshotFiles().count == 5 && daemon.manifest().count == 5 })
        #expect(daemon.stop() == 0)

        let db = daemon.state + "/state.db"
        var random = SystemRandomNumberGenerator()
        try Data((0..<65536).map { _ in UInt8.random(in: 0...255, using: &random) }).write(
            to: URL(fileURLWithPath: db))
        try daemon.start()
        let rebuilt = try #require(
            daemon.events("state_rebuilt").first, "no log line about the damaged database")
        #expect(rebuilt["level"] as? String == "error")
        let aside = try #require(rebuilt["set_aside"] as? String)
        #expect(
            FileManager.default.fileExists(atPath: aside), "the damaged database was not kept for inspection")
        let recovered = try #require(daemon.events("recovered").last)
        #expect(recovered["snapshots_recorded"] as? Int == 5)
        #expect(recovered["manifest_lines_added"] as? Int == 0)

        let status = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(report["snapshots"] as? Int == 5)
        try daemon.drop(Array((fixture + "\n第3条。").utf8), as: "again.txt")
        #expect(waitUntil { daemon.events("duplicate").count == 1 })
        #expect(daemon.snapshotFiles().count == 5)
        #expect(daemon.manifest().count == 5)
        #expect(daemon.stop() == 0)

        // A database that is simply gone is rebuilt the same way, and the log says so.
        for suffix in ["", "-wal", "-shm"] { unlink(db + suffix) }
        try daemon.start()
        #expect(daemon.events("state_missing").count == 1)
        #expect(daemon.events("recovered").last?["snapshots_recorded"] as? Int == 5)
        try daemon.drop(Array((fixture + "\n第1条。").utf8), as: "again2.txt")
        #expect(waitUntil { daemon.events("duplicate").count == 2 })
        #expect(daemon.manifest().count == 5)
        #expect(daemon.stop() == 0)
    }

    /// A writer replaces an input (same name, new content) while the daemon works on it: the new
    /// file must not be archived in place of the one that was read, but taken on its own.
    @Test func inputReplacedWhileBeingProcessedIsTakenOnItsOwn() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let fixture = try Paths.fixtureText()
        let second = Array((fixture + "\n更正版。").utf8)
        var hitTheWindow = 0
        for round in 0..<3 {
            let name = "r\(round).txt"
            try daemon.drop(Array((fixture + "\n初版\(round)。").utf8), as: name)
            // Replace it as soon as its snapshot is being written (before the input is archived).
            _ = Self.spin(seconds: 1) { filesUnder(daemon.snapshots).contains { $0.contains("/.tmp-") } }
            try daemon.drop(second + Array("\(round)".utf8), as: name)
            #expect(
                waitUntil { daemon.events("snapshot_written").count == 2 * (round + 1) }, "\(daemon.log())")
            #expect(waitUntil { CrashSafetyTests.visibleNames(daemon.inbox).isEmpty })
            hitTheWindow = daemon.events("input_replaced").count
        }
        print("replaced while in flight: \(hitTheWindow) of 3")
        // Each round: the first version's snapshot, then the second's, and the second in the archive
        // (beside the first when the replacement came after the first was archived).
        #expect(daemon.snapshotFiles().count == 6)
        for round in 0..<3 {
            let archived = filesUnder(daemon.archive).filter {
                ($0 as NSString).lastPathComponent.hasPrefix("r\(round)")
            }
            let contents = archived.compactMap {
                FileManager.default.contents(atPath: daemon.archive + "/" + $0)
            }
            #expect(contents.contains(Data(second + Array("\(round)".utf8))), "round \(round): \(archived)")
        }
        #expect(daemon.stop() == 0)
    }

    /// Polls `condition` without sleeping between tries, to act within a millisecond.
    static func spin(seconds: Double = 3, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
        }
        return false
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Names in a folder that are not dotfiles (the daemon's own temporary files are dotfiles).
    static func visibleNames(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }
    }
}
