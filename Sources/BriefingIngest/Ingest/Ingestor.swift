import BriefingCore
import Dispatch
import Foundation
import Logging
import Synchronization

/// Turns batches of items into snapshots, in the order of effects that makes a crash harmless:
/// snapshot durable → state recorded → manifest line → input moved.
public final class Ingestor: Sendable {
    let config: DaemonConfig
    let state: StateStore
    let store: SnapshotStore
    let logger: Logger
    let metrics: IngestMetrics
    /// Manifest lines of recorded snapshots whose append failed (disk full), oldest first.
    private let owedManifest = Mutex<[StateStore.SnapshotRecord]>([])

    public init(
        config: DaemonConfig, state: StateStore, logger: Logger, metrics: IngestMetrics = IngestMetrics()
    ) {
        self.config = config
        self.state = state
        self.store = SnapshotStore(root: config.snapshotsPath)
        self.logger = logger
        self.metrics = metrics
    }

    /// Makes the configured folders and repairs what a crash may have left behind.
    public func prepare() throws {
        for dir in [config.inbox.path, config.inbox.archive, config.inbox.failed, config.snapshotsPath] {
            try FileSystem.makeDirectories(dir)
        }
        let recovery = try store.recover(state: state)
        if recovery != SnapshotStore.Recovery() {
            logger.notice(
                "recovered",
                metadata: [
                    "temp_files_removed": .stringConvertible(recovery.tempFilesRemoved),
                    "torn_manifest_bytes": .stringConvertible(recovery.tornManifestBytes),
                    "snapshots_recorded": .stringConvertible(recovery.snapshotsRecorded),
                    "manifest_lines_added": .stringConvertible(recovery.manifestLinesAdded),
                ])
        }
        repairFailedFolder()
    }

    struct Work: Sendable {
        var item: IngestItem
        var started: Int64
        var ingestedAt: Timestamp
        var result: Result<Snapshot, IngestFailure>?
        /// The inbox file as it was before it was read; a different file under the same name at
        /// archive time means the input was replaced meanwhile.
        var identity: FileIdentity? = nil
    }

    enum IngestFailure: Error {
        case input(code: String, detail: String)
        case vanished
    }

    /// Processes `items` as one batch and returns an outcome for each, in order.
    public func ingest(_ items: [IngestItem]) -> [IngestOutcome] {
        guard !items.isEmpty else { return [] }
        var work = items.map {
            Work(item: $0, started: monotonicMilliseconds(), ingestedAt: .now(), result: nil)
        }
        // Before reading: if the name is replaced after this, the check at archive time sees it.
        for i in work.indices {
            if case .file(let f) = work[i].item { work[i].identity = FileIdentity(path: f.path) }
        }

        // Decode, normalize and extract in parallel: it is pure CPU work.
        let options = config.pipelineOptions
        let metrics = metrics
        let results = work.concurrentMap { [config, logger] work in
            let started = DispatchTime.now().uptimeNanoseconds
            let result = Self.process(work, options: options, maxBytes: config.inbox.maxBytes, logger: logger)
            metrics.extraction(
                source: work.item.sourceName, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
            return result
        }
        for i in work.indices { work[i].result = results[i] }

        var outcomes = [IngestOutcome?](repeating: nil, count: work.count)
        var pending: [SnapshotStore.Pending] = []
        var pendingIndex: [Int] = []
        var batchIDs: [String: Int] = [:]
        for i in work.indices {
            switch work[i].result! {
            case .failure(.vanished):
                outcomes[i] = .vanished
            case .failure(.input(let code, let detail)):
                outcomes[i] = .failed(code: code, detail: detail)
            case .success(var snapshot):
                do {
                    if let path = try state.snapshotPath(id: snapshot.id) {
                        if case .fetched(let doc) = work[i].item,
                            try state.urlState(doc.url)?.lastID == snapshot.id
                        {
                            outcomes[i] = .unchanged(id: snapshot.id)
                        } else {
                            outcomes[i] = .duplicate(id: snapshot.id, path: path)
                        }
                        continue
                    }
                    if let first = batchIDs[snapshot.id] {
                        outcomes[i] = .duplicate(id: snapshot.id, path: pending[first].relativePath)
                        continue
                    }
                    if case .fetched(let doc) = work[i].item {
                        snapshot.revision.supersedes = try state.urlState(doc.url)?.lastID
                    }
                } catch {
                    outcomes[i] = .deferred(reason: error.description)
                    continue
                }
                batchIDs[snapshot.id] = pending.count
                pending.append(
                    SnapshotStore.Pending(snapshot: snapshot, bytes: [], ingestedAt: work[i].ingestedAt))
                pendingIndex.append(i)
            }
        }

        // Encoding is also pure and parallel.
        let encoded = pending.concurrentMap { $0.snapshot.jsonBytes() }
        for j in pending.indices { pending[j].bytes = encoded[j] }

        commit(pending, pendingIndex: pendingIndex, outcomes: &outcomes)
        // Duplicates of a snapshot that was deferred in this batch wait with it.
        for i in work.indices {
            if case .duplicate(let id, _) = outcomes[i], let first = batchIDs[id],
                case .deferred(let reason) = outcomes[pendingIndex[first]]
            {
                outcomes[i] = .deferred(reason: reason)
            }
        }
        let final = outcomes.map { $0! }
        settleInputs(work, final)
        return final
    }

    private func commit(
        _ pending: [SnapshotStore.Pending], pendingIndex: [Int], outcomes: inout [IngestOutcome?]
    ) {
        guard !pending.isEmpty else { return }
        func deferAll(_ error: any Error) {
            let reason = Self.writeCause(error, root: store.root)
            for i in pendingIndex { outcomes[i] = .deferred(reason: reason) }
        }
        // Lines a full disk refused earlier come first, so the manifest keeps the order of effects.
        do { try appendOwedManifestLines() } catch { return deferAll(error) }
        let records = pending.map {
            StateStore.SnapshotRecord(
                id: $0.snapshot.id, path: $0.relativePath, source: $0.snapshot.source.name,
                url: $0.snapshot.source.url, ingestedAt: $0.snapshot.ingestedAt)
        }
        do { try store.write(pending) } catch { return deferAll(error) }
        do {
            try state.record(records)
        } catch {
            // Unrecorded files would be twins of the snapshot the retry writes: take them back.
            store.discard(pending)
            return deferAll(error)
        }
        do {
            try store.appendManifest(records)
        } catch {
            // The snapshots are durable and recorded, so the inputs may leave the inbox; the lines
            // are owed and appended before the next batch (or by recovery at the next start).
            let first = owedManifest.withLock { owed in
                defer { owed.append(contentsOf: records) }
                return owed.isEmpty
            }
            if first {
                logger.error(
                    "manifest_behind",
                    metadata: [
                        "error": "\(error)", "action": "lines are appended once the disk accepts them",
                    ])
            }
        }
        for (j, i) in pendingIndex.enumerated() {
            outcomes[i] = .written(id: pending[j].snapshot.id, path: pending[j].relativePath)
        }
    }

    /// What stops writes, worded the same at every retry (no temporary file names in it), so that
    /// the daemon logs a cause once rather than once per attempt.
    static func writeCause(_ error: any Error, root: String) -> String {
        guard let error = error as? FileSystemError else { return "\(error)" }
        return "\(String(cString: strerror(error.code))) (writing under \(root))"
    }

    /// Appends the manifest lines a failed append left owed.
    private func appendOwedManifestLines() throws(FileSystemError) {
        let owed = owedManifest.withLock { $0 }
        guard !owed.isEmpty else { return }
        try store.appendManifest(owed)
        owedManifest.withLock { $0.removeFirst(owed.count) }
        logger.notice("manifest_caught_up", metadata: ["lines": .stringConvertible(owed.count)])
    }

    static func process(_ work: Work, options: PipelineOptions, maxBytes: Int, logger: Logger)
        -> Result<
            Snapshot, IngestFailure
        >
    {
        let bytes: [UInt8]
        let hints: DecodeHints
        let source: Source
        switch work.item {
        case .file(let file):
            do {
                bytes = try FileSystem.readRegularFile(file.path, limit: maxBytes)
            } catch {
                switch error {
                case .symlink:
                    return .failure(
                        .input(
                            code: "symlink",
                            detail:
                                "the input is a symbolic link, which is never followed; copy the file itself into the inbox"
                        ))
                case .notRegular(let type):
                    return .failure(
                        .input(
                            code: "not_regular_file",
                            detail: "the input is a \(type), not a regular file; drop files only"))
                case .tooLarge(let size):
                    let e = InputError.tooLarge(bytes: size, limit: maxBytes)
                    return .failure(.input(code: e.code, detail: e.description))
                case .io(let e):
                    if e.code == ENOENT { return .failure(.vanished) }
                    return .failure(.input(code: "unreadable", detail: "\(e); check the file's permissions"))
                }
            }
            hints = DecodeHints(fileName: file.name)
            source = Source(kind: .inbox, name: "inbox", path: file.path)
        case .fetched(let doc):
            bytes = doc.body
            hints = doc.hints
            source = Source(kind: .url, name: doc.sourceName, url: doc.url, http: doc.http)
        }
        do {
            let (snapshot, notes) = try BriefingPipeline.processWithNotes(
                bytes, hints: hints, source: source, ingestedAt: work.ingestedAt, options: options)
            for note in notes {
                logger.notice(
                    "decode_note", metadata: ["input": "\(work.item.displayName)", "note": "\(note)"])
            }
            return .success(snapshot)
        } catch {
            return .failure(.input(code: error.code, detail: error.description))
        }
    }
}
