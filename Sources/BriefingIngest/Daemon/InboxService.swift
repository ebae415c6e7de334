import BriefingCore
import CLinuxShim
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Hands settled inbox files and fetched pages to the extraction workers (``WorkerPool``) and
/// writes what comes back through the ``Ingestor``. It never waits on extraction, so a stop, the
/// watchdog and other inputs go on whatever one input does to its worker.
///
/// The loop runs on a thread of its own, blocked in poll(2) on inotify, the ``FetchQueue``'s
/// eventfd, the pool's eventfd and a stop eventfd. It stays one plain thread because everything it touches (the
/// settle tracker, the write-deferral state, batch order) is owned by it alone, so it needs no
/// lock and no actor hop per event; a batch already runs on every core through the ``Ingestor``,
/// and a blocked cooperative-pool thread would take a core away from the pollers. It also sends
/// systemd's `WATCHDOG=1`, so that a stalled loop is what the watchdog notices.
final class InboxService: Service {
    /// Most inputs in hand at once (read, with a worker or waiting for one): bounds the memory held,
    /// since each is in memory with its JSON. At 256 per batch the daemon peaked at 117 MiB RSS in a
    /// burst of 2,000 files; at 32 at 47 MiB, with the same throughput (docs/benchmark.md).
    static let batchLimit = 32

    /// What the loop has done since start, for the `stopped` line.
    struct Progress: Sendable {
        var written = 0
        var duplicates = 0
        var failed = 0
    }

    /// How the loop ended: cleanly on request, or because the inbox folder went away (the daemon
    /// then exits non-zero so that systemd restarts it, which makes the folder again).
    enum Ending: Sendable {
        case stopped
        case inboxGone
    }

    private let inbox: InboxConfig
    private let snapshotsPath: String
    private let sourceCount: Int
    private let ingestor: Ingestor
    private let queue: FetchQueue
    private let pool: WorkerPool
    private let inHand: InHandStore
    /// Told about each snapshot once it is durable and in the manifest.
    private let pages: PageService?
    private let notifier: SystemdNotifier
    private let logger: Logger
    /// eventfd the loop polls: readable once a stop was asked for.
    private let stopFD: Int32
    private let result = Mutex<(Progress, Ending)?>(nil)

    init(
        config: DaemonConfig, ingestor: Ingestor, queue: FetchQueue, pool: WorkerPool, inHand: InHandStore,
        pages: PageService? = nil, notifier: SystemdNotifier, logger: Logger
    ) {
        self.pool = pool
        self.inHand = inHand
        self.pages = pages
        self.inbox = config.inbox
        self.snapshotsPath = config.snapshotsPath
        self.sourceCount = config.sources.count
        self.ingestor = ingestor
        self.queue = queue
        self.notifier = notifier
        self.logger = logger
        self.stopFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
    }

    deinit { close(stopFD) }

    /// The loop's progress and how it ended, once it has.
    var outcome: (Progress, Ending)? { result.withLock { $0 } }

    func run() async throws {
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    continuation.resume(with: Result { try self.loop() })
                }
                thread.name = "inbox"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            self.requestStop()
        }
    }

    private func requestStop() {
        var one: UInt64 = 1
        _ = write(stopFD, &one, 8)
    }

    private func loop() throws {
        let watcher = try InboxWatcher(path: inbox.path)
        var tracker = SettleTracker(directory: inbox.path, settle: inbox.settle.duration)
        tracker.scan(now: ContinuousClock.now)
        var progress = Progress()
        var deferral: WriteDeferral?
        var hand = Hand()
        hand.suspects = forgetStaleMarks()
        let watchdog = SystemdNotifier.watchdogInterval()
        var nextWatchdog = ContinuousClock.now
        var nextRescan = ContinuousClock.now + inbox.rescan.duration
        logger.info(
            "started",
            metadata: [
                "inbox": "\(inbox.path)", "snapshots": "\(snapshotsPath)",
                "sources": .stringConvertible(sourceCount),
                "pid": .stringConvertible(getpid()),
            ])
        notifier.send("READY=1\nSTATUS=watching \(inbox.path)")

        var fds = [
            pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: watcher.fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: queue.wakeFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: pool.wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        var ending: Ending?
        while ending == nil {
            let now = ContinuousClock.now
            var deadline = nextRescan
            // With every slot taken, a ready file waits for a result, which the pool's eventfd announces.
            let full = hand.count >= Self.batchLimit
            if let d = tracker.nextDeadline, !full { deadline = min(deadline, d) }
            if let since = hand.readySince { deadline = min(deadline, since + Hand.commitDelay) }
            fds[2].events = full ? 0 : Int16(POLLIN)
            if watchdog != nil { deadline = min(deadline, nextWatchdog) }
            let timeout = deadline.pollTimeout(now: now)
            _ = poll(&fds, nfds_t(fds.count), timeout)

            if fds[0].revents & Int16(POLLIN) != 0 {
                ending = .stopped
                notifier.send("STOPPING=1")
                logger.info("stopping")
            }
            let loopNow = ContinuousClock.now
            if !track(watcher.drain(), in: &tracker, now: loopNow) {
                ending = .inboxGone
            }
            if loopNow >= nextRescan {
                tracker.scan(now: loopNow)
                nextRescan = loopNow + inbox.rescan.duration
            }
            collectCompleted(hand: &hand, tracker: &tracker)
            if ending == nil { dispatch(tracker: &tracker, hand: &hand) }
            if hand.shouldCommit(now: ContinuousClock.now) || ending != nil {
                commitReady(hand: &hand, tracker: &tracker, progress: &progress, deferral: &deferral)
            }
            ingestor.metrics.backlog(tracker.pendingCount)
            if let watchdog, ContinuousClock.now >= nextWatchdog {
                notifier.send("WATCHDOG=1")
                nextWatchdog = ContinuousClock.now + watchdog
            }
        }
        // Inputs still with a worker stay in the inbox, untried as far as the next start is concerned.
        pool.shutDown()
        try? inHand.release(hand.fileNames)
        for entry in hand.entries.values { entry.complete?(.stopping) }
        // Pollers waiting on a page in the queue hear `deferred` and end their poll.
        queue.shutDown()
        let final = (progress, ending ?? .stopped)
        result.withLock { $0 = final }
    }

    /// Feeds inbox events to the tracker; false when the inbox folder itself is gone.
    private func track(
        _ events: [InboxWatcher.Event], in tracker: inout SettleTracker, now: ContinuousClock.Instant
    ) -> Bool {
        var inboxPresent = true
        for event in events {
            switch event {
            case .completed(let name): tracker.completed(name, now: now)
            case .activity(let name): tracker.activity(name, now: now)
            case .overflow:
                logger.warning("inbox_overflow", metadata: ["action": "rescan"])
                tracker.scan(now: now)
            case .folderGone:
                logger.critical("inbox_gone", metadata: ["inbox": "\(inbox.path)"])
                inboxPresent = false
            }
        }
        return inboxPresent
    }

    /// Inputs in hand: sent to a worker, or known on reading and waiting to be settled.
    private struct Hand {
        struct Entry {
            var work: Ingestor.Work
            var submitted: ContinuousClock.Instant
            /// Answers the poller of a fetched page.
            var complete: (@Sendable (IngestOutcome) -> Void)?
        }
        var entries: [Int: Entry] = [:]
        /// Tokens whose result is known, to be written in the next commit.
        var ready: [Int] = [] {
            didSet {
                if ready.isEmpty {
                    readySince = nil
                } else if readySince == nil {
                    readySince = ContinuousClock.now
                }
            }
        }
        /// When the oldest result in `ready` arrived.
        private(set) var readySince: ContinuousClock.Instant?
        /// Results are written together (one syncfs and fsync round per commit): when nothing else is
        /// with a worker, when this many are ready, or when the oldest has waited `commitDelay`.
        static let commitBatch = 16
        static let commitDelay: Duration = .milliseconds(5)

        func shouldCommit(now: ContinuousClock.Instant) -> Bool {
            guard let readySince else { return false }
            return ready.count == entries.count || ready.count >= Self.commitBatch
                || now - readySince >= Self.commitDelay
        }
        var nextToken = 0
        /// Inputs that were with a worker when the daemon last died: taken only when nothing else is
        /// in hand, so that if one of them is to blame, the other inputs are safe first.
        var suspects: Set<String> = []
        var count: Int { entries.count }
        var fileNames: [String] {
            entries.values.compactMap { if case .file(let f) = $0.work.item { f.name } else { nil } }
        }
    }

    /// Reads the files and pages that are ready (as many as there is room for) and queues them for
    /// the workers. Never waits for a worker.
    private func dispatch(tracker: inout SettleTracker, hand: inout Hand) {
        let room = Self.batchLimit - hand.count
        guard room > 0 else { return }
        var files = tracker.takeReady(now: ContinuousClock.now, limit: room)
        if !hand.suspects.isEmpty {
            let suspects = files.filter { hand.suspects.contains($0.name) }
            files.removeAll { hand.suspects.contains($0.name) }
            // One at a time, and only when nothing else is in hand.
            if files.isEmpty && hand.count == 0, let first = suspects.first {
                files = [first]
                hand.suspects.remove(first.name)
            }
            let now = ContinuousClock.now
            for file in suspects where file != files.first {
                tracker.retry(file.name, after: .milliseconds(100), now: now)
            }
        }
        let fetched = room > files.count ? queue.take(limit: room - files.count) : []
        guard !files.isEmpty || !fetched.isEmpty else { return }
        logger.debug(
            "batch",
            metadata: [
                "files": .stringConvertible(files.count), "fetched": .stringConvertible(fetched.count),
            ])
        var jobs: [WorkerPool.Job] = []
        let items =
            files.map { (IngestItem.file($0), nil) }
            + fetched.map { (IngestItem.fetched($0.0), Optional($0.1)) }
        for (item, complete) in items {
            let prepared = ingestor.prepare(item)
            let token = hand.nextToken
            hand.nextToken += 1
            hand.entries[token] = Hand.Entry(
                work: prepared.work, submitted: ContinuousClock.now, complete: complete)
            if prepared.work.result != nil {
                hand.ready.append(token)
            } else {
                var inHandName: String?
                if case .file(let f) = item { inHandName = f.name }
                jobs.append(
                    WorkerPool.Job(
                        token: token, request: prepared.request!, bytes: prepared.bytes,
                        inHandName: inHandName))
            }
        }
        pool.submit(jobs)
    }

    /// Moves the workers' results into `hand.ready`; an input no worker could take goes back to wait.
    private func collectCompleted(hand: inout Hand, tracker: inout SettleTracker) {
        let metrics = ingestor.metrics
        let now = ContinuousClock.now
        for (token, result) in pool.takeCompleted() {
            guard var entry = hand.entries[token] else { continue }
            switch result {
            case .extracted(let id, let json, let notes):
                entry.work.result = .success(Ingestor.Extraction(id: id, json: json, notes: notes))
            case .failed(let code, let detail):
                entry.work.result = .failure(.input(code: code, detail: detail))
            case .unavailable(let reason):
                entry.complete?(.deferred(reason: reason))
                hand.entries[token] = nil
                if case .file(let f) = entry.work.item { tracker.retry(f.name, after: .seconds(1), now: now) }
                continue
            }
            metrics.extraction(
                source: entry.work.item.sourceName,
                duration: now - entry.submitted)
            hand.entries[token] = entry
            hand.ready.append(token)
        }
    }

    /// Writes what the workers (or reading) gave, moves the inputs, answers the pollers, and
    /// schedules what must wait for a write problem to clear.
    private func commitReady(
        hand: inout Hand, tracker: inout SettleTracker, progress: inout Progress,
        deferral: inout WriteDeferral?
    ) {
        guard !hand.ready.isEmpty else { return }
        let tokens = hand.ready
        hand.ready.removeAll()
        let entries = tokens.map { hand.entries.removeValue(forKey: $0)! }
        let outcomes = ingestor.finish(entries.map(\.work))
        // The snapshots are durable and in the manifest: their pages follow, on the page service.
        pages?.snapshotsWritten(
            outcomes.compactMap {
                if case .written(_, let path) = $0 { return path }
                return nil
            })
        var deferredNow: String?
        var deferredFiles: [String] = []
        var wroteSome = false
        for (entry, outcome) in zip(entries, outcomes) {
            switch outcome {
            case .written:
                progress.written += 1
                wroteSome = true
            case .duplicate: progress.duplicates += 1
            case .failed: progress.failed += 1
            case .deferred(let reason): deferredNow = reason
            case .unchanged, .vanished, .stopping: break
            }
            entry.complete?(outcome)
            guard case .file(let f) = entry.work.item else { continue }
            if case .deferred = outcome {
                deferredFiles.append(f.name)
            } else {
                // Still there (replaced meanwhile, or its move failed): look at it again.
                tracker.finished(f.name)
                tracker.completed(f.name, now: ContinuousClock.now)
            }
        }
        // A batch of only failed or duplicate inputs says nothing about the write problem.
        if deferredNow != nil || wroteSome {
            deferral = noteDeferral(deferredNow, previous: deferral)
        }
        let after = ContinuousClock.now
        for name in deferredFiles {
            tracker.retry(name, after: max(.zero, (deferral?.retryAt ?? after) - after), now: after)
        }
        notifier.send(
            "STATUS=\(progress.written) snapshots, \(progress.duplicates) duplicates, \(progress.failed) failed, "
                + "\(tracker.pendingCount) waiting")
    }

    /// Forgets the marks of inputs that left the inbox while the daemon was down; returns the others.
    private func forgetStaleMarks() -> Set<String> {
        guard let marked = try? inHand.all(), !marked.isEmpty else { return [] }
        let gone = marked.keys.filter { access(FileName.cPath(inbox.path + "/" + $0), F_OK) != 0 }
        try? inHand.release(gone)
        let kept = Set(marked.keys).subtracting(gone)
        if !kept.isEmpty {
            logger.notice(
                "inputs_in_hand_at_stop",
                metadata: [
                    "count": .stringConvertible(kept.count),
                    "action": "each is tried once more, after the other inputs",
                ])
        }
        return kept
    }

    /// Logs a write problem once per cause (not per retry) and backs off up to 30 s; logs recovery.
    private func noteDeferral(_ reason: String?, previous: WriteDeferral?) -> WriteDeferral? {
        guard let reason else {
            if let previous { logger.notice("resumed", metadata: ["after": "\(previous.reason)"]) }
            return nil
        }
        if previous?.reason != reason {
            logger.error(
                "cannot_write",
                metadata: ["reason": "\(reason)", "action": "inputs stay in the inbox; retrying"])
        }
        return WriteDeferral.after(previous, reason: reason, now: ContinuousClock.now)
    }
}
