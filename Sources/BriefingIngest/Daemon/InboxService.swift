import BriefingCore
import CLinuxShim
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Takes settled inbox files and fetched pages in batches and hands them to the ``Ingestor``.
///
/// The loop runs on a thread of its own, blocked in poll(2) on inotify, the ``FetchQueue``'s
/// eventfd and a stop eventfd. It stays one plain thread because everything it touches (the
/// settle tracker, the write-deferral state, batch order) is owned by it alone, so it needs no
/// lock and no actor hop per event; a batch already runs on every core through the ``Ingestor``,
/// and a blocked cooperative-pool thread would take a core away from the pollers. It also sends
/// systemd's `WATCHDOG=1`, so that a stalled loop is what the watchdog notices.
final class InboxService: Service {
    /// Largest batch: bounds how long a SIGTERM waits for the work in hand, and the memory held: every
    /// input of a batch is in memory at once with its text, snapshot and JSON (about 1/3 MiB per input
    /// at 25 KB). At 256 the daemon peaked at 117 MiB RSS in a burst of 2,000 files; at 32 at 47 MiB,
    /// with the same throughput and CPU per file (docs/benchmark.md): two cores stay busy either way.
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
    /// Told about each snapshot once it is durable and in the manifest.
    private let pages: PageService?
    private let notifier: SystemdNotifier
    private let logger: Logger
    /// eventfd the loop polls: readable once a stop was asked for.
    private let stopFD: Int32
    private let result = Mutex<(Progress, Ending)?>(nil)

    init(
        config: DaemonConfig, ingestor: Ingestor, queue: FetchQueue, pages: PageService? = nil,
        notifier: SystemdNotifier, logger: Logger
    ) {
        self.inbox = config.inbox
        self.snapshotsPath = config.snapshotsPath
        self.sourceCount = config.sources.count
        self.ingestor = ingestor
        self.queue = queue
        self.pages = pages
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
        var tracker = SettleTracker(directory: inbox.path, settleMilliseconds: inbox.settle.milliseconds)
        tracker.scan(now: monotonicMilliseconds())
        var progress = Progress()
        var deferral: WriteDeferral?
        let watchdog = SystemdNotifier.watchdogInterval()
        var nextWatchdog = monotonicMilliseconds()
        var nextRescan = monotonicMilliseconds() + inbox.rescan.milliseconds
        Self.warmUp()
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
        ]
        var ending: Ending?
        while ending == nil {
            let now = monotonicMilliseconds()
            var deadline = nextRescan
            if let d = tracker.nextDeadline { deadline = min(deadline, d) }
            if watchdog != nil { deadline = min(deadline, nextWatchdog) }
            let timeout = Int32(clamping: max(0, deadline - now))
            _ = poll(&fds, nfds_t(fds.count), timeout)

            if fds[0].revents & Int16(POLLIN) != 0 {
                ending = .stopped
                notifier.send("STOPPING=1")
                logger.info("stopping")
            }
            let loopNow = monotonicMilliseconds()
            if !track(watcher.drain(), in: &tracker, now: loopNow) {
                ending = .inboxGone
            }
            if loopNow >= nextRescan {
                tracker.scan(now: loopNow)
                nextRescan = loopNow + inbox.rescan.milliseconds
            }
            // One batch per pass, so that a stop is seen between batches.
            runBatch(tracker: &tracker, progress: &progress, deferral: &deferral)
            ingestor.metrics.backlog(tracker.pendingCount)
            if let watchdog, monotonicMilliseconds() >= nextWatchdog {
                notifier.send("WATCHDOG=1")
                nextWatchdog = monotonicMilliseconds() + watchdog
            }
        }
        // Pollers waiting on a page in the queue hear `deferred` and end their poll.
        queue.shutDown()
        let final = (progress, ending ?? .stopped)
        result.withLock { $0 = final }
    }

    /// Runs the pipeline once on a tiny briefing, so that the first real input does not pay the
    /// one-time set-up (lexicon tables, type metadata: 20-50 ms measured on the first drop).
    static func warmUp() {
        let text = "记者会\n新华社记者：今年以来破获案件1200余起，同比下降3.5%？\n市公安局局长张华：2023年6月至8月，开展“护校安园”行动。"
        _ = try? BriefingPipeline.process(
            Array(text.utf8), source: Source(kind: .inbox, name: "inbox"), ingestedAt: .now())
    }

    /// Feeds inbox events to the tracker; false when the inbox folder itself is gone.
    private func track(_ events: [InboxWatcher.Event], in tracker: inout SettleTracker, now: Int64) -> Bool {
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

    /// Ingests the settled files and fetched pages that are ready (at most `batchLimit` of each),
    /// answers the pollers, and schedules what must wait for a write problem to clear.
    private func runBatch(
        tracker: inout SettleTracker, progress: inout Progress, deferral: inout WriteDeferral?
    ) {
        let files = tracker.takeReady(now: monotonicMilliseconds(), limit: Self.batchLimit)
        let fetched = queue.take(limit: Self.batchLimit)
        guard !files.isEmpty || !fetched.isEmpty else { return }
        let items = files.map(IngestItem.file) + fetched.map { IngestItem.fetched($0.0) }
        logger.debug(
            "batch",
            metadata: [
                "files": .stringConvertible(files.count), "fetched": .stringConvertible(fetched.count),
            ])
        let outcomes = ingestor.ingest(items)
        // The snapshots are durable and in the manifest: their pages follow, on the page service.
        pages?.snapshotsWritten(
            outcomes.compactMap {
                if case .written(_, let path) = $0 { return path }
                return nil
            })
        var deferredNow: String?
        var deferredFiles: [String] = []
        var wroteSome = false
        for (item, outcome) in zip(items, outcomes) {
            switch outcome {
            case .written:
                progress.written += 1
                wroteSome = true
            case .duplicate: progress.duplicates += 1
            case .failed: progress.failed += 1
            case .deferred(let reason): deferredNow = reason
            case .unchanged, .vanished, .stopping: break
            }
            guard case .file(let f) = item else { continue }
            if case .deferred = outcome {
                deferredFiles.append(f.name)
            } else {
                // Still there (replaced meanwhile, or its move failed): look at it again.
                tracker.finished(f.name)
                tracker.completed(f.name, now: monotonicMilliseconds())
            }
        }
        for ((_, complete), outcome) in zip(fetched, outcomes.suffix(fetched.count)) { complete(outcome) }
        // A batch of only failed or duplicate inputs says nothing about the write problem.
        if deferredNow != nil || wroteSome {
            deferral = noteDeferral(deferredNow, previous: deferral)
        }
        let now = monotonicMilliseconds()
        for name in deferredFiles {
            tracker.retry(name, after: max(0, (deferral?.retryAt ?? now) - now), now: now)
        }
        notifier.send(
            "STATUS=\(progress.written) snapshots, \(progress.duplicates) duplicates, \(progress.failed) failed, "
                + "\(tracker.pendingCount) waiting")
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
        return WriteDeferral.after(previous, reason: reason, now: monotonicMilliseconds())
    }
}
