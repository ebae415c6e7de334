import Foundation
import Logging
import Synchronization

/// The daemon's ``SourcePolling``: one ``SourcePoller`` task per source, all HTTP through libcurl.
///
/// `start` may be called again (SIGHUP): sources whose settings are unchanged keep running on
/// their schedule; removed or changed ones are stopped (their transfers aborted) and new or
/// changed ones start with a poll at once. A change to `http:` restarts every source.
public final class CurlPoller: SourcePolling {
    private struct Running {
        var poller: SourcePoller
        var task: Task<Void, Never>
    }

    private struct Sources {
        var running: [String: Running] = [:]
        var http: HTTPConfig?
        var limiter: HostLimiter?
    }

    private let sources = Mutex(Sources())

    public init() {}

    public func start(
        sources wanted: [SourceConfig], http: HTTPConfig, queue: FetchQueue, state: StateStore, logger: Logger
    ) {
        sources.withLock { current in
            var previous: [String: Task<Void, Never>] = [:]
            if current.http != http {
                previous = Self.stop(names: Array(current.running.keys), in: &current)
                current.http = http
                current.limiter = HostLimiter(limit: http.perHostConcurrency)
            }
            let byName = Dictionary(wanted.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let stale = current.running.filter { byName[$0.key] != $0.value.poller.source }.map(\.key)
            previous.merge(Self.stop(names: stale, in: &current)) { old, _ in old }
            guard let limiter = current.limiter else { return }
            for source in wanted where current.running[source.name] == nil {
                let poller = SourcePoller(
                    source: source, http: http, queue: queue, state: state, logger: logger, limiter: limiter)
                let before = previous[source.name]
                let task = Task {
                    // A changed source waits for its old loop to end: a source never polls twice at once.
                    await before?.value
                    await poller.run()
                }
                current.running[source.name] = Running(poller: poller, task: task)
            }
            logger.debug(
                "polling",
                metadata: [
                    "sources": .stringConvertible(current.running.count),
                    "stopped": .stringConvertible(previous.count),
                ])
        }
    }

    /// Stops every source and returns once no transfer is running.
    public func stop() {
        sources.withLock { current in
            Self.stop(names: Array(current.running.keys), in: &current)
            current.http = nil
        }
    }

    /// Cancels the named sources' loops and aborts their transfers; returns their tasks.
    @discardableResult
    private static func stop(names: [String], in current: inout Sources) -> [String: Task<Void, Never>] {
        var tasks: [String: Task<Void, Never>] = [:]
        for name in names {
            guard let r = current.running.removeValue(forKey: name) else { continue }
            r.task.cancel()
            r.poller.client.stopAndWait()
            tasks[name] = r.task
        }
        return tasks
    }
}
