import BriefingCore
import BriefingStore
import Foundation
import Logging

// The shared store's part of ingestion: what the fleet already has, publishing rows after the
// snapshot files are durable, and the start-up pass that publishes what a crash left unpublished.

/// Rows and URL records of the fleet that a batch needs before it writes anything.
struct SharedLookup {
    var rows: [String: SharedStore.ExistingRow] = [:]
    var urls: [String: SharedStore.URLRecord] = [:]

    /// `ids`: content ids of extracted inputs; `urls`: the URLs of the fetched ones among them.
    static func fetch(ids: [String], urls: [String], from shared: SharedStore) throws(StoreError)
        -> SharedLookup
    {
        guard !ids.isEmpty else { return SharedLookup() }
        return try shared.blocking { () async throws(StoreError) in
            SharedLookup(
                rows: try await shared.existing(ids: ids), urls: try await shared.urlRecords(urls))
        }
    }
}

extension SharedStore.ExistingRow {
    /// `instance:path`, how a log line names a snapshot that may live on another machine.
    var display: String { "\(instance):\(path)" }
}

/// The outcome of publishing a batch: which ids got their row now, and where the others' rows point.
struct SharedPublish {
    var inserted: Set<String>
    var existing: [String: SharedStore.ExistingRow]

    static func insert(_ pending: [SnapshotStore.Pending], into shared: SharedStore) throws(StoreError)
        -> SharedPublish
    {
        let rows = pending.map {
            SharedStore.SnapshotRow(id: $0.id, path: $0.relativePath, json: $0.bytes)
        }
        return try shared.blocking { () async throws(StoreError) in
            let inserted = try await shared.insert(rows)
            let lost = rows.map(\.id).filter { !inserted.contains($0) }
            // Only for the log line of a race lost to another instance; its row is what counts.
            let existing = (try? await shared.existing(ids: lost)) ?? [:]
            return SharedPublish(inserted: inserted, existing: existing)
        }
    }
}

extension Ingestor {
    /// Publishes the snapshots this instance recorded whose rows the database lacks (a crash
    /// between the durable file and the commit). Idempotent: a row that exists is left alone.
    func publishMissingRows() async throws {
        guard let shared else { return }
        let records = try state.allSnapshots()
        var published = 0
        var unreadable = 0
        for chunkStart in stride(from: 0, to: records.count, by: 500) {
            let chunk = Array(records[chunkStart..<min(records.count, chunkStart + 500)])
            let ids = chunk.map(\.id)
            let present = try await shared.existing(ids: ids)
            var rows: [SharedStore.SnapshotRow] = []
            for record in chunk where present[record.id] == nil {
                guard let data = FileManager.default.contents(atPath: store.root + "/" + record.path) else {
                    unreadable += 1
                    logger.error(
                        "store_recovery_unreadable",
                        metadata: ["id": "\(record.id)", "path": "\(record.path)", "action": "not published"])
                    continue
                }
                rows.append(SharedStore.SnapshotRow(id: record.id, path: record.path, json: [UInt8](data)))
            }
            for batchStart in stride(from: 0, to: rows.count, by: 50) {
                let batch = Array(rows[batchStart..<min(rows.count, batchStart + 50)])
                let inserted = try await shared.insert(batch)
                published += inserted.count
            }
        }
        if published > 0 || unreadable > 0 {
            logger.notice(
                "store_recovered",
                metadata: ["rows_published": "\(published)", "unreadable": "\(unreadable)"])
        }
    }
}
