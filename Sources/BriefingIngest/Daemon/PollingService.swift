import Logging
import ServiceLifecycle
import Synchronization

/// Polls the configured sources (through a ``SourcePolling``) from start until graceful shutdown;
/// a reload hands it the new sources and `http:` settings.
final class PollingService: Service {
    private let poller: any SourcePolling
    private let queue: FetchQueue
    private let state: StateStore
    private let logger: Logger
    /// What a reload asked for; nil once stopped, so that a late reload starts nothing.
    private let settings: Mutex<(sources: [SourceConfig], http: HTTPConfig)?>

    init(
        poller: any SourcePolling, sources: [SourceConfig], http: HTTPConfig, queue: FetchQueue,
        state: StateStore, logger: Logger
    ) {
        self.poller = poller
        self.queue = queue
        self.state = state
        self.logger = logger
        self.settings = Mutex((sources, http))
    }

    func run() async throws {
        settings.withLock { current in
            guard let current else { return }
            poller.start(
                sources: current.sources, http: current.http, queue: queue, state: state, logger: logger)
        }
        // Cancellation (another service failed) stops polling as a graceful shutdown does.
        try? await gracefulShutdown()
        settings.withLock { current in
            current = nil
            poller.stop()
        }
    }

    /// Unchanged sources keep their schedule; changed, new and removed ones are (re)started or stopped.
    func apply(sources: [SourceConfig], http: HTTPConfig) {
        settings.withLock { current in
            guard current != nil else { return }
            current = (sources, http)
            poller.start(sources: sources, http: http, queue: queue, state: state, logger: logger)
        }
    }
}
