import Foundation
import TestSupport
import Testing

/// Thousands of files at once (more inotify events than the kernel queues by default): every one
/// becomes a snapshot and leaves the inbox.
@Suite(.serialized) struct BurstTests {
    @Test func fiveThousandFilesLeaveNothingBehind() throws {
        let count = 5000
        let daemon = try DaemonProcess(logLevel: "info")
        // On a tmpfs of its own: removing 15,000 files from this machine's disk (mounted with
        // `discard`) takes longer than the whole burst. The burst on disk is measured in the report.
        let config = try Data(contentsOf: URL(fileURLWithPath: daemon.configPath))
        try #require(
            RecoveryFromWriteFailureTests.sh("mount -t tmpfs -o size=1g tmpfs '\(daemon.root.path)'") == 0)
        defer { _ = RecoveryFromWriteFailureTests.sh("umount -l '\(daemon.root.path)'") }
        try config.write(to: URL(fileURLWithPath: daemon.configPath))
        try daemon.start()
        // A short briefing (the first turns of the fixture) keeps the test's disk use small.
        let lines = try Paths.fixtureText().split(separator: "\n", omittingEmptySubsequences: false)
        let short = lines.prefix(4).joined(separator: "\n")
        // Written beside the inbox first, then renamed in as fast as the kernel allows: a burst.
        let staging = daemon.root.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let names = (0..<count).map { String(format: "burst-%05d.txt", $0) }
        for (i, name) in names.enumerated() {
            let bytes = Array((short + "\n补充说明第\(i)条。\n").utf8)
            let fd = open(staging + "/" + name, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            try #require(fd >= 0 && write(fd, bytes, bytes.count) == bytes.count)
            close(fd)
        }
        let started = Date()
        for name in names { try #require(rename(staging + "/" + name, daemon.inbox + "/" + name) == 0) }
        let dropped = Date()
        #expect(
            waitUntil(timeout: 90) {
                CrashSafetyTests.visibleNames(daemon.inbox).isEmpty
                    && CrashSafetyTests.count("\n", in: Self.text(daemon.snapshots + "/manifest.jsonl"))
                        == count
            }, "\(CrashSafetyTests.visibleNames(daemon.inbox).count) left in the inbox")
        let finished = Date()
        print(
            "burst: \(count) files renamed in within \(Int(dropped.timeIntervalSince(started) * 1000)) ms, all snapshotted "
                + "and archived \(Int(finished.timeIntervalSince(started) * 1000)) ms after the first drop; "
                + "inotify overflows: \(daemon.events("inbox_overflow").count)")
        #expect(daemon.stop() == 0)

        let snapshots = daemon.snapshotFiles()
        #expect(snapshots.count == count)
        #expect(!filesUnder(daemon.snapshots).contains { $0.contains(".tmp-") })
        let manifest = daemon.manifest()
        #expect(manifest.count == count)
        #expect(Set(manifest.compactMap { $0["path"] as? String }) == Set(snapshots))
        #expect(Set(manifest.compactMap { $0["id"] as? String }).count == count)
        let archived = filesUnder(daemon.archive).map { ($0 as NSString).lastPathComponent }
        #expect(archived.count == count)
        #expect(Set(archived) == Set(names))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.inbox)) ?? []).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.failed)) ?? []).isEmpty)
        let status = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(report["snapshots"] as? Int == count)
    }

    /// More events than the kernel queues (16,384 by default) while the daemon is paused: the
    /// events of the real files are lost, and only the rescan that the overflow triggers finds them.
    @Test func inotifyQueueOverflowTriggersARescan() throws {
        let daemon = try DaemonProcess(rescan: "1h")
        try daemon.start()
        #expect(kill(daemon.pid, SIGSTOP) == 0)
        defer { kill(daemon.pid, SIGCONT) }
        // kill(2) returns before every thread has stopped: the inbox thread could still read a
        // few thousand events while another thread takes the stop. Wait until all are stopped.
        #expect(waitUntil(timeout: 30) { Self.allThreadsStopped(daemon.pid) }, "the daemon did not stop")
        let limit =
            Int(
                (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 16384
        // Writes to two ignored dotfiles, alternating so that the kernel cannot merge the events.
        let fds = [".noise-a", ".noise-b"].map { open(daemon.inbox + "/" + $0, O_WRONLY | O_CREAT, 0o644) }
        defer { fds.forEach { close($0) } }
        for i in 0..<(limit + 100) { _ = write(fds[i % 2], "x", 1) }
        let fixture = try Paths.fixtureText()
        for i in 0..<3 { try daemon.drop(Array((fixture + "\n溢出\(i)。").utf8), as: "lost\(i).txt") }
        #expect(kill(daemon.pid, SIGCONT) == 0)

        #expect(waitUntil { daemon.events("inbox_overflow").count >= 1 }, "\(daemon.log())")
        #expect(daemon.events("inbox_overflow").first?["action"] as? String == "rescan")
        #expect(
            waitUntil { daemon.events("snapshot_written").count == 3 }, "the rescan did not find the files")
        #expect(daemon.stop() == 0)
    }

    /// Whether /proc shows every thread of `pid` stopped (state `T`).
    static func allThreadsStopped(_ pid: Int32) -> Bool {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return !tasks.isEmpty
            && tasks.allSatisfy { task in
                // The state follows the command name, which is in parentheses and may hold spaces.
                let stat = text("/proc/\(pid)/task/\(task)/stat")
                guard let close = stat.lastIndex(of: ")") else { return false }
                return stat[stat.index(after: close)...].split(separator: " ").first == "T"
            }
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}
