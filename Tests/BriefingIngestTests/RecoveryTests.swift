import BriefingCore
import Foundation
import InMemoryLogging
import Logging
import TestSupport
import Testing

@testable import BriefingIngest

/// What a crash or a failing disk may leave behind, repaired by the ingest layer itself: each test
/// builds the damage by hand at one precise point of the order of effects, then restarts.
@Suite(.serialized) struct RecoveryTests {
    @Test func tornManifestTailAndStrayTempFilesAreRepaired() throws {
        let env = try RecoveryWorld()
        #expect(try env.ingestVariants(0..<2).allSatisfy { if case .written = $0 { true } else { false } })
        let day = try #require(
            filesUnder(env.config.snapshotsPath).first { $0.hasSuffix(".json") && $0.contains("/") })
        let dayDir = env.config.snapshotsPath + "/" + (day as NSString).deletingLastPathComponent
        let torn = "{\"id\":\"0123456789abcdef\",\"pa"
        try FileSystem.appendAndSync(env.manifestPath, Array(torn.utf8))
        try Data("half a snapshot".utf8).write(
            to: URL(fileURLWithPath: dayDir + "/.tmp-20261129T000000Z-inbox-x.json"))
        try Data("{\"err".utf8).write(
            to: URL(fileURLWithPath: env.config.inbox.failed + "/.tmp-a.txt.error.json"))

        let recovery = try SnapshotStore(root: env.config.snapshotsPath).recover(state: env.state)
        #expect(recovery.tornManifestBytes == torn.utf8.count)
        #expect(recovery.tempFilesRemoved == 1)
        #expect(recovery.snapshotsRecorded == 0)
        #expect(recovery.manifestLinesAdded == 0)
        let manifest = try String(contentsOfFile: env.manifestPath, encoding: .utf8)
        #expect(manifest.hasSuffix("}\n"))
        let lines = manifest.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["id"] is String && object?["path"] is String && object?["ingested_at"] is String)
        }
        #expect(!filesUnder(env.config.snapshotsPath).contains { $0.contains(".tmp-") })

        // The failed folder's temporary error file goes at start as well.
        try env.restart()
        #expect(filesUnder(env.config.inbox.failed).isEmpty)
    }

    @Test func crashBeforeTheInputWasArchivedMakesNoSecondSnapshot() throws {
        let env = try RecoveryWorld()
        let first = try env.ingestVariants(0..<1)
        guard case .written(let id, let path) = first.first else {
            Issue.record("not written: \(first)")
            return
        }
        // As if the daemon died after the manifest line and before the rename into archive/.
        try env.unarchive("v0.txt")
        try env.restart()
        let again = env.ingestor.ingest([.file(env.inboxFile("v0.txt"))])
        #expect(again == [.duplicate(id: id, path: path)])
        #expect(env.snapshotFiles().count == 1)
        #expect(env.manifestLines().count == 1)
        #expect(filesUnder(env.config.inbox.path).isEmpty)
        #expect(filesUnder(env.config.inbox.archive).map { ($0 as NSString).lastPathComponent } == ["v0.txt"])
    }

    @Test func crashBeforeTheStateRecordIsRecoveredFromTheSnapshotFile() throws {
        let env = try RecoveryWorld()
        guard case .written(let id, let path) = try env.ingestVariants(0..<1).first else {
            Issue.record("not written")
            return
        }
        // Snapshot durable, then the crash: no state row, no manifest line, input still in the inbox.
        try env.unarchive("v0.txt")
        try env.dropState()
        try FileManager.default.removeItem(atPath: env.manifestPath)
        try env.restart()
        #expect(try env.state.snapshotPath(id: id) == path)
        #expect(env.events("recovered").count == 1)
        let again = env.ingestor.ingest([.file(env.inboxFile("v0.txt"))])
        #expect(again == [.duplicate(id: id, path: path)])
        #expect(env.snapshotFiles() == [path])
        let lines = env.manifestLines()
        #expect(lines.count == 1)
        #expect(lines.first?["id"] as? String == id)
    }

    @Test func inputInFailedWithoutItsReasonGetsOneAtStart() throws {
        let env = try RecoveryWorld()
        let failed = env.config.inbox.failed
        try Data().write(to: URL(fileURLWithPath: failed + "/empty.txt"))
        try Data([0xEF, 0xBB, 0xBF]).write(to: URL(fileURLWithPath: failed + "/bom.txt"))
        try Data(try Paths.fixtureBytes()).write(to: URL(fileURLWithPath: failed + "/fine.txt"))
        // One that already has its reason keeps it untouched.
        try Data("x".utf8).write(to: URL(fileURLWithPath: failed + "/old.bin"))
        let oldReason = Data("{\"error\":\"kept\"}\n".utf8)
        try oldReason.write(to: URL(fileURLWithPath: failed + "/old.bin.error.json"))

        try env.restart()
        func reason(_ name: String) throws -> [String: Any] {
            let data = try #require(FileManager.default.contents(atPath: failed + "/" + name + ".error.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        #expect(try reason("empty.txt")["error"] as? String == "empty_input")
        #expect(try reason("bom.txt")["error"] as? String == "bom_only")
        #expect(try reason("fine.txt")["error"] as? String == "interrupted")
        #expect((try reason("fine.txt")["detail"] as? String)?.contains("inbox") == true)
        #expect(FileManager.default.contents(atPath: failed + "/old.bin.error.json") == oldReason)
        #expect(env.events("failed_reason_restored").count == 3)
        #expect(env.snapshotFiles().isEmpty)
    }

    @Test func stateThatCannotRecordTakesItsSnapshotFilesBack() throws {
        let env = try RecoveryWorld()
        // Another connection holds the write lock past the store's busy timeout: recording fails.
        let blocker = try SQLiteDatabase(path: env.state.path)
        try blocker.execute("BEGIN IMMEDIATE")
        try env.drop(variant: 0)
        let outcome = env.ingestor.ingest([.file(env.inboxFile("v0.txt"))])
        try blocker.execute("ROLLBACK")
        guard case .deferred = outcome.first else {
            Issue.record("expected deferred, got \(outcome)")
            return
        }
        #expect(env.snapshotFiles().isEmpty, "an unrecorded snapshot file stayed behind")
        #expect(env.manifestLines().isEmpty)
        #expect(filesUnder(env.config.inbox.path) == ["v0.txt"])

        let retry = env.ingestor.ingest([.file(env.inboxFile("v0.txt"))])
        guard case .written(_, let path) = retry.first else {
            Issue.record("retry not written: \(retry)")
            return
        }
        #expect(env.snapshotFiles() == [path])
        #expect(env.manifestLines().count == 1)
    }

    @Test func manifestThatCannotBeAppendedIsCaughtUpBeforeTheNextBatch() throws {
        let env = try RecoveryWorld()
        // A folder where the manifest should be: every append fails until it is gone.
        try FileManager.default.createDirectory(atPath: env.manifestPath, withIntermediateDirectories: true)
        let first = try env.ingestVariants(0..<2)
        #expect(first.allSatisfy { if case .written = $0 { true } else { false } })
        #expect(filesUnder(env.config.inbox.path).isEmpty, "recorded snapshots let their inputs go")
        #expect(env.events("manifest_behind").count == 1)

        try FileManager.default.removeItem(atPath: env.manifestPath)
        let second = try env.ingestVariants(2..<3)
        #expect(second.count == 1)
        let ids = env.manifestLines().compactMap { $0["id"] as? String }
        let written = (first + second).compactMap { if case .written(let id, _) = $0 { id } else { nil } }
        #expect(ids == written, "owed lines first, in order, then the new one")
        #expect(env.events("manifest_caught_up").count == 1)
    }

    @Test func appendCutShortByAFullDiskLeavesTheFileAsItWas() throws {
        let dir = try TemporaryDirectory("briefingd-append")
        defer { dir.remove() }
        // A real full disk: a 16 KiB tmpfs (tests run as root; mounting is how this machine fills a disk).
        let disk = try TinyDisk(at: dir.file("disk"), kilobytes: 16)
        defer { disk.unmount() }
        let path = disk.path + "/manifest.jsonl"
        let line = Array("{\"id\":\"a\"}\n".utf8)
        try FileSystem.appendAndSync(path, line)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == FileSystem.fileMode)
        let tooMuch = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        #expect(throws: FileSystemError.self) { try FileSystem.appendAndSync(path, tooMuch) }
        #expect(FileManager.default.contents(atPath: path) == Data(line), "a torn append stayed in the file")
        // Once there is room, appends land right after the last whole line.
        try FileSystem.appendAndSync(path, line)
        #expect(FileManager.default.contents(atPath: path) == Data(line + line))
    }
}

/// A tmpfs of a few kilobytes mounted for one test: a disk that fills up for real.
struct TinyDisk {
    let path: String

    init(at path: String, kilobytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let status = try Self.run(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0755", "tmpfs", path])
        try #require(status == 0, "mount -t tmpfs failed (status \(status)); these tests need root")
    }

    func unmount() { _ = try? Self.run("/bin/umount", ["-l", path]) }

    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}

/// A config in a temporary folder with a real state database and ingestor, restartable.
final class RecoveryWorld {
    let root: TemporaryDirectory
    let config: DaemonConfig
    let log = CapturedLog()
    private(set) var state: StateStore
    private(set) var ingestor: Ingestor

    init() throws {
        root = try TemporaryDirectory("briefingd-recovery")
        config = DaemonConfig(
            inbox: InboxConfig(
                path: root.file("inbox"), archive: root.file("archive"), failed: root.file("failed")),
            snapshotsPath: root.file("snapshots"), statePath: root.file("state"))
        try FileSystem.makeDirectories(config.statePath)
        state = try StateStore(directory: config.statePath)
        ingestor = Ingestor(config: config, state: state, logger: log.logger)
        try ingestor.prepare()
    }

    deinit { root.remove() }

    var manifestPath: String { config.snapshotsPath + "/manifest.jsonl" }

    /// A new process: fresh state connection and ingestor, start-up recovery run.
    func restart() throws {
        state = try StateStore(directory: config.statePath)
        ingestor = Ingestor(config: config, state: state, logger: log.logger)
        try ingestor.prepare()
    }

    func drop(variant i: Int) throws {
        let text = try Paths.fixtureText() + "\n补充说明第\(i)条。"
        try text.write(toFile: config.inbox.path + "/v\(i).txt", atomically: true, encoding: .utf8)
    }

    func ingestVariants(_ range: Range<Int>) throws -> [IngestOutcome] {
        for i in range { try drop(variant: i) }
        return ingestor.ingest(range.map { .file(inboxFile("v\($0).txt")) })
    }

    func inboxFile(_ name: String) -> InboxFile {
        InboxFile(name: name, path: config.inbox.path + "/" + name)
    }

    /// Moves an archived input back into the inbox, as if its archiving never happened.
    func unarchive(_ name: String) throws {
        let archived = try #require(filesUnder(config.inbox.archive).first { $0.hasSuffix("/" + name) })
        #expect(rename(config.inbox.archive + "/" + archived, config.inbox.path + "/" + name) == 0)
    }

    /// Removes the state database, as if it was never written.
    func dropState() throws {
        for suffix in ["", "-wal", "-shm"] { unlink(config.statePath + "/" + StateStore.fileName + suffix) }
    }

    func snapshotFiles() -> [String] {
        filesUnder(config.snapshotsPath).filter { $0.hasSuffix(".json") && $0.contains("/") }
    }

    func manifestLines() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: manifestPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func events(_ name: String) -> [Logger.Metadata] { log.events(name) }
}

/// Log events kept in memory by swift-log's `InMemoryLogHandler`, for tests that check what the
/// ingest layer says.
struct CapturedLog {
    private let handler: InMemoryLogHandler

    init() {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        self.handler = handler
    }

    var logger: Logger { Logger(label: "test") { [handler] _ in handler } }

    func events(_ name: String) -> [Logger.Metadata] {
        handler.entries.filter { $0.message.description == name }.map(\.metadata)
    }
}
