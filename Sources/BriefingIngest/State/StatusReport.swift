import BriefingCore
import Foundation

/// What `briefingd status` prints: per-source poll status from the state database (opened
/// read-only, so it works beside the running daemon) and the inbox and failed counts.
public struct StatusReport: Codable, Sendable {
    public var sources: [StateStore.SourceStatus]
    public var snapshots: Int
    public var inbox: Int
    public var failed: Int

    public static func read(config: DaemonConfig) throws -> StatusReport {
        let statePath = config.statePath + "/" + StateStore.fileName
        var statuses: [StateStore.SourceStatus] = []
        var snapshots = 0
        if FileManager.default.fileExists(atPath: statePath) {
            let state = try StateStore(directory: config.statePath, readOnly: true)
            statuses = try state.sourceStatuses()
            snapshots = try state.snapshotCount()
        }
        // Configured sources that have not been polled yet still get a row.
        for s in config.sources where !statuses.contains(where: { $0.name == s.name }) {
            statuses.append(StateStore.SourceStatus(name: s.name, result: "never polled"))
        }
        func count(_ dir: String, _ include: (String) -> Bool) -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter(include).count
        }
        return StatusReport(
            sources: statuses.sorted { $0.name < $1.name }, snapshots: snapshots,
            inbox: count(config.inbox.path) { !SettleTracker.isIgnored($0) },
            failed: count(config.inbox.failed) { !$0.hasSuffix(".error.json") && !$0.hasPrefix(".") })
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public func text() -> String {
        var lines = ["snapshots: \(snapshots)   inbox waiting: \(inbox)   failed: \(failed)"]
        if sources.isEmpty { lines.append("no sources configured") }
        for s in sources {
            lines.append(
                "\(s.name): last poll \(s.lastPoll ?? "-"), result \(s.result ?? "-"), next poll \(s.nextPoll ?? "-"), "
                    + "errors \(s.errors)\(s.lastError.map { " (last: \($0))" } ?? ""), last success \(s.lastSuccess ?? "-")"
            )
        }
        return lines.joined(separator: "\n")
    }
}
