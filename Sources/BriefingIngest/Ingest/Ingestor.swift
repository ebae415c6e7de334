import BriefingCore
import Dispatch
import Foundation
import Logging

/// One thing to turn into a snapshot: a file taken from the inbox, or a page fetched from a source.
public enum IngestItem: Sendable {
    case file(InboxFile)
    case fetched(FetchedDocument)
}

/// A file in the inbox that has settled.
public struct InboxFile: Sendable, Equatable {
    public var name: String
    public var path: String
    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// A body fetched from a configured source.
public struct FetchedDocument: Sendable {
    public var sourceName: String
    public var url: String
    public var body: [UInt8]
    public var http: HTTPInfo
    public var hints: DecodeHints

    public init(sourceName: String, url: String, body: [UInt8], http: HTTPInfo, hints: DecodeHints) {
        self.sourceName = sourceName
        self.url = url
        self.body = body
        self.http = http
        self.hints = hints
    }
}

/// What became of one item.
public enum IngestOutcome: Sendable, Equatable {
    /// A new snapshot, at this path relative to `snapshots.path`.
    case written(id: String, path: String)
    /// The content already has a snapshot (at `path`); no second one was made.
    case duplicate(id: String, path: String)
    /// A fetched page whose normalized text is the same as the last snapshot of its URL.
    case unchanged(id: String)
    /// The input cannot become a snapshot; it went to `failed/`.
    case failed(code: String, detail: String)
    /// The item could not be handled now (disk full, snapshot folder unwritable); it stays where it is.
    case deferred(reason: String)
    /// The file vanished before it could be read (removed by its owner).
    case vanished
}

/// Turns batches of items into snapshots, in the order of effects that makes a crash harmless:
/// snapshot durable → state recorded → manifest line → input moved.
public final class Ingestor: Sendable {
    let config: DaemonConfig
    let state: StateStore
    let store: SnapshotStore
    let logger: Logger
    let metrics: IngestMetrics

    public init(config: DaemonConfig, state: StateStore, logger: Logger, metrics: IngestMetrics = IngestMetrics()) {
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
                    "temp_files_removed": "\(recovery.tempFilesRemoved)",
                    "torn_manifest_bytes": "\(recovery.tornManifestBytes)",
                    "snapshots_recorded": "\(recovery.snapshotsRecorded)",
                    "manifest_lines_added": "\(recovery.manifestLinesAdded)",
                ])
        }
    }

    private struct Work {
        var item: IngestItem
        var started: Int64
        var ingestedAt: Timestamp
        var result: Result<Snapshot, IngestFailure>?
        /// The inbox file that was read, so that a file replaced under the same name meanwhile is
        /// left for the next pass rather than moved unprocessed.
        var identity: FileSystem.Identity?
    }

    private enum IngestFailure: Error {
        case input(code: String, detail: String)
        case vanished
    }

    /// Processes `items` as one batch and returns an outcome for each, in order.
    public func ingest(_ items: [IngestItem]) -> [IngestOutcome] {
        guard !items.isEmpty else { return [] }
        var work = items.map { Work(item: $0, started: monotonicMilliseconds(), ingestedAt: .now(), result: nil) }

        // Decode, normalize and extract in parallel: it is pure CPU work.
        let results = UnsafeResults<(Result<Snapshot, IngestFailure>, FileSystem.Identity?)>(count: work.count)
        let options = PipelineOptions(maxReplacementRatio: config.maxReplacementRatio)
        let snapshotWork = work
        DispatchQueue.concurrentPerform(iterations: work.count) { i in
            results.set(i, Self.process(snapshotWork[i], options: options, maxBytes: config.inbox.maxBytes, logger: logger))
        }
        for i in work.indices { (work[i].result, work[i].identity) = results.get(i) }

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
                        if case .fetched(let doc) = work[i].item, try state.urlState(doc.url)?.lastID == snapshot.id {
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
                pending.append(SnapshotStore.Pending(snapshot: snapshot, bytes: [], ingestedAt: work[i].ingestedAt))
                pendingIndex.append(i)
            }
        }

        // Encoding is also pure and parallel.
        let encoded = UnsafeResults<[UInt8]>(count: pending.count)
        let toEncode = pending
        DispatchQueue.concurrentPerform(iterations: pending.count) { j in encoded.set(j, toEncode[j].snapshot.jsonBytes()) }
        for j in pending.indices { pending[j].bytes = encoded.get(j) }

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

    private func commit(_ pending: [SnapshotStore.Pending], pendingIndex: [Int], outcomes: inout [IngestOutcome?]) {
        guard !pending.isEmpty else { return }
        let records = pending.map {
            StateStore.SnapshotRecord(
                id: $0.snapshot.id, path: $0.relativePath, source: $0.snapshot.source.name,
                url: $0.snapshot.source.url, ingestedAt: $0.snapshot.ingestedAt)
        }
        do {
            try store.write(pending)
            try state.record(records)
            try store.appendManifest(records)
            for (j, i) in pendingIndex.enumerated() {
                outcomes[i] = .written(id: pending[j].snapshot.id, path: pending[j].relativePath)
            }
        } catch {
            let reason = "\(error)"
            for i in pendingIndex { outcomes[i] = .deferred(reason: reason) }
        }
    }

    /// Moves inputs out of the inbox (archive or failed) and logs each outcome.
    private func settleInputs(_ work: [Work], _ outcomes: [IngestOutcome]) {
        var touched = Set<String>()
        for (w, outcome) in zip(work, outcomes) {
            let elapsed = monotonicMilliseconds() - w.started
            // A file replaced under the same name while in hand is not this outcome's: leave it for
            // the next pass instead of moving it unprocessed.
            var movable = true
            if case .file(let f) = w.item, w.identity != nil, FileSystem.identity(f.path) != w.identity {
                logger.notice("replaced_while_processing", metadata: ["file": "\(f.name)"])
                movable = false
            }
            var meta: Logger.Metadata = ["duration_ms": "\(elapsed)"]
            switch w.item {
            case .file(let f): meta["file"] = "\(f.name)"
            case .fetched(let d):
                meta["source"] = "\(d.sourceName)"
                meta["url"] = "\(d.url)"
            }
            let sourceName = w.item.sourceName
            switch outcome {
            case .written(let id, let path):
                meta["id"] = "\(id)"
                meta["snapshot"] = "\(path)"
                if case .file(let f) = w.item, movable {
                    meta["archived"] = "\(archive(f, at: w.ingestedAt, touched: &touched))"
                }
                metrics.snapshotWritten(source: sourceName, milliseconds: elapsed)
                logger.info("snapshot_written", metadata: meta)
            case .duplicate(let id, let path):
                meta["id"] = "\(id)"
                meta["snapshot"] = "\(path)"
                if case .file(let f) = w.item, movable {
                    meta["archived"] = "\(archive(f, at: w.ingestedAt, touched: &touched))"
                }
                metrics.duplicate(source: sourceName)
                logger.info("duplicate", metadata: meta)
            case .unchanged(let id):
                meta["id"] = "\(id)"
                logger.info("unchanged", metadata: meta)
            case .failed(let code, let detail):
                meta["error"] = "\(code)"
                meta["detail"] = "\(detail)"
                if movable {
                    meta["moved_to"] = "\(fail(w.item, code: code, detail: detail, at: w.ingestedAt, touched: &touched))"
                }
                try? state.recordFailure(
                    source: sourceName, name: w.item.displayName, error: code, detail: detail, at: w.ingestedAt.rfc3339)
                metrics.failed(source: sourceName)
                logger.warning("input_failed", metadata: meta)
            case .deferred(let reason):
                meta["reason"] = "\(reason)"
                logger.debug("deferred", metadata: meta)
            case .vanished:
                logger.debug("vanished", metadata: meta)
            }
        }
        for dir in touched { try? FileSystem.syncDirectory(dir) }
    }

    private func archive(_ file: InboxFile, at time: Timestamp, touched: inout Set<String>) -> String {
        let dir = config.inbox.archive + "/" + time.civilDate.iso
        do {
            try FileSystem.makeDirectories(dir)
            let target = try FileSystem.moveWithoutOverwriting(file.path, toDirectory: dir, name: file.name)
            touched.insert(dir)
            touched.insert(config.inbox.path)
            return target
        } catch {
            // The snapshot is committed; a later pass sees the input as a duplicate and archives it then.
            logger.error("archive_failed", metadata: ["file": "\(file.name)", "error": "\(error)"])
            return ""
        }
    }

    /// Puts a failed input into `failed/` with `NAME.error.json` beside it: an inbox file is moved
    /// there; a fetched body, which exists nowhere else, is written there so nothing is lost.
    private func fail(_ item: IngestItem, code: String, detail: String, at time: Timestamp, touched: inout Set<String>)
        -> String
    {
        var fields = [("error", code), ("detail", detail), ("at", time.rfc3339)]
        do {
            let target: String
            switch item {
            case .file(let file):
                fields.append(("file", file.name))
                target = try FileSystem.moveWithoutOverwriting(
                    file.path, toDirectory: config.inbox.failed, name: file.name)
                touched.insert(config.inbox.path)
            case .fetched(let doc):
                fields.append(("url", doc.url))
                let ext = doc.hints.contentType?.contains("html") == true ? ".html" : ".body"
                let temp = config.inbox.failed + "/" + SnapshotStore.tempPrefix + doc.sourceName
                unlink(temp)
                try FileSystem.writeNewFile(temp, doc.body, sync: true)
                target = try FileSystem.moveWithoutOverwriting(
                    temp, toDirectory: config.inbox.failed, name: "\(doc.sourceName)-\(time.compact)\(ext)")
            }
            var json = "{"
            for (i, (key, value)) in fields.enumerated() {
                json += i == 0 ? "\"\(key)\":" : ",\"\(key)\":"
                appendJSONString(value, to: &json)
            }
            json += "}\n"
            let errorPath = target + ".error.json"
            let temp = config.inbox.failed + "/" + SnapshotStore.tempPrefix + (errorPath as NSString).lastPathComponent
            unlink(temp)
            try FileSystem.writeNewFile(temp, Array(json.utf8), sync: true)
            guard rename(temp, errorPath) == 0 else { throw FileSystemError("rename", temp) }
            touched.insert(config.inbox.failed)
            return target
        } catch {
            logger.error("move_to_failed_failed", metadata: ["input": "\(item.displayName)", "error": "\(error)"])
            return ""
        }
    }

    private static func process(_ work: Work, options: PipelineOptions, maxBytes: Int, logger: Logger) -> (
        Result<Snapshot, IngestFailure>, FileSystem.Identity?
    ) {
        let bytes: [UInt8]
        let identity: FileSystem.Identity?
        let hints: DecodeHints
        let source: Source
        switch work.item {
        case .file(let file):
            do throws(FileSystem.ReadError) {
                (bytes, identity) = try FileSystem.readRegularFileWithIdentity(file.path, limit: maxBytes)
            } catch {
                return (.failure(readFailure(error, maxBytes: maxBytes)), FileSystem.identity(file.path))
            }
            hints = DecodeHints(fileName: file.name)
            source = Source(kind: .inbox, name: "inbox", path: file.path)
        case .fetched(let doc):
            (bytes, identity) = (doc.body, nil)
            hints = doc.hints
            source = Source(kind: .url, name: doc.sourceName, url: doc.url, http: doc.http)
        }
        do {
            let (snapshot, notes) = try BriefingPipeline.processWithNotes(
                bytes, hints: hints, source: source, ingestedAt: work.ingestedAt, options: options)
            for note in notes { logger.notice("decode_note", metadata: ["input": "\(work.item.displayName)", "note": "\(note)"]) }
            return (.success(snapshot), identity)
        } catch {
            return (.failure(.input(code: error.code, detail: error.description)), identity)
        }
    }

    private static func readFailure(_ error: FileSystem.ReadError, maxBytes: Int) -> IngestFailure {
        switch error {
        case .symlink:
            .input(
                code: "symlink",
                detail: "the input is a symbolic link, which is never followed; copy the file itself into the inbox")
        case .notRegular(let type):
            .input(code: "not_regular_file", detail: "the input is a \(type), not a regular file; drop files only")
        case .tooLarge(let size):
            .input(
                code: InputError.tooLarge(bytes: size, limit: maxBytes).code,
                detail: InputError.tooLarge(bytes: size, limit: maxBytes).description)
        case .io(let e) where e.code == ENOENT:
            .vanished
        case .io(let e):
            .input(code: "unreadable", detail: "\(e); check the file's permissions")
        }
    }
}

extension IngestItem {
    var sourceName: String {
        switch self {
        case .file: "inbox"
        case .fetched(let d): d.sourceName
        }
    }
    var displayName: String {
        switch self {
        case .file(let f): f.name
        case .fetched(let d): d.url
        }
    }
}

/// Fixed-size result slots filled from `concurrentPerform`, each index written by exactly one iteration.
final class UnsafeResults<T>: @unchecked Sendable {
    // @unchecked: slot i is written once by iteration i and read only after concurrentPerform returns.
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }
    func get(_ i: Int) -> T { slots[i]! }
}
