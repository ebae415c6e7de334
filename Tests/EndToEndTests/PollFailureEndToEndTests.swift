import Foundation
import TestSupport
import Testing

/// What the poller refuses or survives: redirects, oversize bodies, stalls, server errors.
struct PollFailureEndToEndTests {
    @Test func redirectLoopStopsAfterFiveRedirects() throws {
        let server = try PollServer()
        try server.route("/loop", ["status": 302, "location": "{base}/loop2"])
        try server.route("/loop2", ["status": 301, "location": "/loop"])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [("loop", server.base + "/loop", ["every: 1h"])], http: ["retries: 3"]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { !daemon.pollResults("loop").isEmpty }, "\(daemon.log())")
        #expect(daemon.snapshotFiles().isEmpty)
        // The first request plus five redirects, and no retry: a loop does not go away by itself.
        #expect(server.requests("/loop").count + server.requests("/loop2").count == 6)
        let failed = try #require(daemon.events("fetch_failed", source: "loop").first)
        #expect(daemon.events("fetch_failed", source: "loop").count == 1)
        #expect(failed["url"] as? String == server.base + "/loop")
        #expect((failed["error"] as? String)?.contains("more than 5 redirects") == true)
        #expect(failed["next_attempt"] is String)
        #expect(daemon.pollResults("loop") == ["error"])

        // `briefingd status` names the failure.
        let status = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let row = try #require(
            (report["sources"] as? [[String: Any]])?.first { $0["name"] as? String == "loop" })
        #expect(row["result"] as? String == "error")
        #expect(row["errors"] as? Int == 1)
        #expect((row["last_error"] as? String)?.contains("redirects") == true)
        #expect(row["last_success"] == nil)
        #expect(row["next_poll"] is String)
        #expect(daemon.stop() == 0)
    }

    @Test func redirectToAFileURLIsRefused() throws {
        let server = try PollServer()
        try server.route("/evil", ["status": 302, "location": "file:///etc/passwd"])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [("evil", server.base + "/evil", ["every: 1h"])], http: ["retries: 3"]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { !daemon.pollResults("evil").isEmpty }, "\(daemon.log())")
        #expect(daemon.snapshotFiles().isEmpty)
        #expect(server.requests("/evil").count == 1)
        let failed = try #require(daemon.events("fetch_failed", source: "evil").first)
        let error = failed["error"] as? String ?? ""
        #expect(error.contains("file:///etc/passwd") && error.contains("only http and https"), "\(error)")
        #expect(!daemon.log().contains("root:x:0:0"))
        #expect(daemon.stop() == 0)
    }

    @Test func bodiesOverTheCapAreAbortedWithOrWithoutContentLength() throws {
        let server = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        try server.route("/sized", ["body_file": "b.txt"])
        try server.route("/chunked", ["body_file": "b.txt", "chunked": true])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [
                    ("sized", server.base + "/sized", ["every: 1h"]),
                    ("chunked", server.base + "/chunked", ["every: 1h"]),
                ],
                http: ["max_bytes: 10000"]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                !daemon.pollResults("sized").isEmpty && !daemon.pollResults("chunked").isEmpty
            })
        #expect(daemon.snapshotFiles().isEmpty)
        for name in ["sized", "chunked"] {
            let failed = try #require(daemon.events("fetch_failed", source: name).first, "\(name)")
            #expect((failed["error"] as? String)?.contains("http.max_bytes (10000 bytes)") == true, "\(name)")
            #expect(daemon.pollResults(name) == ["error"])
            // Too large is not retried.
            #expect(server.requests("/\(name)").count == 1)
        }
        #expect(daemon.stop() == 0)
    }

    @Test func aStalledServerIsAbandonedWithoutDelayingOtherSources() throws {
        let server = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        try server.route("/slow", ["body_file": "b.txt", "stall_after": 2000, "stall_seconds": 60])
        try server.route("/ok", ["body_file": "b.txt"])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [
                    ("stalled", server.base + "/slow", ["every: 1h"]),
                    ("healthy", server.base + "/ok", ["every: 1h"]),
                ],
                http: [
                    "low_speed_bytes: 100", "low_speed_time: 1s", "total_timeout: 4s", "retries: 1",
                    "retry_base: 100ms",
                ]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { !daemon.pollResults("stalled").isEmpty }, "\(daemon.log())")
        // The healthy source's snapshot came before the stalled source's first failure.
        let written = try #require(
            daemon.events("snapshot_written", source: "healthy").first?["ts"] as? String)
        let firstFailure = try #require(
            daemon.events("fetch_failed", source: "stalled").first?["ts"] as? String)
        #expect(written < firstFailure, "the healthy source waited for the stalled one")
        let failures = daemon.events("fetch_failed", source: "stalled")
        #expect(failures.count == 2, "one retry, then wait for the schedule")
        for f in failures {
            #expect(f["url"] as? String == server.base + "/slow")
            let error = f["error"] as? String ?? ""
            #expect(error.contains("curl error 28"), "\(error)")
            #expect(f["next_attempt"] is String)
        }
        #expect(failures.first?["retry_in_ms"] is Int)
        #expect(daemon.pollResults("stalled") == ["error"])
        let docs = try daemon.snapshotsInOrder()
        #expect(docs.count == 1)
        #expect((docs.first?["source"] as? [String: Any])?["name"] as? String == "healthy")
        #expect(daemon.stop() == 0)
    }

    @Test func stopAbortsARunningTransfer() throws {
        let server = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        try server.route("/slow", ["body_file": "b.txt", "stall_after": 2000, "stall_seconds": 60])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [("stalled", server.base + "/slow", ["every: 1h"])], http: ["low_speed_time: 60s"]))
        try daemon.start()
        #expect(waitUntil(timeout: 10) { server.requests("/slow").count == 1 })
        usleep(300_000)
        let stopping = Date()
        #expect(daemon.stop() == 0)
        // The transfer was aborted, not waited out (it stalls for 60 s); the bound leaves room for
        // a loaded machine.
        #expect(Date().timeIntervalSince(stopping) < 30)
        #expect(daemon.snapshotFiles().isEmpty)
        #expect(daemon.events("stopped").count == 1)
    }

    @Test func a503WithRetryAfterIsRetriedThenTaken() throws {
        let server = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        try server.route(
            "/busy",
            [
                "sequence": [
                    ["status": 503, "body": "busy", "headers": ["Retry-After": "1"]], ["body_file": "b.txt"],
                ]
            ])
        try server.route("/gone", ["status": 404, "body": "no"])
        try server.route("/throttled", ["status": 429, "body": "slow down", "headers": ["Retry-After": "3"]])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [
                    ("busy", server.base + "/busy", ["every: 1h"]),
                    ("gone", server.base + "/gone", ["every: 1h"]),
                    ("throttled", server.base + "/throttled", []),
                ],
                http: ["retries: 3", "retry_base: 100ms"]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                daemon.snapshotFiles().count == 1 && !daemon.pollResults("busy").isEmpty
            })
        let requests = server.requests("/busy")
        try #require(requests.count == 2)
        #expect(requests.map { $0["status"] as? Int } == [503, 200])
        let gap = (requests[1]["time"] as? Double ?? 0) - (requests[0]["time"] as? Double ?? 0)
        #expect(gap >= 0.95, "Retry-After: 1 was not honoured (\(gap) s)")
        let failed = try #require(daemon.events("fetch_failed", source: "busy").first)
        #expect(failed["status"] as? Int == 503)
        #expect(failed["error"] as? String == server.base + "/busy: HTTP 503")
        #expect((failed["retry_in_ms"] as? Int ?? 0) >= 1000)
        #expect(failed["next_attempt"] is String)
        #expect(daemon.pollResults("busy") == ["changed"])
        let doc = try daemon.snapshot(try #require(daemon.snapshotFiles().first))
        #expect(((doc["source"] as? [String: Any])?["http"] as? [String: Any])?["status"] as? Int == 200)

        // A Retry-After beyond the next scheduled poll pushes that poll back.
        #expect(waitUntil(timeout: 10) { server.requests("/throttled").count >= 2 }, "\(daemon.log())")
        let throttled = server.requests("/throttled")
        let wait = (throttled[1]["time"] as? Double ?? 0) - (throttled[0]["time"] as? Double ?? 0)
        #expect(wait >= 2.9, "polled again \(wait) s after Retry-After: 3")
        let asked = try #require(daemon.events("fetch_failed", source: "throttled").first)
        #expect(asked["status"] as? Int == 429)
        #expect(asked["retry_in_ms"] == nil, "a retry inside the 1 s schedule cannot honour Retry-After: 3")
        #expect(asked["next_attempt"] is String)

        // 404 is not retried.
        #expect(waitUntil(timeout: 30) { !daemon.pollResults("gone").isEmpty })
        #expect(server.requests("/gone").count == 1)
        #expect(daemon.events("fetch_failed", source: "gone").first?["status"] as? Int == 404)
        #expect(daemon.pollResults("gone") == ["error"])
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    /// A `Retry-After` of 31 years is capped at ten intervals of the source, and the log says so.
    @Test func anOutsizedRetryAfterIsCappedAndLogged() throws {
        let server = try PollServer()
        try server.route(
            "/forever", ["status": 429, "body": "go away", "headers": ["Retry-After": "999999999"]])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [("forever", server.base + "/forever", ["every: 1s"])], http: ["retries: 0"]))
        try daemon.start()
        #expect(waitUntil(timeout: 60) { server.requests("/forever").count >= 2 }, "\(daemon.log())")
        let capped = try #require(daemon.events("retry_after_capped", source: "forever").first)
        #expect(capped["level"] as? String == "warning")
        #expect(capped["asked_seconds"] as? Int == 999_999_999)
        #expect(capped["cap_seconds"] as? Int == 10)
        let requests = server.requests("/forever")
        let wait = (requests[1]["time"] as? Double ?? 0) - (requests[0]["time"] as? Double ?? 0)
        // Not before the cap (10 s), and far from the 31 years asked; the log above names the cap exactly.
        #expect(wait >= 9.9 && wait < 40, "polled again \(wait) s after a capped Retry-After")
        #expect(daemon.stop() == 0)
    }
}
