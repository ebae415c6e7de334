import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// SIGHUP: reads the config file again, checks it whole, and applies what can change while running
/// (log level, sources, `http:`); a file that does not load is refused and the running config kept.
/// systemd hears `RELOADING=1` before and `READY=1` after, either way.
final class ReloadService: Service {
    private let configPath: String
    private let running: Mutex<DaemonConfig>
    private let logLevel: LogLevelControl
    private let polling: PollingService?
    private let notifier: SystemdNotifier
    private let logger: Logger

    init(
        config: DaemonConfig, configPath: String, logLevel: LogLevelControl, polling: PollingService?,
        notifier: SystemdNotifier, logger: Logger
    ) {
        self.running = Mutex(config)
        self.configPath = configPath
        self.logLevel = logLevel
        self.polling = polling
        self.notifier = notifier
        self.logger = logger
    }

    func run() async {
        let hangups = await UnixSignalsSequence(trapping: DaemonSignals.reload)
        for await _ in hangups.cancelOnGracefulShutdown() { reload() }
    }

    func reload() {
        notifier.send("RELOADING=1\nMONOTONIC_USEC=\(monotonicMicroseconds())")
        defer { notifier.send("READY=1") }
        let fresh: DaemonConfig
        do {
            fresh = try ConfigLoader.load(path: configPath)
        } catch {
            logger.error(
                "reload_rejected", metadata: ["error": "\(error)", "action": "keeping the running config"])
            return
        }
        let config = running.withLock { config in
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
            config.logLevel = fresh.logLevel
            config.sources = fresh.sources
            config.http = fresh.http
            return config
        }
        logLevel.set(config.logLevel)
        polling?.apply(sources: config.sources, http: config.http)
        logger.notice(
            "reloaded",
            metadata: [
                "sources": .stringConvertible(config.sources.count), "log_level": "\(config.logLevel)",
            ])
    }
}
