import Foundation
import TestSupport
import Testing

/// `briefingd status` reads the state database beside the running daemon.
@Suite(.serialized) struct StatusCommandTests {
    @Test func reportsCountsAndSourcesWhileTheDaemonRuns() throws {
        // A source nobody answers (port 9, discard): listed whether or not it was polled yet.
        let daemon = try DaemonProcess(
            extraYAML:
                "sources:\n  - name: city-hall\n    url: http://127.0.0.1:9/briefing.html\n    every: 1h")
        try daemon.start()
        let fixture = try Paths.fixtureText()
        try daemon.drop(Array(fixture.utf8), as: "a.txt")
        try daemon.drop(Array((fixture + "\n二。").utf8), as: "b.txt")
        try daemon.drop([], as: "empty.txt")
        #expect(
            waitUntil {
                daemon.events("snapshot_written").count == 2 && daemon.events("input_failed").count == 1
            })

        let json = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["snapshots"] as? Int == 2)
        #expect(report["failed"] as? Int == 1)
        #expect(report["inbox"] as? Int == 0)
        let sources = try #require(report["sources"] as? [[String: Any]])
        #expect(sources.map { $0["name"] as? String } == ["city-hall"])
        #expect(sources.first?["errors"] is Int)
        #expect(daemon.isRunning)

        let text = try runBriefingd(["status", "--config", daemon.configPath])
        #expect(text.status == 0)
        #expect(text.stdout.contains("snapshots: 2"))
        #expect(text.stdout.contains("failed: 1"))
        #expect(text.stdout.contains("city-hall: last poll"))
        #expect(daemon.stop() == 0)

        // Inputs waiting while the daemon is down are counted; dotfiles (uploads in progress) are not.
        try Data(fixture.utf8).write(to: URL(fileURLWithPath: daemon.inbox + "/waiting.txt"))
        try Data(fixture.utf8).write(to: URL(fileURLWithPath: daemon.inbox + "/.uploading.txt"))
        let stopped = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        let after = try #require(
            try JSONSerialization.jsonObject(with: Data(stopped.stdout.utf8)) as? [String: Any])
        #expect(after["inbox"] as? Int == 1)
        #expect(after["snapshots"] as? Int == 2)
    }

    @Test func worksBeforeTheDaemonEverRan() throws {
        let daemon = try DaemonProcess()
        let result = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["snapshots"] as? Int == 0)
        #expect(
            !FileManager.default.fileExists(atPath: daemon.state + "/state.db"),
            "status must not create state")
    }
}
