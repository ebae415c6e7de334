import BriefingCore
import Foundation
import Logging
import TestSupport

@testable import BriefingStore

/// Settings for a test server, with a given instance name and lease.
func settings(
    _ server: PostgresServer, instance: String = "test", lease: Int64 = 2000, password: String? = nil
)
    -> PostgresSettings
{
    var s = PostgresSettings(
        host: "127.0.0.1", port: server.port, user: server.user, database: server.database,
        password: password ?? server.password, instance: instance, leaseMilliseconds: lease)
    s.timeoutMilliseconds = 3000
    return s
}

let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A real snapshot of the shared fixture with a distinguishing last line, as the daemon would publish it.
func fixtureRow(_ note: String, path: String = "2026-11-29/x.json") throws -> (
    Snapshot, SharedStore.SnapshotRow
) {
    let text = try Paths.fixtureText() + "\n补充说明：\(note)。\n"
    let snapshot = try BriefingPipeline.process(
        Array(text.utf8), source: Source(kind: .inbox, name: "inbox"),
        ingestedAt: Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)))
    return (snapshot, SharedStore.SnapshotRow(id: snapshot.id, path: path, json: snapshot.jsonBytes()))
}
