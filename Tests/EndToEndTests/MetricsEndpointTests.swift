import Foundation
import TestSupport
import Testing

/// `metrics.listen`: the Prometheus text exposition, scraped over real HTTP.
@Suite(.serialized) struct MetricsEndpointTests {
    @Test func countersFollowWhatHappensToInputs() throws {
        let daemon = try DaemonProcess(extraYAML: "metrics:\n  listen: 127.0.0.1:0")
        try daemon.start()
        let address = try #require(daemon.events("metrics_listening").first?["address"] as? String)
        let port = try #require(address.split(separator: ":").last.flatMap { UInt16($0) })
        #expect(address.hasPrefix("127.0.0.1:") && port > 0)

        // Before any input the series exist, at zero.
        let empty = try Scrape(port: port)
        #expect(empty.value("briefingd_inputs_total", ["source": "inbox", "result": "taken"]) == 0)
        #expect(empty.value("briefingd_inbox_backlog") == 0)
        #expect(empty.types["briefingd_inputs_total"] == "counter")

        let fixture = try Paths.fixtureText()
        try daemon.drop(Array(fixture.utf8), as: "a.txt")
        try daemon.drop(Array((fixture + "\n二。").utf8), as: "b.txt")
        #expect(waitUntil { daemon.events("snapshot_written").count == 2 })
        try daemon.drop(Array(fixture.utf8), as: "a-again.txt")
        try daemon.drop([], as: "empty.txt")
        #expect(
            waitUntil { daemon.events("duplicate").count == 1 && daemon.events("input_failed").count == 1 })

        // The backlog gauge is set at the end of the loop's pass, just after the log lines.
        var scrape = try Scrape(port: port)
        _ = try waitUntil {
            scrape = try Scrape(port: port)
            return scrape.value("briefingd_inbox_backlog") == 0
        }
        #expect(scrape.status == 200)
        #expect(scrape.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(scrape.value("briefingd_inputs_total", ["source": "inbox", "result": "taken"]) == 2)
        #expect(scrape.value("briefingd_inputs_total", ["source": "inbox", "result": "duplicate"]) == 1)
        #expect(scrape.value("briefingd_inputs_total", ["source": "inbox", "result": "failed"]) == 1)
        #expect(scrape.value("briefingd_snapshots_written_total", ["source": "inbox"]) == 2)
        #expect(scrape.value("briefingd_extraction_duration_seconds_count", ["source": "inbox"]) == 4)
        #expect(scrape.types["briefingd_extraction_duration_seconds"] == "histogram")
        #expect(scrape.value("briefingd_inbox_backlog") == 0)
        let lastSuccess = try #require(
            scrape.value("briefingd_last_success_timestamp_seconds", ["source": "inbox"]))
        #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 60)
        let started = try #require(scrape.value("briefingd_start_time_seconds"))
        #expect(started <= lastSuccess)

        // Only GET/HEAD /metrics is served.
        #expect(try Scrape(port: port, request: "GET /other HTTP/1.1").status == 404)
        #expect(try Scrape(port: port, request: "POST /metrics HTTP/1.1").status == 405)
        let head = try Scrape(port: port, request: "HEAD /metrics HTTP/1.1")
        #expect(head.status == 200 && head.body.isEmpty && Int(head.headers["content-length"] ?? "") ?? 0 > 0)
        #expect(daemon.stop() == 0)
    }

    @Test func anAddressInUseStopsTheDaemonWithAReason() throws {
        let first = try DaemonProcess(extraYAML: "metrics:\n  listen: 127.0.0.1:0")
        try first.start()
        let address = try #require(first.events("metrics_listening").first?["address"] as? String)
        let second = try DaemonProcess(extraYAML: "metrics:\n  listen: \(address)")
        #expect(throws: DaemonError.self) { try second.start() }
        let fatal = try #require(second.events("fatal").first)
        #expect((fatal["error"] as? String)?.contains("metrics.listen") == true)
        #expect(first.stop() == 0)
    }
}

/// One HTTP exchange with the metrics endpoint, and the samples of its body.
struct Scrape {
    var status = 0
    var headers: [String: String] = [:]
    var body = ""
    /// `# TYPE` of each metric family.
    var types: [String: String] = [:]
    private var samples: [String: [([String: String], Double)]] = [:]

    init(port: UInt16, request: String = "GET /metrics HTTP/1.1") throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0, "cannot connect to 127.0.0.1:\(port)")
        let bytes = Array((request + "\r\nHost: 127.0.0.1\r\n\r\n").utf8)
        _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first?.components(separatedBy: "\r\n") ?? []
        status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
        for line in body.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let fields = line.split(separator: " ")
                if fields.count == 4 { types[String(fields[2])] = String(fields[3]) }
                continue
            }
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { continue }
            let series = line[..<space]
            var name = String(series)
            var labels: [String: String] = [:]
            if let brace = series.firstIndex(of: "{") {
                name = String(series[..<brace])
                let inner = series[
                    series.index(after: brace)..<(series.lastIndex(of: "}") ?? series.endIndex)]
                for pair in inner.split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    if kv.count == 2 {
                        labels[String(kv[0])] = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    }
                }
            }
            samples[name, default: []].append((labels, value))
        }
    }

    /// The sample of `name` whose labels are exactly `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples[name]?.first { $0.0 == labels }?.1
    }
}
