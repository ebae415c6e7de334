import BriefingCore
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

/// `briefingd run`: one loop on one thread that waits on inotify, a signalfd, the fetch queue's
/// eventfd and the worker pool's, hands settled files and fetched pages to worker processes for
/// extraction, and writes what comes back through the ``Ingestor``. The loop never waits on
/// extraction, so signals, the watchdog and other inputs go on whatever one input does.
public final class Daemon {
    private var config: DaemonConfig
    private let configPath: String
    private let logger: Logger
    private let logLevel: LogLevelControl
    private let notifier: SystemdNotifier
    private let poller: (any SourcePolling)?
    /// Most inputs in hand at once (read, with a worker or waiting for one): bounds the memory held,
    /// since each is in memory with its JSON. At 256 per batch the daemon peaked at 117 MiB RSS in a
    /// burst of 2,000 files; at 32 at 47 MiB, with the same throughput (docs/benchmark.md).
    static let batchLimit = 32
    /// The executable workers run: this very program.
    let workerExecutable: String

    public init(
        config: DaemonConfig, configPath: String, logger: Logger, logLevel: LogLevelControl,
        poller: (any SourcePolling)?, notifier: SystemdNotifier = SystemdNotifier(),
        workerExecutable: String = Daemon.ownExecutable()
    ) {
        self.workerExecutable = workerExecutable
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
        let inHand = try InHandStore(directory: config.statePath)
        let pool = WorkerPool(
            settings: WorkerPool.Settings(
                executable: workerExecutable, workers: config.inputLimits.workers, limits: config.inputLimits,
                maxInputBytes: max(config.inbox.maxBytes, config.http.maxBytes)),
            inHand: inHand, logger: logger)
        defer { pool.shutDown() }
        let ingestor = Ingestor(config: config, state: state, logger: logger, pool: pool)
        try ingestor.prepare()
        var hand = Hand()
        hand.suspects = forgetStaleMarks(inHand)
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
            pollfd(fd: pool.wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        var stopping = false
        var exitCode: Int32 = 0
        while !stopping {
            let now = monotonicMilliseconds()
            var deadline = nextRescan
            // With every slot taken, a ready file waits for a result, which the pool's eventfd announces.
            let full = hand.count >= Self.batchLimit
            if let d = tracker.nextDeadline, !full { deadline = min(deadline, d) }
            fds[2].events = full ? 0 : Int16(POLLIN)
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
            settleCompleted(
                pool: pool, hand: &hand, tracker: &tracker, ingestor: ingestor, progress: &progress)
            dispatch(tracker: &tracker, ingestor: ingestor, queue: queue, pool: pool, hand: &hand)
            // Inputs whose outcome was known on reading (unreadable, refused after a restart) are settled now.
            settleCompleted(
                pool: nil, hand: &hand, tracker: &tracker, ingestor: ingestor, progress: &progress)
            IngestMetrics().backlog(tracker.pendingCount)
            if let watchdog, monotonicMilliseconds() >= nextWatchdog {
                notifier.send("WATCHDOG=1")
                nextWatchdog = monotonicMilliseconds() + watchdog
            }
        }
        // Inputs still with a worker stay in the inbox, untried as far as the next start is concerned.
        pool.shutDown()
        try? inHand.release(hand.fileNames)
        for entry in hand.entries.values { entry.complete?(.deferred(reason: "shutting down")) }
        queue.shutDown()
        poller?.stop()
        metricsServer?.stop()
        logger.info(
            "stopped",
            metadata: [
                "snapshots": "\(progress.written)", "duplicates": "\(progress.duplicates)",
                "failed": "\(progress.failed)",
            ])
        return exitCode
    }

    /// The path of the running executable, which workers are started from.
    public static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
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

    /// Inputs in hand: sent to a worker, or known on reading and waiting to be settled.
    private struct Hand {
        struct Entry {
            var work: Ingestor.Work
            var submitted: Int64
            /// Answers the poller of a fetched page.
            var complete: (@Sendable (IngestOutcome) -> Void)?
        }
        var entries: [Int: Entry] = [:]
        /// Tokens whose result is already known, to settle in this pass.
        var ready: [Int] = []
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
    private func dispatch(
        tracker: inout SettleTracker, ingestor: Ingestor, queue: FetchQueue, pool: WorkerPool,
        hand: inout Hand
    ) {
        let room = Self.batchLimit - hand.count
        guard room > 0 else { return }
        var files = tracker.takeReady(now: monotonicMilliseconds(), limit: room)
        if !hand.suspects.isEmpty {
            let suspects = files.filter { hand.suspects.contains($0.name) }
            files.removeAll { hand.suspects.contains($0.name) }
            // One at a time, and only when nothing else is in hand.
            if files.isEmpty && hand.count == 0, let first = suspects.first {
                files = [first]
                hand.suspects.remove(first.name)
            }
            let now = monotonicMilliseconds()
            for file in suspects where file != files.first { tracker.retry(file.name, after: 100, now: now) }
        }
        let fetched = room > files.count ? queue.take(limit: room - files.count) : []
        guard !files.isEmpty || !fetched.isEmpty else { return }
        logger.debug("batch", metadata: ["files": "\(files.count)", "fetched": "\(fetched.count)"])
        var jobs: [WorkerPool.Job] = []
        let items =
            files.map { (IngestItem.file($0), nil) }
            + fetched.map { (IngestItem.fetched($0.0), Optional($0.1)) }
        for (item, complete) in items {
            let prepared = ingestor.prepare(item)
            let token = hand.nextToken
            hand.nextToken += 1
            hand.entries[token] = Hand.Entry(
                work: prepared.work, submitted: monotonicMilliseconds(), complete: complete)
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

    /// Writes what the workers (or reading) gave, moves the inputs, answers the pollers, and schedules what must wait for a write problem to clear.
    private func settleCompleted(
        pool: WorkerPool?, hand: inout Hand, tracker: inout SettleTracker, ingestor: Ingestor,
        progress: inout Progress
    ) {
        let metrics = IngestMetrics()
        let now = monotonicMilliseconds()
        for (token, result) in pool?.takeCompleted() ?? [] {
            guard var entry = hand.entries[token] else { continue }
            switch result {
            case .extracted(let id, let json, let notes):
                entry.work.result = .success(Ingestor.Extraction(id: id, json: json, notes: notes))
            case .failed(let code, let detail):
                entry.work.result = .failure(.input(code: code, detail: detail))
            case .unavailable(let reason):
                entry.work.result = nil
                entry.complete?(.deferred(reason: reason))
                hand.entries[token] = nil
                if case .file(let f) = entry.work.item { tracker.retry(f.name, after: 1000, now: now) }
                continue
            }
            metrics.extraction(
                source: entry.work.item.sourceName,
                nanoseconds: UInt64(max(0, now - entry.submitted)) * 1_000_000)
            hand.entries[token] = entry
            hand.ready.append(token)
        }
        guard !hand.ready.isEmpty else { return }
        let tokens = hand.ready
        hand.ready.removeAll()
        let entries = tokens.map { hand.entries.removeValue(forKey: $0)! }
        let outcomes = ingestor.finish(entries.map(\.work))
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
            case .unchanged, .vanished: break
            }
            entry.complete?(outcome)
            guard case .file(let f) = entry.work.item else { continue }
            if case .deferred = outcome {
                deferredFiles.append(f.name)
            } else {
                // Still there (replaced meanwhile, or its move failed): look at it again.
                tracker.finished(f.name)
                tracker.completed(f.name, now: monotonicMilliseconds())
            }
        }
        // A batch of only failed or duplicate inputs says nothing about the write problem.
        if deferredNow != nil || wroteSome {
            progress.deferral = noteDeferral(deferredNow, previous: progress.deferral)
        }
        let after = monotonicMilliseconds()
        for name in deferredFiles {
            tracker.retry(name, after: max(0, (progress.deferral?.retryAt ?? after) - after), now: after)
        }
        notifier.send(
            "STATUS=\(progress.written) snapshots, \(progress.duplicates) duplicates, \(progress.failed) failed, "
                + "\(tracker.pendingCount) waiting")
    }

    /// Forgets the marks of inputs that left the inbox while the daemon was down; returns the others.
    private func forgetStaleMarks(_ inHand: InHandStore) -> Set<String> {
        guard let marked = try? inHand.all(), !marked.isEmpty else { return [] }
        let gone = marked.keys.filter { access(FileName.cPath(config.inbox.path + "/" + $0), F_OK) != 0 }
        try? inHand.release(gone)
        let kept = Set(marked.keys).subtracting(gone)
        if !kept.isEmpty {
            logger.notice(
                "inputs_in_hand_at_stop",
                metadata: [
                    "count": "\(kept.count)", "action": "each is tried once more, after the other inputs",
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
        return WriteDeferral.after(previous, reason: reason, now: monotonicMilliseconds())
    }

    private func reload(queue: FetchQueue, state: StateStore) {
        notifier.send("RELOADING=1\nMONOTONIC_USEC=\(monotonicMilliseconds() * 1000)")
        do {
            let fresh = try ConfigLoader.load(path: configPath)
            if fresh.inbox != config.inbox || fresh.snapshotsPath != config.snapshotsPath
                || fresh.statePath != config.statePath || fresh.metricsListen != config.metricsListen
            {
                logger.warning(
                    "reload_partial",
                    metadata: [
                        "reason": "inbox, snapshot and state paths and metrics.listen change only on restart"
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
