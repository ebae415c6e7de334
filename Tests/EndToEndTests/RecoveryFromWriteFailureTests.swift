import Foundation
import TestSupport
import Testing

/// A full disk or a read-only snapshot folder: inputs wait in the inbox, the cause is logged once,
/// and work resumes by itself when the disk accepts writes again.
///
/// Tests run as root, for whom permission bits do not stop writes, so these use what does: a tiny
/// tmpfs that is really full, and a read-only bind mount.
@Suite(.serialized) struct RecoveryFromWriteFailureTests {
    @Test func fullDiskKeepsInputsInTheInboxAndResumesWhenSpaceReturns() throws {
        let daemon = try DaemonProcess()
        try FileManager.default.createDirectory(atPath: daemon.snapshots, withIntermediateDirectories: true)
        try #require(Self.sh("mount -t tmpfs -o size=512k,mode=0755 tmpfs '\(daemon.snapshots)'") == 0)
        defer { _ = Self.sh("umount -l '\(daemon.snapshots)'") }
        // Fill the disk to the last byte.
        let filler = daemon.snapshots + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0, count: 4096)
        while write(fd, block, block.count) > 0 {}
        #expect(errno == ENOSPC)
        close(fd)

        try daemon.start()
        let fixture = try Paths.fixtureText()
        let names = (0..<3).map { "full\($0).txt" }
        for (i, name) in names.enumerated() { try daemon.drop(Array((fixture + "\n第\(i)条。").utf8), as: name) }
        #expect(waitUntil { daemon.events("cannot_write").count == 1 }, "\(daemon.log())")
        // Two more attempts (all inputs together, after 1 s and 2 s), each failing the same way.
        #expect(
            waitUntil(timeout: 10) { daemon.events("deferred").count >= 3 * names.count }, "\(daemon.log())")
        #expect(daemon.events("cannot_write").count == 1, "the cause was logged more than once")
        let cause = try #require(daemon.events("cannot_write").first)
        #expect((cause["reason"] as? String)?.contains("No space left on device") == true)
        #expect(Set(CrashSafetyTests.visibleNames(daemon.inbox)) == Set(names))
        #expect(daemon.snapshotFiles().isEmpty)
        #expect(!filesUnder(daemon.snapshots).contains { $0.contains(".tmp-") })
        #expect(daemon.manifest().isEmpty)

        try FileManager.default.removeItem(atPath: filler)
        #expect(
            waitUntil(timeout: 20) { daemon.events("snapshot_written").count == names.count },
            "\(daemon.log())")
        #expect(waitUntil { CrashSafetyTests.visibleNames(daemon.inbox).isEmpty })
        #expect(
            waitUntil { daemon.events("resumed").count == 1 }, "no resumed line after the inputs went through"
        )
        #expect(daemon.events("cannot_write").count == 1)
        #expect(daemon.manifest().count == names.count)
        #expect(daemon.stop() == 0)
    }

    @Test func readOnlySnapshotFolderKeepsInputsAndResumesWhenWritableAgain() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let fixture = try Paths.fixtureText()
        try daemon.drop(Array(fixture.utf8), as: "before.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 1 })

        try #require(Self.sh("mount --bind '\(daemon.snapshots)' '\(daemon.snapshots)'") == 0)
        var mounted = true
        defer { if mounted { _ = Self.sh("umount -l '\(daemon.snapshots)'") } }
        try #require(Self.sh("mount -o remount,bind,ro '\(daemon.snapshots)'") == 0)
        #expect(creat(daemon.snapshots + "/probe", 0o600) < 0 && errno == EROFS)

        try daemon.drop(Array((fixture + "\n只读。").utf8), as: "during.txt")
        #expect(waitUntil { daemon.events("cannot_write").count == 1 }, "\(daemon.log())")
        #expect(waitUntil(timeout: 15) { daemon.events("deferred").count >= 3 })
        #expect(daemon.events("cannot_write").count == 1, "the cause was logged more than once")
        #expect(
            (daemon.events("cannot_write").first?["reason"] as? String)?.contains("Read-only file system")
                == true)
        #expect(CrashSafetyTests.visibleNames(daemon.inbox) == ["during.txt"])
        #expect(daemon.snapshotFiles().count == 1)

        #expect(Self.sh("umount -l '\(daemon.snapshots)'") == 0)
        mounted = false
        #expect(waitUntil(timeout: 20) { daemon.events("snapshot_written").count == 2 }, "\(daemon.log())")
        #expect(waitUntil { CrashSafetyTests.visibleNames(daemon.inbox).isEmpty })
        #expect(
            waitUntil { daemon.events("resumed").count == 1 }, "no resumed line after the inputs went through"
        )
        #expect(daemon.manifest().count == 2)
        #expect(daemon.stop() == 0)
    }

    /// Runs a shell command line; returns its exit status.
    static func sh(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
