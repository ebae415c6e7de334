import Foundation
import TestSupport
import Testing

/// SIGHUP: the new config is validated first; a good one takes effect, a bad one is refused and
/// the daemon carries on with the old one. systemd hears RELOADING=1, then READY=1, either way.
@Suite(.serialized) struct ReloadTests {
    @Test func goodConfigTakesEffect() throws {
        let daemon = try DaemonProcess(logLevel: "debug")
        let socket = try NotifySocket(path: daemon.root.file("notify.sock"))
        try daemon.start(environment: ["NOTIFY_SOCKET": socket.path])
        let fixture = try Paths.fixtureText()
        try daemon.drop(Array(fixture.utf8), as: "a.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 1 })
        let debugLines = daemon.events("batch").count
        #expect(debugLines >= 1, "debug events are logged at level debug")

        try Self.setLogLevel("info", in: daemon)
        kill(daemon.pid, SIGHUP)
        #expect(waitUntil { daemon.events("reloaded").count == 1 })
        #expect(daemon.events("reloaded").first?["log_level"] as? String == "info")
        try Self.expectReloadNotifications(socket, count: 1)
        try daemon.drop(Array((fixture + "\n二。").utf8), as: "b.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 2 })
        #expect(daemon.events("batch").count == debugLines, "debug events kept coming at level info")

        try Self.setLogLevel("debug", in: daemon)
        kill(daemon.pid, SIGHUP)
        #expect(waitUntil { daemon.events("reloaded").count == 2 })
        try daemon.drop(Array((fixture + "\n三。").utf8), as: "c.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 3 })
        #expect(daemon.events("batch").count > debugLines, "debug events did not come back")
        try Self.expectReloadNotifications(socket, count: 2)
        #expect(daemon.stop() == 0)
    }

    @Test func badConfigIsRejectedAndTheDaemonCarriesOn() throws {
        let daemon = try DaemonProcess(logLevel: "debug")
        let socket = try NotifySocket(path: daemon.root.file("notify.sock"))
        try daemon.start(environment: ["NOTIFY_SOCKET": socket.path])
        let good = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        // An unknown key and a bad level: either must reject the whole file.
        try (good.replacingOccurrences(of: "level: debug", with: "level: chatty") + "\nbogus: 1\n")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        #expect(waitUntil { daemon.events("reload_rejected").count == 1 })
        let rejected = try #require(daemon.events("reload_rejected").first)
        #expect(rejected["level"] as? String == "error")
        #expect((rejected["error"] as? String)?.isEmpty == false)
        #expect(daemon.events("reloaded").isEmpty)
        try Self.expectReloadNotifications(socket, count: 1)
        #expect(daemon.isRunning)

        // Still ingesting, still at the old level (debug events keep coming).
        let debugLines = daemon.events("batch").count
        try daemon.drop(try Paths.fixtureBytes(), as: "after.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 1 })
        #expect(daemon.events("batch").count > debugLines)
        #expect(daemon.stop() == 0)
    }

    /// A value that overflows (which once crashed the loader) is refused like any bad value.
    @Test func overflowingValueOnReloadKeepsTheOldConfig() throws {
        let daemon = try DaemonProcess(logLevel: "debug")
        let socket = try NotifySocket(path: daemon.root.file("notify.sock"))
        try daemon.start(environment: ["NOTIFY_SOCKET": socket.path])
        let good = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try good.replacingOccurrences(of: "rescan: 30s", with: "rescan: 99999999999999999d")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        #expect(waitUntil { daemon.events("reload_rejected").count == 1 })
        let rejected = try #require(daemon.events("reload_rejected").first)
        #expect((rejected["error"] as? String)?.contains("inbox.rescan") == true, "\(rejected)")
        try Self.expectReloadNotifications(socket, count: 1)
        #expect(daemon.isRunning)
        try daemon.drop(try Paths.fixtureBytes(), as: "after.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 1 })
        #expect(daemon.stop() == 0)
    }

    static func setLogLevel(_ level: String, in daemon: DaemonProcess) throws {
        var text = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        for old in DaemonLevels.all {
            text = text.replacingOccurrences(of: "level: \(old)\n", with: "level: \(level)\n")
        }
        try text.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
    }

    /// `count` reloads each announced as RELOADING=1 and closed by a READY=1 after it.
    static func expectReloadNotifications(_ socket: NotifySocket, count: Int) throws {
        #expect(
            socket.wait { messages in
                messages.filter { $0.hasPrefix("RELOADING=1") }.count == count
                    && messages.lastIndex { $0.hasPrefix("RELOADING=1") }.map { r in
                        messages[r...].contains("READY=1")
                    } == true
            }, "\(socket.messages())")
        let reloading = try #require(socket.messages().last { $0.hasPrefix("RELOADING=1") })
        #expect(reloading.contains("\nMONOTONIC_USEC="))
    }
}

enum DaemonLevels {
    static let all = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
