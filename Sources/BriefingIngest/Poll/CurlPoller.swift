import BriefingStore
import Foundation
import Logging

/// The daemon's ``SourcePolling``: one ``SourcePoller`` task per source, all HTTP through libcurl.
///
/// `start` may be called again (SIGHUP): sources whose settings are unchanged keep running on
/// their schedule; removed or changed ones are stopped (their transfers aborted) and new or
/// changed ones start with a poll at once. A change to `http:` restarts every source.
public final class CurlPoller: SourcePolling, @unchecked Sendable {
    // @unchecked: `running`, `http` and `limiter` are only touched while `lock` is held.
    private let lock = NSLock()
    private var running: [String: Running] = [:]
    private var http: HTTPConfig?
    private var limiter: HostLimiter?

    private struct Running {
        var poller: SourcePoller
        var task: Task<Void, Never>
    }

    /// With a shared store, a source is polled only while this instance holds its lease, and its
    /// schedule, validators and seen items are the fleet's.
    private let shared: SharedStore?
    private let leases: SourceLeases?

    public init(shared: SharedStore? = nil, leases: SourceLeases? = nil) {
        self.shared = shared
        self.leases = leases
    }

    public func start(
        sources: [SourceConfig], http: HTTPConfig, queue: FetchQueue, state: StateStore, logger: Logger
    ) {
        lock.lock()
        defer { lock.unlock() }
        var previous: [String: Task<Void, Never>] = [:]
        if self.http != http {
            previous = stopLocked(names: Array(running.keys))
            self.http = http
            limiter = HostLimiter(limit: http.perHostConcurrency)
        }
        let wanted = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let stale = running.filter { wanted[$0.key] != $0.value.poller.source }.map(\.key)
        previous.merge(stopLocked(names: stale)) { old, _ in old }
        leases?.setSources(sources.map(\.name))
        guard let limiter else { return }
        for source in sources where running[source.name] == nil {
            let poller = SourcePoller(
                source: source, http: http, queue: queue, state: state, logger: logger, limiter: limiter,
                shared: shared, leases: leases)
            let before = previous[source.name]
            let task = Task {
                // A changed source waits for its old loop to end: a source never polls twice at once.
                await before?.value
                await poller.run()
            }
            running[source.name] = Running(poller: poller, task: task)
        }
        logger.debug(
            "polling", metadata: ["sources": "\(running.count)", "stopped": "\(previous.count)"])
    }

    /// Stops every source and returns once no transfer is running.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        stopLocked(names: Array(running.keys))
        http = nil
    }

    /// Cancels the named sources' loops and aborts their transfers; returns their tasks.
    @discardableResult
    private func stopLocked(names: [String]) -> [String: Task<Void, Never>] {
        var tasks: [String: Task<Void, Never>] = [:]
        for name in names {
            guard let r = running.removeValue(forKey: name) else { continue }
            r.task.cancel()
            r.poller.client.stopAndWait()
            tasks[name] = r.task
        }
        return tasks
    }
}
