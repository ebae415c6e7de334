import BriefingCore
import BriefingStore
import Dispatch
import Foundation
import Logging
import Synchronization

/// Turns batches of items into snapshots, in the order of effects that makes a crash harmless:
/// snapshot durable → (row committed in the shared store) → state recorded → manifest line → input moved.
public final class Ingestor: Sendable {
    let config: DaemonConfig
    let state: StateStore
    let store: SnapshotStore
    let logger: Logger
    let metrics: IngestMetrics
    /// The fleet's shared database, when `store.postgres` is configured.
    let shared: SharedStore?
    /// Worker processes for the extraction the ingestor does itself (start-up repair); nil: in-process.
    let pool: WorkerPool?
    /// Manifest lines of recorded snapshots whose append failed (disk full), oldest first.
    private let owedManifest = Mutex<[StateStore.SnapshotRecord]>([])

    public init(
        config: DaemonConfig, state: StateStore, logger: Logger, metrics: IngestMetrics = IngestMetrics(),
        pool: WorkerPool? = nil, shared: SharedStore? = nil
    ) {
        self.pool = pool
        self.shared = shared
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

    struct Work {
        var item: IngestItem
        var started: ContinuousClock.Instant
        var ingestedAt: Timestamp
        var result: Result<Extraction, IngestFailure>?
        /// The inbox file as it was before it was read; a different file under the same name at
        /// archive time means the input was replaced meanwhile.
        var identity: FileIdentity? = nil
    }

    /// What extraction gave for one input: the snapshot's id, its JSON (`revision.supersedes`
    /// still null) and the decoder's notes.
    struct Extraction: Sendable {
        var id: String
        var json: [UInt8]
        var notes: [String]
    }

    enum IngestFailure: Error {
        case input(code: String, detail: String)
        case vanished
    }

    /// An input read and ready to be extracted, in a worker or in-process.
    struct Prepared {
        var work: Work
        /// nil when reading already decided the outcome (then `work.result` is set).
        var request: WorkerRequest?
        var bytes: [UInt8] = []
    }

    /// Processes `items` as one batch, extracting in this process, and returns an outcome for each,
    /// in order. The daemon extracts in worker processes instead (``prepare(_:)``, ``finish(_:)``).
    public func ingest(_ items: [IngestItem]) -> [IngestOutcome] {
        guard !items.isEmpty else { return [] }
        let prepared = items.map(prepare)
        // Decode, normalize and extract in parallel: it is pure CPU work.
        let metrics = metrics
        let results = prepared.concurrentMap { prepared -> Result<Extraction, IngestFailure> in
            if let result = prepared.work.result { return result }
            let started = ContinuousClock.now
            let (reply, json) = ExtractionWorker.process(prepared.request!, bytes: prepared.bytes)
            metrics.extraction(source: prepared.work.item.sourceName, duration: .now - started)
            return Self.result(reply: reply, json: json)
        }
        var work = prepared.map(\.work)
        for i in work.indices { work[i].result = results[i] }
        return finish(work)
    }

    static func result(reply: WorkerReply, json: [UInt8]) -> Result<Extraction, IngestFailure> {
        if let id = reply.id { return .success(Extraction(id: id, json: json, notes: reply.notes)) }
        return .failure(.input(code: reply.code ?? "crashed", detail: reply.detail ?? "no reason given"))
    }

    /// Reads one item's bytes (an inbox file) and says how to extract it.
    func prepare(_ item: IngestItem) -> Prepared {
        var work = Work(item: item, started: .now, ingestedAt: .now(), result: nil)
        // Before reading: if the name is replaced after this, the check at archive time sees it.
        if case .file(let f) = item { work.identity = FileIdentity(path: f.path) }
        switch Self.read(item, maxBytes: config.inbox.maxBytes) {
        case .failure(let failure):
            work.result = .failure(failure)
            return Prepared(work: work)
        case .success(let (bytes, hints, source)):
            let options = config.pipelineOptions
            let request = WorkerRequest(
                fileName: hints.fileName, declaredCharset: hints.declaredCharset,
                contentType: hints.contentType,
                feedItemDateMilliseconds: hints.feedItemDate?.millisecondsSinceEpoch,
                source: source, ingestedAtMilliseconds: work.ingestedAt.millisecondsSinceEpoch,
                maxReplacementRatio: options.maxReplacementRatio,
                maxTextCharacters: options.maxTextCharacters,
                maxPDFPages: options.pdf.maxPages,
                maxOutputBytes: config.inputLimits.maxOutputBytes, maxSeconds: config.inputLimits.maxSeconds)
            return Prepared(work: work, request: request, bytes: bytes)
        }
    }

    /// Writes the snapshots of extracted items, moves the inputs, and returns an outcome for each,
    /// in order. Every `work.result` must be set.
    func finish(_ work: [Work]) -> [IngestOutcome] {
        guard !work.isEmpty else { return [] }
        var outcomes = [IngestOutcome?](repeating: nil, count: work.count)
        // What the fleet already has: rows of these ids, and the last id of each fetched URL.
        var lookup = SharedLookup()
        if let shared {
            do {
                let extracted = work.filter { (try? $0.result?.get()) != nil }
                let urls = extracted.compactMap { work -> String? in
                    if case .fetched(let doc) = work.item { return doc.url }
                    return nil
                }
                lookup = try SharedLookup.fetch(
                    ids: extracted.compactMap { try? $0.result?.get().id }, urls: urls, from: shared)
            } catch {
                for i in work.indices where (try? work[i].result?.get()) != nil {
                    outcomes[i] = .deferred(reason: error.description)
                }
            }
        }
        var pending: [SnapshotStore.Pending] = []
        var pendingIndex: [Int] = []
        var batchIDs: [String: Int] = [:]
        for i in work.indices {
            switch work[i].result! {
            case .failure(.vanished):
                outcomes[i] = .vanished
            case .failure(.input(let code, let detail)):
                outcomes[i] = .failed(code: code, detail: detail)
            case .success(let extraction):
                // The fleet could not be asked: this item waits for the next attempt.
                if outcomes[i] != nil { continue }
                for note in extraction.notes {
                    logger.notice(
                        "decode_note",
                        metadata: ["input": "\(Self.logName(work[i].item))", "note": "\(note)"])
                }
                var json = extraction.json
                do {
                    let known =
                        try state.snapshotPath(id: extraction.id) ?? lookup.rows[extraction.id].map(\.display)
                    if let path = known {
                        if case .fetched(let doc) = work[i].item, try lastID(doc.url, lookup) == extraction.id
                        {
                            outcomes[i] = .unchanged(id: extraction.id)
                        } else {
                            outcomes[i] = .duplicate(id: extraction.id, path: path)
                        }
                        continue
                    }
                    if let first = batchIDs[extraction.id] {
                        outcomes[i] = .duplicate(id: extraction.id, path: pending[first].relativePath)
                        continue
                    }
                    if case .fetched(let doc) = work[i].item, let previous = try lastID(doc.url, lookup) {
                        json = SnapshotJSONPatch.settingSupersedes(previous, in: json)
                    }
                } catch {
                    outcomes[i] = .deferred(reason: error.description)
                    continue
                }
                batchIDs[extraction.id] = pending.count
                var url: String?
                if case .fetched(let doc) = work[i].item { url = doc.url }
                pending.append(
                    SnapshotStore.Pending(
                        id: extraction.id, sourceName: work[i].item.sourceName, url: url, bytes: json,
                        ingestedAt: work[i].ingestedAt))
                pendingIndex.append(i)
            }
        }

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
        var records = pending.map {
            StateStore.SnapshotRecord(
                id: $0.id, path: $0.relativePath, source: $0.sourceName, url: $0.url,
                ingestedAt: $0.ingestedAt)
        }
        do { try store.write(pending) } catch { return deferAll(error) }
        var pending = pending
        var pendingIndex = pendingIndex
        if let shared {
            let published: SharedPublish
            do {
                published = try SharedPublish.insert(pending, into: shared)
            } catch {
                // Unpublished files would be twins of the snapshot the retry writes: take them back.
                store.discard(pending)
                return deferAll(error)
            }
            // Another instance committed the same content first: its row is the snapshot.
            let lost = pending.indices.filter { !published.inserted.contains(pending[$0].id) }
            store.discard(lost.map { pending[$0] })
            for j in lost {
                let id = pending[j].id
                outcomes[pendingIndex[j]] = .duplicate(id: id, path: published.existing[id]?.display ?? "")
            }
            for j in lost.reversed() {
                pending.remove(at: j)
                pendingIndex.remove(at: j)
                records.remove(at: j)
            }
            if pending.isEmpty { return }
        }
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
            outcomes[i] = .written(id: pending[j].id, path: pending[j].relativePath)
        }
    }

    /// The last snapshot id of a URL: the fleet's, when there is a shared store, else this instance's.
    private func lastID(_ url: String, _ lookup: SharedLookup) throws(StateError) -> String? {
        if shared != nil { return lookup.urls[url]?.lastID }
        return try state.urlState(url)?.lastID
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

    /// The bytes of an item with the hints and source its snapshot gets, or why it has none.
    static func read(_ item: IngestItem, maxBytes: Int) -> Result<
        ([UInt8], DecodeHints, Source), IngestFailure
    > {
        switch item {
        case .file(let file):
            do {
                let bytes = try FileSystem.readRegularFile(file.path, limit: maxBytes)
                // The snapshot shows a name that is not UTF-8 escaped, as the log does.
                let shown = FileName.display(file.name)
                let path = (file.path as NSString).deletingLastPathComponent + "/" + shown
                return .success(
                    (bytes, DecodeHints(fileName: shown), Source(kind: .inbox, name: "inbox", path: path)))
            } catch {
                let refusal: FileRefusal
                switch error {
                case .symlink: refusal = .symlink
                case .notRegular(let type): refusal = .notRegularFile(type: type)
                case .tooLarge(let size):
                    let e = InputError.tooLarge(bytes: size, limit: maxBytes)
                    return .failure(.input(code: e.code, detail: e.description))
                case .io(let e):
                    if e.code == ENOENT { return .failure(.vanished) }
                    refusal = .unreadable(e)
                }
                return .failure(.input(code: refusal.code, detail: refusal.description))
            }
        case .fetched(let doc):
            return .success(
                (doc.body, doc.hints, Source(kind: .url, name: doc.sourceName, url: doc.url, http: doc.http)))
        }
    }

    /// How the log names an item: the URL, or the file name (escaped when it is not UTF-8).
    static func logName(_ item: IngestItem) -> String {
        switch item {
        case .file(let f): FileName.display(f.name)
        case .fetched(let d): d.url
        }
    }
}

/// Changes to a snapshot document already encoded by ``Snapshot/jsonBytes(pretty:)``.
enum SnapshotJSONPatch {
    private static let nullSupersedes = Array(#""revision":{"supersedes":null}"#.utf8)

    /// Sets `revision.supersedes`. The encoder writes `"revision":{"supersedes":null}` once, before
    /// any text field, and quotes inside strings are escaped, so the first match is that member.
    static func settingSupersedes(_ id: String, in json: [UInt8]) -> [UInt8] {
        guard let start = firstIndex(of: nullSupersedes, in: json) else { return json }
        var replacement = #""revision":{"supersedes":"#
        appendJSONString(id, to: &replacement)
        replacement += "}"
        var out = json
        out.replaceSubrange(start..<(start + nullSupersedes.count), with: Array(replacement.utf8))
        return out
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
