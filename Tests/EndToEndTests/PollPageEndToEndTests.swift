import Foundation
import TestSupport
import Testing

/// `kind: page` against a real local HTTP server: conditional requests, unchanged and changed
/// content, compression, headers, status and reload.
struct PollPageEndToEndTests {
    @Test func etagAndLastModifiedRoundTripWith304() throws {
        let server = try PollServer()
        let lastModified = "Wed, 01 Jan 2025 00:00:00 GMT"
        try server.file("b.txt", try PollContent.briefing())
        try server.route("/b.txt", ["body_file": "b.txt", "etag": "\"v1\"", "last_modified": lastModified])
        let daemon = try DaemonProcess(extraYAML: PollYAML.sources([("press", server.base + "/b.txt", [])]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { daemon.pollResults("press").count >= 3 }, "\(daemon.log())")

        // One snapshot, with what the server said about it.
        let files = daemon.snapshotFiles()
        try #require(files.count == 1)
        #expect(files[0].contains("Z-press-"))
        let doc = try daemon.snapshot(files[0])
        let source = try #require(doc["source"] as? [String: Any])
        #expect(source["kind"] as? String == "url")
        #expect(source["name"] as? String == "press")
        #expect(source["url"] as? String == server.base + "/b.txt")
        let http = try #require(source["http"] as? [String: Any])
        #expect(http["status"] as? Int == 200)
        #expect(http["etag"] as? String == "\"v1\"")
        #expect(http["last_modified"] as? String == lastModified)
        #expect(http["content_type"] as? String == "text/plain; charset=utf-8")
        #expect(http["final_url"] as? String == server.base + "/b.txt")
        #expect((doc["briefing"] as? [String: Any])?["title"] as? String == "新闻发布会答记者问")
        #expect((doc["input"] as? [String: Any])?["bytes"] as? Int == (try PollContent.briefing()).count)

        // The first request is plain, later ones conditional and answered 304.
        let requests = server.requests("/b.txt")
        #expect(requests.first?["status"] as? Int == 200)
        let firstHeaders = try #require(requests.first?["headers"] as? [String: String])
        #expect(firstHeaders["if-none-match"] == nil)
        #expect(firstHeaders["user-agent"] == "briefingd/0.1.0")
        for r in requests.dropFirst() {
            let headers = try #require(r["headers"] as? [String: String])
            #expect(headers["if-none-match"] == "\"v1\"")
            #expect(headers["if-modified-since"] == lastModified)
            #expect(r["status"] as? Int == 304)
        }
        // The source's curl handle is kept between polls, and with it the connection.
        #expect(Set(requests.compactMap { $0["client_port"] as? Int }).count == 1)
        let results = daemon.pollResults("press")
        #expect(results.first == "changed")
        #expect(results.dropFirst().allSatisfy { $0 == "not_modified" }, "\(results)")
        #expect(daemon.events("snapshot_written", source: "press").count == 1)
        let notModified = try #require(daemon.events("poll_finished", source: "press").last)
        #expect(notModified["snapshots"] as? Int == 0)
        #expect(notModified["requests"] as? Int == 1)
        #expect(notModified["next_poll"] is String)

        // `briefingd status` shows the poll.
        let status = try runBriefingd(["status", "--json", "--config", daemon.configPath])
        #expect(status.status == 0, "\(status.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let row = try #require(
            (report["sources"] as? [[String: Any]])?.first { $0["name"] as? String == "press" })
        #expect(row["result"] as? String == "not_modified")
        #expect(row["errors"] as? Int == 0)
        #expect(row["last_success"] is String)
        #expect(row["next_poll"] is String)

        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    @Test func unchanged200MakesNoSecondSnapshot() throws {
        let server = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        // No validators: every poll is a full 200 with the same content.
        try server.route("/b.txt", ["body_file": "b.txt"])
        let daemon = try DaemonProcess(extraYAML: PollYAML.sources([("plain", server.base + "/b.txt", [])]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { daemon.pollResults("plain").count >= 3 }, "\(daemon.log())")
        #expect(daemon.snapshotFiles().count == 1)
        #expect(daemon.manifest().count == 1)
        let results = daemon.pollResults("plain")
        #expect(results.first == "changed")
        #expect(results.dropFirst().allSatisfy { $0 == "unchanged" }, "\(results)")
        let unchanged = daemon.events("unchanged", source: "plain")
        #expect(unchanged.count >= 2)
        #expect(unchanged.first?["id"] as? String == (try daemon.snapshotsInOrder().first?["id"] as? String))
        #expect(server.requests("/b.txt").allSatisfy { $0["status"] as? Int == 200 })
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    @Test func changedPageMakesASupersedingSnapshot() throws {
        let server = try PollServer()
        try server.file("v1.txt", try PollContent.briefing("第一版"))
        try server.file("v2.txt", try PollContent.briefing("第二版"))
        try server.route(
            "/b.txt",
            [
                "sequence": [
                    ["body_file": "v1.txt", "etag": "\"1\""], ["body_file": "v2.txt", "etag": "\"2\""],
                ]
            ])
        let daemon = try DaemonProcess(extraYAML: PollYAML.sources([("press", server.base + "/b.txt", [])]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { daemon.pollResults("press").count >= 3 }, "\(daemon.log())")

        let docs = try daemon.snapshotsInOrder()
        try #require(docs.count == 2)
        let first = try #require(docs[0]["id"] as? String)
        #expect((docs[0]["revision"] as? [String: Any])?["supersedes"] is NSNull)
        #expect((docs[1]["revision"] as? [String: Any])?["supersedes"] as? String == first)
        #expect((docs[0]["text"] as? String)?.contains("第一版") == true)
        #expect((docs[1]["text"] as? String)?.contains("第二版") == true)
        #expect(
            ((docs[1]["source"] as? [String: Any])?["http"] as? [String: Any])?["etag"] as? String == "\"2\"")
        // After the change the new validator is sent and the page is not modified.
        #expect(
            server.requests("/b.txt").last.flatMap { ($0["headers"] as? [String: String])?["if-none-match"] }
                == "\"2\"")
        let results = daemon.pollResults("press")
        #expect(Array(results.prefix(3)) == ["changed", "changed", "not_modified"])
        #expect(daemon.events("snapshot_written", source: "press").count == 2)
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    @Test func gzipIsAcceptedAndDecoded() throws {
        let server = try PollServer()
        let body = try PollContent.briefing()
        try server.file("b.txt", body)
        try server.route("/b.txt", ["body_file": "b.txt", "gzip": true])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([("zipped", server.base + "/b.txt", ["every: 1h"])]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                daemon.snapshotFiles().count == 1 && !daemon.pollResults("zipped").isEmpty
            })
        let request = try #require(server.requests("/b.txt").first)
        let accepted = (request["headers"] as? [String: String])?["accept-encoding"] ?? ""
        #expect(accepted.contains("gzip") && accepted.contains("deflate"), "\(accepted)")
        // The server compressed; the wire carried far fewer bytes than the briefing has.
        let sent = try #require(request["bytes"] as? Int)
        #expect(sent < body.count / 2)
        let poll = try #require(daemon.events("poll_finished", source: "zipped").first)
        #expect((poll["bytes"] as? Int ?? .max) < body.count / 2)
        let doc = try daemon.snapshot(try #require(daemon.snapshotFiles().first))
        #expect((doc["input"] as? [String: Any])?["bytes"] as? Int == body.count)
        #expect(((doc["briefing"] as? [String: Any])?["title"] as? String) == "新闻发布会答记者问")
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    @Test func configuredAndFileHeadersAreSentAndSecretsNeverLogged() throws {
        let server = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        try server.route("/b.txt", ["body_file": "b.txt"])
        let secrets = try TemporaryDirectory("briefingd-secrets")
        defer { secrets.remove() }
        let secret = "Bearer top-secret-token-4711"
        try "# rotated daily\nAuthorization: \(secret)\n".write(
            toFile: secrets.file("headers"), atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([
                (
                    "private", server.base + "/b.txt",
                    [
                        "every: 1h", "headers:", "  Accept-Language: zh-CN", "  User-Agent: press-robot/2",
                        "headers_from_file: \(secrets.file("headers"))",
                    ]
                )
            ]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                daemon.snapshotFiles().count == 1 && !daemon.pollResults("private").isEmpty
            })
        let headers = try #require(server.requests("/b.txt").first?["headers"] as? [String: String])
        #expect(headers["authorization"] == secret)
        #expect(headers["accept-language"] == "zh-CN")
        #expect(headers["user-agent"] == "press-robot/2")
        #expect(!daemon.log().contains("top-secret"))
        #expect(daemon.stop() == 0)
    }

    @Test func reloadStartsNewSourcesAndKeepsRunningOnes() throws {
        let server = try PollServer()
        try server.file("a.txt", try PollContent.briefing("甲"))
        try server.file("b.txt", try PollContent.briefing("乙"))
        try server.route("/a.txt", ["body_file": "a.txt", "etag": "\"a\""])
        try server.route("/b.txt", ["body_file": "b.txt", "etag": "\"b\""])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([("a", server.base + "/a.txt", ["every: 1h"])]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { daemon.snapshotFiles().count == 1 })
        var config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        config +=
            "\n"
            + PollYAML.sources([("b", server.base + "/b.txt", ["every: 1h"])]).split(separator: "\n")
            .dropFirst()
            .joined(separator: "\n") + "\n"
        try config.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        #expect(waitUntil(timeout: 15) { daemon.snapshotFiles().count == 2 }, "\(daemon.log())")
        #expect(daemon.events("reloaded").count == 1)
        // "a" is unchanged, so it is not polled again before its hour is up.
        #expect(server.requests("/a.txt").count == 1)
        #expect(server.requests("/b.txt").count == 1)
        #expect(daemon.stop() == 0)
    }
}

/// Proxies: curl's environment variables by default, `proxy:` per source.
struct PollProxyEndToEndTests {
    @Test func proxyFromTheEnvironmentAndFromTheConfigAreUsed() throws {
        let envProxy = try PollServer()
        let configProxy = try PollServer()
        // Names under .invalid never resolve: only a proxy can answer them.
        try envProxy.file("b.txt", try PollContent.briefing("环境代理"))
        try envProxy.route("http://via-env.invalid/b.txt", ["body_file": "b.txt"])
        try configProxy.file("b.txt", try PollContent.briefing("配置代理"))
        try configProxy.route("http://via-config.invalid/b.txt", ["body_file": "b.txt"])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources([
                ("env", "http://via-env.invalid/b.txt", ["every: 1h"]),
                (
                    "configured", "http://via-config.invalid/b.txt",
                    ["every: 1h", "proxy: \(configProxy.base)"]
                ),
            ]))
        try daemon.start(environment: ["http_proxy": envProxy.base, "no_proxy": ""])
        #expect(waitUntil(timeout: 15) { daemon.manifest().count == 2 }, "\(daemon.log())")
        #expect(envProxy.requests("http://via-env.invalid/b.txt").count == 1)
        #expect(configProxy.requests("http://via-config.invalid/b.txt").count == 1)
        #expect(envProxy.requests("http://via-config.invalid/b.txt").isEmpty)
        let names = try daemon.snapshotsInOrder().compactMap {
            ($0["source"] as? [String: Any])?["name"] as? String
        }
        #expect(Set(names) == ["env", "configured"])
        #expect(daemon.stop() == 0)
    }
}

/// A poll that outlasts the interval delays the next one instead of overlapping it.
struct PollOverlapEndToEndTests {
    @Test func aSlowPollIsNeverOverlappedByTheNext() throws {
        let server = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        try server.route("/slow", ["body_file": "b.txt", "delay": 1.8])
        let daemon = try DaemonProcess(extraYAML: PollYAML.sources([("slow", server.base + "/slow", [])]))
        try daemon.start()
        #expect(waitUntil(timeout: 15) { daemon.pollResults("slow").count >= 3 }, "\(daemon.log())")
        let arrivals = server.requests("/slow").compactMap { $0["time"] as? Double }
        try #require(arrivals.count >= 3)
        for i in 1..<arrivals.count {
            #expect(
                arrivals[i] - arrivals[i - 1] >= 1.75,
                "a poll started while the previous one ran: \(arrivals)")
        }
        #expect(daemon.snapshotFiles().count == 1)
        #expect(Array(daemon.pollResults("slow").prefix(3)) == ["changed", "unchanged", "unchanged"])
        #expect(
            daemon.events("poll_finished", source: "slow").allSatisfy {
                ($0["duration_ms"] as? Int ?? 0) >= 1700
            })
        #expect(daemon.stop() == 0)
    }
}
