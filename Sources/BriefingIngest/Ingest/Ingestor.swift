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
    /// Manifest lines of recorded snapshots whose append failed (disk full), oldest first.
    private let owedManifest = LockedBox<[StateStore.SnapshotRecord]>([])

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
                    "temp_files_removed": "\(recovery.tempFilesRemoved)",
                    "torn_manifest_bytes": "\(recovery.tornManifestBytes)",
                    "snapshots_recorded": "\(recovery.snapshotsRecorded)",
                    "manifest_lines_added": "\(recovery.manifestLinesAdded)",
                ])
        }
        repairFailedFolder()
    }

    /// A crash between moving an input to `failed/` and writing its `NAME.error.json` leaves the
    /// input without its reason: find the reason again (the pipeline is deterministic) and write it.
    /// Also removes error files that were still temporary.
    private func repairFailedFolder() {
        let dir = config.inbox.failed
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let present = Set(names)
        var touched = false
        for name in names.sorted() {
            if name.hasPrefix(SnapshotStore.tempPrefix) {
                unlink(dir + "/" + name)
                touched = true
                continue
            }
            guard !name.hasPrefix("."), !name.hasSuffix(".error.json"),
                !present.contains(name + ".error.json")
            else { continue }
            let now = Timestamp.now()
            let work = Work(
                item: .file(InboxFile(name: name, path: dir + "/" + name)), started: monotonicMilliseconds(),
                ingestedAt: now, result: nil)
            let (code, detail): (String, String)
            switch Self.process(
                work, options: PipelineOptions(maxReplacementRatio: config.maxReplacementRatio),
                maxBytes: config.inbox.maxBytes, logger: logger)
            {
            case .failure(.input(let c, let d)): (code, detail) = (c, d)
            case .failure(.vanished): continue
            case .success:
                (code, detail) = (
                    "interrupted",
                    "the daemon stopped before it recorded why this input failed, and it now reads fine; "
                        + "move it back into the inbox to try again"
                )
            }
            do {
                try writeErrorFile(
                    for: dir + "/" + name, fields: [("file", name)], code: code, detail: detail, at: now)
                try? state.recordFailure(
                    source: "inbox", name: name, error: code, detail: detail, at: now.rfc3339)
                touched = true
                logger.notice("failed_reason_restored", metadata: ["file": "\(name)", "error": "\(code)"])
            } catch {
                logger.error("failed_reason_lost", metadata: ["file": "\(name)", "error": "\(error)"])
            }
        }
        if touched { try? FileSystem.syncDirectory(dir) }
    }

    private struct Work {
        var item: IngestItem
        var started: Int64
        var ingestedAt: Timestamp
        var result: Result<Snapshot, IngestFailure>?
        /// The inbox file as it was before it was read; a different file under the same name at
        /// archive time means the input was replaced meanwhile.
        var identity: FileIdentity? = nil
    }

    private enum IngestFailure: Error {
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
        let results = UnsafeResults<Result<Snapshot, IngestFailure>>(count: work.count)
        let options = PipelineOptions(maxReplacementRatio: config.maxReplacementRatio)
        let snapshotWork = work
        let metrics = metrics
        DispatchQueue.concurrentPerform(iterations: work.count) { i in
            let started = DispatchTime.now().uptimeNanoseconds
            results.set(
                i,
                Self.process(
                    snapshotWork[i], options: options, maxBytes: config.inbox.maxBytes, logger: logger))
            metrics.extraction(
                source: snapshotWork[i].item.sourceName,
                nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
        }
        for i in work.indices { work[i].result = results.get(i) }

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
        let encoded = UnsafeResults<[UInt8]>(count: pending.count)
        let toEncode = pending
        DispatchQueue.concurrentPerform(iterations: pending.count) { j in
            encoded.set(j, toEncode[j].snapshot.jsonBytes())
        }
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
            let first = owedManifest.withValue { owed in
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
        let owed = owedManifest.value
        guard !owed.isEmpty else { return }
        try store.appendManifest(owed)
        owedManifest.withValue { $0.removeFirst(owed.count) }
        logger.notice("manifest_caught_up", metadata: ["lines": "\(owed.count)"])
    }

    /// Moves inputs out of the inbox (archive or failed) and logs each outcome.
    private func settleInputs(_ work: [Work], _ outcomes: [IngestOutcome]) {
        var touched = Set<String>()
        for (w, outcome) in zip(work, outcomes) {
            let elapsed = monotonicMilliseconds() - w.started
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
                if case .file(let f) = w.item { meta["archived"] = "\(archive(f, w, touched: &touched))" }
                metrics.snapshotWritten(source: sourceName, milliseconds: elapsed)
                logger.info("snapshot_written", metadata: meta)
            case .duplicate(let id, let path):
                meta["id"] = "\(id)"
                meta["snapshot"] = "\(path)"
                if case .file(let f) = w.item { meta["archived"] = "\(archive(f, w, touched: &touched))" }
                metrics.duplicate(source: sourceName)
                logger.info("duplicate", metadata: meta)
            case .unchanged(let id):
                meta["id"] = "\(id)"
                metrics.unchanged(source: sourceName)
                logger.info("unchanged", metadata: meta)
            case .failed(let code, let detail):
                meta["error"] = "\(code)"
                meta["detail"] = "\(detail)"
                meta["moved_to"] = "\(fail(w, code: code, detail: detail, touched: &touched))"
                try? state.recordFailure(
                    source: sourceName, name: w.item.displayName, error: code, detail: detail,
                    at: w.ingestedAt.rfc3339)
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

    private func archive(_ file: InboxFile, _ work: Work, touched: inout Set<String>) -> String {
        guard isUnchanged(file, work) else { return "" }
        let time = work.ingestedAt
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
    private func fail(_ work: Work, code: String, detail: String, touched: inout Set<String>) -> String {
        let time = work.ingestedAt
        do {
            switch work.item {
            case .file(let file):
                guard isUnchanged(file, work) else { return "" }
                let target = try FileSystem.moveWithoutOverwriting(
                    file.path, toDirectory: config.inbox.failed, name: file.name)
                try writeErrorFile(
                    for: target, fields: [("file", file.name)], code: code, detail: detail, at: time)
                touched.insert(config.inbox.path)
                touched.insert(config.inbox.failed)
                return target
            case .fetched(let doc):
                let ext = doc.hints.contentType?.contains("html") == true ? ".html" : ".body"
                let temp = config.inbox.failed + "/" + SnapshotStore.tempPrefix + doc.sourceName
                unlink(temp)
                try FileSystem.writeNewFile(temp, doc.body, sync: true)
                let target = try FileSystem.moveWithoutOverwriting(
                    temp, toDirectory: config.inbox.failed, name: "\(doc.sourceName)-\(time.compact)\(ext)")
                try writeErrorFile(
                    for: target, fields: [("url", doc.url)], code: code, detail: detail, at: time)
                touched.insert(config.inbox.failed)
                return target
            }
        } catch {
            logger.error(
                "move_to_failed_failed", metadata: ["input": "\(work.item.displayName)", "error": "\(error)"])
            return ""
        }
    }

    /// False when another file took the input's name while it was processed (a writer replaced
    /// it): that file is not what was read, so it stays in the inbox, and the daemon's loop, which
    /// looks again at every name still there after a batch, takes it on its own.
    private func isUnchanged(_ file: InboxFile, _ work: Work) -> Bool {
        guard let before = work.identity else { return true }
        guard let now = FileIdentity(path: file.path) else {
            // Its owner took it away after it was read: nothing is left to move.
            logger.debug("vanished", metadata: ["file": "\(file.name)"])
            return false
        }
        guard now != before else { return true }
        logger.notice(
            "input_replaced",
            metadata: ["file": "\(file.name)", "action": "the new file is taken on its own"])
        return false
    }

    /// Writes `target.error.json` (error, detail, at, then `fields`) whole or not at all
    /// (temporary file, fsync, rename).
    private func writeErrorFile(
        for target: String, fields: [(String, String)], code: String, detail: String, at time: Timestamp
    ) throws(FileSystemError) {
        var json = "{"
        for (i, (key, value)) in ([("error", code), ("detail", detail), ("at", time.rfc3339)] + fields)
            .enumerated()
        {
            json += i == 0 ? "\"\(key)\":" : ",\"\(key)\":"
            appendJSONString(value, to: &json)
        }
        json += "}\n"
        let errorPath = target + ".error.json"
        let temp =
            config.inbox.failed + "/" + SnapshotStore.tempPrefix + (errorPath as NSString).lastPathComponent
        unlink(temp)
        try FileSystem.writeNewFile(temp, Array(json.utf8), sync: true)
        guard rename(temp, errorPath) == 0 else { throw FileSystemError("rename", temp) }
    }

    private static func process(_ work: Work, options: PipelineOptions, maxBytes: Int, logger: Logger)
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

/// Which file a path names (device and inode, without following symlinks).
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}
