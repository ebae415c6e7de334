import BriefingCore
import BriefingStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Something that polls the configured sources and hands what it fetches to a ``FetchQueue``.
/// The daemon starts it once the inbox is watched, restarts it on reload and stops it on SIGTERM.
public protocol SourcePolling: Sendable {
    func start(
        sources: [SourceConfig], http: HTTPConfig, queue: FetchQueue, state: StateStore, logger: Logger)
    /// Stops polling; returns once no transfer is running.
    func stop()
}

/// `briefingd run`: opens what every service shares (state, ingestor, fetch queue, metrics
/// endpoint), then runs the services as one swift-service-lifecycle `ServiceGroup` until SIGTERM or
/// SIGINT; SIGHUP reloads the config. The sd_notify messages are the daemon's own (``SystemdNotifier``).
public struct Daemon: Sendable {
    private let config: DaemonConfig
    private let configPath: String
    private let logger: Logger
    private let logLevel: LogLevelControl
    private let notifier: SystemdNotifier
    private let poller: (any SourcePolling)?
    /// The fleet's database (`store.postgres`), opened and migrated before the daemon is made.
    private let shared: SharedStore?
    private let leases: SourceLeases?
    /// The executable extraction workers run: this very program.
    private let workerExecutable: String

    /// Call ``DaemonSignals/block()`` on the main thread before anything else; see there why.
    public init(
        config: DaemonConfig, configPath: String, logger: Logger, logLevel: LogLevelControl,
        poller: (any SourcePolling)?, notifier: SystemdNotifier = SystemdNotifier(),
        shared: SharedStore? = nil, leases: SourceLeases? = nil,
        workerExecutable: String = Daemon.ownExecutable()
    ) {
        self.shared = shared
        self.leases = leases
        self.workerExecutable = workerExecutable
        self.config = config
        self.configPath = configPath
        self.logger = logger
        self.logLevel = logLevel
        self.poller = poller
        self.notifier = notifier
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit code.
    public func run() async throws -> Int32 {
        let metricsServer = try config.metricsListen.flatMap(HostPort.init).map {
            try MetricsServer.start(listen: $0)
        }
        if let metricsServer {
            for source in config.sources { PollMetrics().register(source: source.name) }
            logger.info(
                "metrics_listening", metadata: ["address": "\(metricsServer.address)", "path": "/metrics"])
        }
        let state = try Self.openState(config: config, logger: logger)
        defer { state.close() }
        let inHand = try InHandStore(directory: config.statePath)
        defer { inHand.close() }
        // Untrusted bytes are parsed only in the pool's workers, never here.
        ExtractionWorker.forbidInThisProcess()
        let pool = WorkerPool(
            settings: WorkerPool.Settings(
                executable: workerExecutable, workers: config.inputLimits.workers, limits: config.inputLimits,
                maxInputBytes: max(config.inbox.maxBytes, config.http.maxBytes)),
            inHand: inHand, logger: logger)
        // Also when start-up fails: no worker outlives the daemon's attempt.
        defer { pool.shutDown() }
        let ingestor = Ingestor(config: config, state: state, logger: logger, pool: pool, shared: shared)
        try ingestor.prepare()
        try await ingestor.publishMissingRows()
        let queue = FetchQueue()
        let pages = config.pagesEnabled ? PageService(root: config.snapshotsPath, logger: logger) : nil
        let inbox = InboxService(
            config: config, ingestor: ingestor, queue: queue, pool: pool, inHand: inHand, pages: pages,
            notifier: notifier, logger: logger)

        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services(
                    inbox: inbox, pool: pool, pages: pages, metrics: metricsServer, queue: queue, state: state
                ),
                gracefulShutdownSignals: DaemonSignals.stopping,
                logger: logger))
        try await group.run()

        let (progress, ending) = inbox.outcome ?? (InboxService.Progress(), .stopped)
        logger.info(
            "stopped",
            metadata: [
                "snapshots": .stringConvertible(progress.written),
                "duplicates": .stringConvertible(progress.duplicates),
                "failed": .stringConvertible(progress.failed),
            ])
        return ending == .inboxGone ? 1 : 0
    }

    /// The daemon's services, in start order; graceful shutdown stops them in reverse order, so a
    /// service is listed after those it feeds: the inbox loop stops taking work before polling
    /// stops, the worker pool once the inbox loop no longer hands it work, and metrics are served
    /// until the end; the shared store outlives all but metrics, so the last batch still commits its rows.
    private func services(
        inbox: InboxService, pool: WorkerPool, pages: PageService?, metrics: MetricsServer?,
        queue: FetchQueue,
        state: StateStore
    ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let metrics {
            services.append(.init(service: MetricsService(server: metrics), serviceName: "metrics"))
        }
        // Before polling and the inbox, so it stops after them: leases are given back once no
        // poll runs, and the last batch can still commit its rows.
        if let shared, let leases {
            services.append(
                .init(service: SharedStoreService(store: shared, leases: leases), serviceName: "store"))
        }
        services.append(.init(service: WorkerPoolService(pool: pool), serviceName: "workers"))
        // Fed by the inbox loop, so it stops after it.
        if let pages { services.append(.init(service: pages, serviceName: "pages")) }
        let polling = poller.map {
            PollingService(
                poller: $0, sources: config.sources, http: config.http, queue: queue, state: state,
                logger: logger)
        }
        if let polling { services.append(.init(service: polling, serviceName: "polling")) }
        // A vanished inbox folder ends the loop on its own: the others then stop gracefully.
        services.append(
            .init(service: inbox, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "inbox"))
        services.append(
            .init(
                service: ReloadService(
                    config: config, configPath: configPath, logLevel: logLevel, polling: polling,
                    notifier: notifier, logger: logger),
                serviceName: "reload"))
        return services
    }

    /// The path of the running executable, which workers are started from.
    public static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
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
