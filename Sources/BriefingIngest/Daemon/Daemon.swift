import BriefingCore
import Dispatch
import Foundation
import Logging

/// Something that polls the configured sources and hands what it fetches to a ``FetchQueue``.
/// The daemon starts it once the inbox is watched, restarts it on reload and stops it on SIGTERM.
public protocol SourcePolling: Sendable {
    func start(
        sources: [SourceConfig], http: HTTPConfig, queue: FetchQueue, state: StateStore, logger: Logger)
    /// Stops polling; returns once no transfer is running.
    func stop()
}

/// `briefingd run`: one loop on one thread that waits on inotify, a signalfd and the fetch queue's
/// eventfd, takes settled files and fetched pages in batches, and hands them to the ``Ingestor``.
public final class Daemon {
    private var config: DaemonConfig
    private let configPath: String
    private let logger: Logger
    private let logLevel: LogLevelControl
    private let notifier: SystemdNotifier
    private let poller: (any SourcePolling)?
    /// Largest batch: bounds how long a SIGTERM waits for the work in hand, and the memory held: every
    /// input of a batch is in memory at once with its text, snapshot and JSON (about 1/3 MiB per input
    /// at 25 KB). At 256 the daemon peaked at 117 MiB RSS in a burst of 2,000 files; at 32 at 47 MiB,
    /// with the same throughput and CPU per file (docs/benchmark.md): two cores stay busy either way.
    static let batchLimit = 32

    public init(
        config: DaemonConfig, configPath: String, logger: Logger, logLevel: LogLevelControl,
        poller: (any SourcePolling)?, notifier: SystemdNotifier = SystemdNotifier()
    ) {
        self.config = config
        self.configPath = configPath
        self.logger = logger
        self.logLevel = logLevel
        self.poller = poller
        self.notifier = notifier
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit code.
    public func run() throws -> Int32 {
        let signals = try SignalWatcher()
        // Started after the signal mask is set, so its thread inherits it.
        let metricsServer = try config.metricsListen.flatMap(HostPort.init).map {
            try MetricsServer.start(listen: $0)
        }
        if let metricsServer {
            for source in config.sources { PollMetrics().register(source: source.name) }
            logger.info(
                "metrics_listening", metadata: ["address": "\(metricsServer.address)", "path": "/metrics"])
        }
        let state = try Self.openState(config: config, logger: logger)
        let ingestor = Ingestor(config: config, state: state, logger: logger)
        try ingestor.prepare()
        let pages = startPages()
        let watcher = try InboxWatcher(path: config.inbox.path)
        let queue = FetchQueue()
        var tracker = SettleTracker(
            directory: config.inbox.path, settleMilliseconds: config.inbox.settle.milliseconds)
        tracker.scan(now: monotonicMilliseconds())
        poller?.start(sources: config.sources, http: config.http, queue: queue, state: state, logger: logger)

        var progress = Progress()
        let watchdog = SystemdNotifier.watchdogInterval()
        var nextWatchdog = monotonicMilliseconds()
        var nextRescan = monotonicMilliseconds() + config.inbox.rescan.milliseconds
        Self.warmUp()
        logger.info(
            "started",
            metadata: [
                "inbox": "\(config.inbox.path)", "snapshots": "\(config.snapshotsPath)",
                "sources": "\(config.sources.count)", "pid": "\(getpid())",
            ])
        notifier.send("READY=1\nSTATUS=watching \(config.inbox.path)")

        var fds = [
            pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: watcher.fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: queue.wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        var stopping = false
        var exitCode: Int32 = 0
        while !stopping {
            let now = monotonicMilliseconds()
            var deadline = nextRescan
            if let d = tracker.nextDeadline { deadline = min(deadline, d) }
            if watchdog != nil { deadline = min(deadline, nextWatchdog) }
            let timeout = Int32(clamping: max(0, deadline - now))
            _ = poll(&fds, nfds_t(fds.count), timeout)

            for signal in signals.drain() {
                switch signal {
                case .stop(let number):
                    stopping = true
                    notifier.send("STOPPING=1")
                    logger.info("stopping", metadata: ["signal": "\(number)"])
                case .reload:
                    reload(queue: queue, state: state)
                }
            }
            let loopNow = monotonicMilliseconds()
            if !track(watcher.drain(), in: &tracker, now: loopNow) {
                // Exit non-zero so that systemd restarts the daemon, which makes the folder again.
                stopping = true
                exitCode = 1
            }
            if loopNow >= nextRescan {
                tracker.scan(now: loopNow)
                nextRescan = loopNow + config.inbox.rescan.milliseconds
            }
            // One batch per pass, so that signals are seen between batches.
            runBatch(
                tracker: &tracker, ingestor: ingestor, queue: queue, pages: pages?.service,
                progress: &progress)
            IngestMetrics().backlog(tracker.pendingCount)
            if let watchdog, monotonicMilliseconds() >= nextWatchdog {
                notifier.send("WATCHDOG=1")
                nextWatchdog = monotonicMilliseconds() + watchdog
            }
        }
        queue.shutDown()
        poller?.stop()
        pages?.stop()
        metricsServer?.stop()
        logger.info(
            "stopped",
            metadata: [
                "snapshots": "\(progress.written)", "duplicates": "\(progress.duplicates)",
                "failed": "\(progress.failed)",
            ])
        return exitCode
    }

    /// The page service running on its own task, when `pages.enabled`.
    private struct RunningPages {
        var service: PageService
        var done: DispatchSemaphore

        /// Stops the service after the page in hand, waiting at most `timeout` seconds; pages still
        /// missing are written at the next start.
        func stop(timeout: Double = 3) {
            service.finish()
            _ = done.wait(timeout: .now() + timeout)
        }
    }

    private func startPages() -> RunningPages? {
        guard config.pagesEnabled, let service = PageService(root: config.snapshotsPath, logger: logger)
        else {
            return nil
        }
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await service.run()
            done.signal()
        }
        return RunningPages(service: service, done: done)
    }

    /// Runs the pipeline once on a tiny briefing, so that the first real input does not pay the
    /// one-time set-up (lexicon tables, type metadata: 20-50 ms measured on the first drop).
    static func warmUp() {
        let text = "记者会\n新华社记者：今年以来破获案件1200余起，同比下降3.5%？\n市公安局局长张华：2023年6月至8月，开展“护校安园”行动。"
        _ = try? BriefingPipeline.process(
            Array(text.utf8), source: Source(kind: .inbox, name: "inbox"), ingestedAt: .now())
    }

    /// What the loop has done since start, and the write problem inputs are waiting on, if any.
    private struct Progress {
        var written = 0
        var duplicates = 0
        var failed = 0
        var deferral: WriteDeferral?
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
                logger.critical("inbox_gone", metadata: ["inbox": "\(config.inbox.path)"])
                inboxPresent = false
            }
        }
        return inboxPresent
    }

    /// Ingests the settled files and fetched pages that are ready (at most `batchLimit` of each),
    /// answers the pollers, and schedules what must wait for a write problem to clear.
    private func runBatch(
        tracker: inout SettleTracker, ingestor: Ingestor, queue: FetchQueue, pages: PageService?,
        progress: inout Progress
    ) {
        let files = tracker.takeReady(now: monotonicMilliseconds(), limit: Self.batchLimit)
        let fetched = queue.take(limit: Self.batchLimit)
        guard !files.isEmpty || !fetched.isEmpty else { return }
        let items = files.map(IngestItem.file) + fetched.map { IngestItem.fetched($0.0) }
        logger.debug("batch", metadata: ["files": "\(files.count)", "fetched": "\(fetched.count)"])
        let outcomes = ingestor.ingest(items)
        // The snapshots are durable and in the manifest: their pages follow, off this thread.
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
            case .unchanged, .vanished: break
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
            progress.deferral = noteDeferral(deferredNow, previous: progress.deferral)
        }
        let now = monotonicMilliseconds()
        for name in deferredFiles {
            tracker.retry(name, after: max(0, (progress.deferral?.retryAt ?? now) - now), now: now)
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

    private func reload(queue: FetchQueue, state: StateStore) {
        notifier.send("RELOADING=1\nMONOTONIC_USEC=\(monotonicMilliseconds() * 1000)")
        do {
            let fresh = try ConfigLoader.load(path: configPath)
            if fresh.inbox != config.inbox || fresh.snapshotsPath != config.snapshotsPath
                || fresh.statePath != config.statePath || fresh.metricsListen != config.metricsListen
                || fresh.pagesEnabled != config.pagesEnabled
            {
                logger.warning(
                    "reload_partial",
                    metadata: [
                        "reason":
                            "inbox, snapshot and state paths, metrics.listen and pages.enabled change only on restart"
                    ])
            }
            logLevel.set(fresh.logLevel)
            config.logLevel = fresh.logLevel
            config.sources = fresh.sources
            config.http = fresh.http
            // Unchanged sources keep their schedule; changed, new and removed ones are (re)started or stopped.
            poller?.start(
                sources: config.sources, http: config.http, queue: queue, state: state, logger: logger)
            logger.notice(
                "reloaded", metadata: ["sources": "\(fresh.sources.count)", "log_level": "\(fresh.logLevel)"])
        } catch {
            logger.error(
                "reload_rejected", metadata: ["error": "\(error)", "action": "keeping the running config"])
        }
        notifier.send("READY=1")
    }

    /// Opens the state database; a damaged one is set aside and rebuilt from the snapshot files.
    static func openState(config: DaemonConfig, logger: Logger) throws -> StateStore {
        try FileSystem.makeDirectories(config.statePath)
        // A lost database with snapshots on disk: recovery rebuilds it; say so before it does.
        let database = config.statePath + "/" + StateStore.fileName
        let manifest = SnapshotStore(root: config.snapshotsPath).manifestPath
        if access(database, F_OK) != 0, access(manifest, F_OK) == 0 {
            logger.warning(
                "state_missing", metadata: ["path": "\(database)", "action": "rebuilding from snapshots"])
        }
        do {
            return try StateStore(directory: config.statePath)
        } catch .corrupt(let path, let reason) {
            let aside = path + ".corrupt-" + Timestamp.now().compact
            for suffix in ["", "-wal", "-shm"] { rename(path + suffix, aside + suffix) }
            logger.error(
                "state_rebuilt",
                metadata: [
                    "reason": "\(reason)", "set_aside": "\(aside)", "action": "rebuilding from snapshots",
                ])
            return try StateStore(directory: config.statePath)
        }
    }
}
