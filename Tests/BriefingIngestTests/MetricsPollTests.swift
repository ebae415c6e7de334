import Foundation
import Testing

@testable import BriefingIngest

/// The poll metrics the poller reports, and the HTTP answers of the metrics endpoint.
@Suite struct MetricsPollTests {
    /// swift-metrics can be bootstrapped once per process: one endpoint for the whole test run.
    static let server: MetricsServer? = HostPort("127.0.0.1:0").flatMap {
        try? MetricsServer.start(listen: $0)
    }

    @Test func pollsAreCountedByResultWithBytesAndLatency() throws {
        let server = try #require(Self.server, "cannot listen on 127.0.0.1")
        let metrics = PollMetrics()
        metrics.register(source: "town-hall")
        metrics.fetched(source: "town-hall", bytes: 0, duration: .milliseconds(5))
        metrics.polled(source: "town-hall", result: .notModified)
        metrics.fetched(source: "town-hall", bytes: 1234, duration: .milliseconds(20))
        metrics.polled(source: "town-hall", result: .changed)
        metrics.fetched(source: "town-hall", bytes: 0, duration: .milliseconds(1))
        metrics.fetchError(source: "town-hall", kind: "connect")
        metrics.polled(source: "town-hall", result: .error)
        let lines = server.exposition().split(separator: "\n").map(String.init)
        func value(_ name: String, _ labels: [String]) -> Double? {
            lines.first { line in
                line.hasPrefix(name + "{") && labels.allSatisfy { line.contains($0) }
            }.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        }
        let source = "source=\"town-hall\""
        #expect(value("briefingd_polls_total", [source, "result=\"not_modified\""]) == 1)
        #expect(value("briefingd_polls_total", [source, "result=\"changed\""]) == 1)
        #expect(value("briefingd_polls_total", [source, "result=\"error\""]) == 1)
        #expect(value("briefingd_polls_total", [source, "result=\"unchanged\""]) == 0)
        #expect(value("briefingd_fetch_bytes_total", [source]) == 1234)
        #expect(value("briefingd_fetch_duration_seconds_count", [source]) == 3)
        #expect(value("briefingd_fetch_errors_total", [source, "kind=\"connect\""]) == 1)
        let lastSuccess = try #require(value("briefingd_last_success_timestamp_seconds", [source]))
        #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 60)
    }

    @Test func onlyGetAndHeadOfMetricsAreServed() {
        func status(_ head: String) -> String {
            let response = MetricsServer.response(to: head + "\r\n\r\n") { Array("m 1\n".utf8) }
            return String(decoding: response, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
        }
        #expect(status("GET /metrics HTTP/1.1") == "HTTP/1.1 200 OK")
        #expect(status("GET /metrics?name=x HTTP/1.0") == "HTTP/1.1 200 OK")
        #expect(status("HEAD /metrics HTTP/1.1") == "HTTP/1.1 200 OK")
        #expect(status("GET / HTTP/1.1") == "HTTP/1.1 404 Not Found")
        #expect(status("DELETE /metrics HTTP/1.1") == "HTTP/1.1 405 Method Not Allowed")
        #expect(status("hello") == "HTTP/1.1 400 Bad Request")
        let get = String(
            decoding: MetricsServer.response(to: "GET /metrics HTTP/1.1\r\n\r\n") { Array("m 1\n".utf8) },
            as: UTF8.self)
        #expect(get.hasSuffix("\r\n\r\nm 1\n"))
        #expect(get.contains("Content-Length: 4\r\n"))
        let head = String(
            decoding: MetricsServer.response(to: "HEAD /metrics HTTP/1.1\r\n\r\n") { Array("m 1\n".utf8) },
            as: UTF8.self)
        #expect(head.hasSuffix("\r\n\r\n") && head.contains("Content-Length: 4\r\n"))
    }
}
