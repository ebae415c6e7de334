import Foundation
import TestSupport
import Testing

/// HTTPS with a self-signed certificate: verification is always on; `ca_file` trusts it.
struct PollTLSEndToEndTests {
    @Test func selfSignedCertificateIsRefusedWithoutCAFileAndAcceptedWithIt() throws {
        let certs = try TemporaryDirectory("briefingd-cert")
        defer { certs.remove() }
        let cert = try SelfSignedCertificate(in: certs)
        let server = try PollServer(tls: cert)
        let plain = try PollServer()
        try server.file("b.txt", try PollContent.briefing())
        try server.route("/a.txt", ["body_file": "b.txt"])
        try server.route("/b.txt", ["body_file": "b.txt"])
        try plain.file("b.txt", try PollContent.briefing("明文"))
        try plain.route("/b.txt", ["body_file": "b.txt"])
        try server.route("/down", ["status": 301, "location": plain.base + "/b.txt"])
        let daemon = try DaemonProcess(
            extraYAML: PollYAML.sources(
                [
                    ("untrusted", server.base + "/a.txt", ["every: 1h"]),
                    ("trusted", server.base + "/b.txt", ["every: 1h", "ca_file: \(cert.certificate)"]),
                    ("downgrade", server.base + "/down", ["every: 1h", "ca_file: \(cert.certificate)"]),
                ], http: ["retries: 2", "retry_base: 100ms"]))
        try daemon.start()
        #expect(
            waitUntil(timeout: 15) {
                ["untrusted", "trusted", "downgrade"].allSatisfy { !daemon.pollResults($0).isEmpty }
            },
            "\(daemon.log())")

        let docs = try daemon.snapshotsInOrder()
        try #require(docs.count == 1)
        let source = try #require(docs[0]["source"] as? [String: Any])
        #expect(source["name"] as? String == "trusted")
        #expect((source["http"] as? [String: Any])?["final_url"] as? String == server.base + "/b.txt")

        // Without ca_file: a certificate error, not retried, and no HTTP request reached the server.
        let refused = daemon.events("fetch_failed", source: "untrusted")
        #expect(refused.count == 1)
        let error = refused.first?["error"] as? String ?? ""
        #expect(error.contains("curl error 60") && error.lowercased().contains("certificate"), "\(error)")
        #expect(server.requests("/a.txt").isEmpty)
        #expect(daemon.pollResults("untrusted") == ["error"])

        // https → http is a downgrade: refused before the plain server is asked.
        let downgrade = daemon.events("fetch_failed", source: "downgrade").first?["error"] as? String ?? ""
        #expect(downgrade.contains("downgrade"), "\(downgrade)")
        #expect(plain.requests().isEmpty)
        let validation = try validateSnapshots(daemon.snapshotPaths())
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }
}
