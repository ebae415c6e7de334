import BriefingCore
import Foundation
import Logging

/// Something that polls the configured sources and hands what it fetches to a ``FetchQueue``.
/// The daemon starts it once the inbox is watched, restarts it on reload and stops it on SIGTERM.
public protocol SourcePolling: Sendable {
    func start(sources: [SourceConfig], http: HTTPConfig, queue: FetchQueue, state: StateStore, logger: Logger)
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
    /// Largest batch: bounds how long a SIGTERM waits for the work in hand.
    static let batchLimit = 256

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
        let state = try Self.openState(config: config, logger: logger)
        let ingestor = Ingestor(config: config, state: state, logger: logger)
        try ingestor.prepare()
        let watcher = try InboxWatcher(path: config.inbox.path)
        let queue = FetchQueue()
        var tracker = SettleTracker(directory: config.inbox.path, settleMilliseconds: config.inbox.settle.milliseconds)
        tracker.scan(now: monotonicMilliseconds())
        poller?.start(sources: config.sources, http: config.http, queue: queue, state: state, logger: logger)

        var counts = (written: 0, duplicate: 0, failed: 0)
        let watchdog = SystemdNotifier.watchdogInterval()
        var nextWatchdog = monotonicMilliseconds()
        var nextRescan = monotonicMilliseconds() + config.inbox.rescan.milliseconds
        var deferral: (reason: String, delay: Int64)?
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
            for event in watcher.drain() {
                switch event {
                case .completed(let name): tracker.completed(name, now: loopNow)
                case .activity(let name): tracker.activity(name, now: loopNow)
                case .overflow:
                    logger.warning("inbox_overflow", metadata: ["action": "rescan"])
                    tracker.scan(now: loopNow)
                case .folderGone:
                    logger.critical("inbox_gone", metadata: ["inbox": "\(config.inbox.path)"])
                    stopping = true
                }
            }
            if loopNow >= nextRescan {
                tracker.scan(now: loopNow)
                nextRescan = loopNow + config.inbox.rescan.milliseconds
            }

            // One batch per pass, so that signals are seen between batches.
            let files = tracker.takeReady(now: monotonicMilliseconds(), limit: Self.batchLimit)
            let fetched = queue.take(limit: Self.batchLimit)
            if !files.isEmpty || !fetched.isEmpty {
                let items = files.map(IngestItem.file) + fetched.map { IngestItem.fetched($0.0) }
                let outcomes = ingestor.ingest(items)
                var deferredNow: String?
                for (item, outcome) in zip(items, outcomes) {
                    switch outcome {
                    case .written: counts.written += 1
                    case .duplicate: counts.duplicate += 1
                    case .failed: counts.failed += 1
                    case .deferred(let reason): deferredNow = reason
                    case .unchanged, .vanished: break
                    }
                    if case .file(let f) = item {
                        if case .deferred = outcome {
                            tracker.retry(f.name, after: deferral?.delay ?? 1000, now: monotonicMilliseconds())
                        } else {
                            tracker.finished(f.name)
                        }
                    }
                }
                for ((_, complete), outcome) in zip(fetched, outcomes.suffix(fetched.count)) { complete(outcome) }
                deferral = noteDeferral(deferredNow, previous: deferral)
                notifier.send(
                    "STATUS=\(counts.written) snapshots, \(counts.duplicate) duplicates, \(counts.failed) failed, "
                        + "\(tracker.pendingCount) waiting")
                IngestMetrics().backlog(tracker.pendingCount)
            }
            if let watchdog, monotonicMilliseconds() >= nextWatchdog {
                notifier.send("WATCHDOG=1")
                nextWatchdog = monotonicMilliseconds() + watchdog
            }
        }
        queue.shutDown()
        poller?.stop()
        logger.info(
            "stopped",
            metadata: [
                "snapshots": "\(counts.written)", "duplicates": "\(counts.duplicate)", "failed": "\(counts.failed)",
            ])
        return 0
    }

    /// Logs a write problem once per cause (not per retry) and backs off up to 30 s; logs recovery.
    private func noteDeferral(_ reason: String?, previous: (reason: String, delay: Int64)?) -> (
        reason: String, delay: Int64
    )? {
        guard let reason else {
            if let previous { logger.notice("resumed", metadata: ["after": "\(previous.reason)"]) }
            return nil
        }
        if previous?.reason != reason {
            logger.error(
                "cannot_write", metadata: ["reason": "\(reason)", "action": "inputs stay in the inbox; retrying"])
        }
        return (reason, min((previous?.delay ?? 500) * 2, 30_000))
    }

    private func reload(queue: FetchQueue, state: StateStore) {
        notifier.send("RELOADING=1")
        do {
            let fresh = try ConfigLoader.load(path: configPath)
            if fresh.inbox != config.inbox || fresh.snapshotsPath != config.snapshotsPath
                || fresh.statePath != config.statePath
            {
                logger.warning(
                    "reload_partial", metadata: ["reason": "inbox, snapshot and state paths change only on restart"])
            }
            logLevel.set(fresh.logLevel)
            config.logLevel = fresh.logLevel
            config.sources = fresh.sources
            config.http = fresh.http
            // Unchanged sources keep their schedule; changed, new and removed ones are (re)started or stopped.
            poller?.start(sources: config.sources, http: config.http, queue: queue, state: state, logger: logger)
            logger.notice("reloaded", metadata: ["sources": "\(fresh.sources.count)", "log_level": "\(fresh.logLevel)"])
        } catch {
            logger.error("reload_rejected", metadata: ["error": "\(error)", "action": "keeping the running config"])
        }
        notifier.send("READY=1")
    }

    /// Opens the state database; a damaged one is set aside and rebuilt from the snapshot files.
    static func openState(config: DaemonConfig, logger: Logger) throws -> StateStore {
        try FileSystem.makeDirectories(config.statePath)
        do {
            return try StateStore(directory: config.statePath)
        } catch .corrupt(let path, let reason) {
            let aside = path + ".corrupt-" + Timestamp.now().compact
            for suffix in ["", "-wal", "-shm"] { rename(path + suffix, aside + suffix) }
            logger.error(
                "state_rebuilt", metadata: ["reason": "\(reason)", "set_aside": "\(aside)", "action": "rebuilding from snapshots"])
            return try StateStore(directory: config.statePath)
        }
    }
}
