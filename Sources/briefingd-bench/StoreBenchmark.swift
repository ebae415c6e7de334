import Foundation
import TestSupport

// `store.postgres` figures: snapshots per second committed into a real PostgreSQL (fsync on) by one
// and by three instances, and the drop→row latency of single files into an idle instance.

struct StoreFigures: Codable {
    var instances1PerSecond: Double
    var instances3PerSecond: Double
    var files: Int
    var latencyDrops: Int
    var latencyP50Milliseconds: Double
    var latencyP99Milliseconds: Double
    var problem: String?
}

struct StoreBenchmark {
    var executable: String
    var fixture: [UInt8]
    var files: Int
    var latencyDrops: Int

    func variant(_ label: String, _ number: Int) -> [UInt8] {
        fixture + Array("\n共享存储基准\(label)第\(number)号样本。\n".utf8)
    }

    func run() throws -> StoreFigures {
        let one = try burst(instances: 1, label: "单")
        let three = try burst(instances: 3, label: "三")
        let (p50, p99) = try latency()
        return StoreFigures(
            instances1PerSecond: one, instances3PerSecond: three, files: files, latencyDrops: latencyDrops,
            latencyP50Milliseconds: p50, latencyP99Milliseconds: p99)
    }

    private func fleet(_ server: PostgresServer, _ count: Int) throws -> [DaemonHarness] {
        try (0..<count).map { i in
            try DaemonHarness(
                executable: executable, extraYAML: try server.storeYAML(instance: "bench-\(i)", lease: "30s"))
        }
    }

    /// Snapshots per second from the first rename to the last row, `files` spread over the inboxes.
    private func burst(instances: Int, label: String) throws -> Double {
        let server = try PostgresServer(durable: true)
        let daemons = try fleet(server, instances)
        defer {
            for d in daemons {
                d.stop()
                d.removeFiles()
            }
        }
        for d in daemons { try d.start() }
        let names = (0..<files).map { "store-\($0).txt" }
        for (i, name) in names.enumerated() {
            try FileIO.write(variant(label, i), to: daemons[i % instances].inbox + "/." + name)
        }
        MonotonicClock.sleep(milliseconds: 500)
        let start = MonotonicClock.nanoseconds()
        for (i, name) in names.enumerated() {
            let inbox = daemons[i % instances].inbox
            try FileIO.rename(inbox + "/." + name, inbox + "/" + name)
        }
        var lastCount = 0
        var lastProgress = MonotonicClock.nanoseconds()
        while true {
            let rows = try server.count("SELECT count(*) FROM briefingd.snapshots")
            if rows >= files { break }
            if rows != lastCount {
                lastCount = rows
                lastProgress = MonotonicClock.nanoseconds()
            }
            if MonotonicClock.nanoseconds() - lastProgress > 60_000_000_000 {
                throw BenchError("store: no new row for 60 s at \(rows) of \(files)")
            }
            MonotonicClock.sleep(milliseconds: 20)
        }
        return Double(files) / MonotonicClock.seconds(since: start)
    }

    /// Single drops ~100 ms apart, each from its rename to its row's commit time (same machine clock).
    private func latency() throws -> (Double, Double) {
        let server = try PostgresServer(durable: true)
        let daemon = try fleet(server, 1)[0]
        defer {
            daemon.stop()
            daemon.removeFiles()
        }
        try daemon.start()
        var dropped: [String: Double] = [:]
        for i in 0..<latencyDrops {
            let name = "single-\(i).txt"
            try FileIO.write(variant("延迟", i), to: daemon.inbox + "/." + name)
            dropped[name] = Date().timeIntervalSince1970
            try FileIO.rename(daemon.inbox + "/." + name, daemon.inbox + "/" + name)
            MonotonicClock.sleep(milliseconds: 100)
        }
        let deadline = Date().addingTimeInterval(30)
        while try server.count("SELECT count(*) FROM briefingd.snapshots") < latencyDrops {
            guard Date() < deadline else { throw BenchError("store: single drops did not all become rows") }
            MonotonicClock.sleep(milliseconds: 20)
        }
        let rows = try server.sql(
            "SELECT document->'source'->>'path', extract(epoch FROM committed_at) FROM briefingd.snapshots")
        var samples: [Double] = []
        for line in rows.split(separator: "\n") {
            let parts = line.split(separator: "|")
            guard parts.count == 2, let committed = Double(parts[1]),
                let at = dropped[(String(parts[0]) as NSString).lastPathComponent]
            else { continue }
            samples.append((committed - at) * 1000)
        }
        guard samples.count == latencyDrops else {
            throw BenchError("store: \(samples.count) latency samples")
        }
        return (Statistics.percentile(samples, 50), Statistics.percentile(samples, 99))
    }
}
