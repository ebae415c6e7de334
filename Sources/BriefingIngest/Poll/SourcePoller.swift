import BriefingCore
import BriefingStore
import Foundation
import Logging
import Synchronization

/// Polls one source on its schedule until cancelled: fetch (conditionally), hand new content to the
/// daemon's loop, record validators and status. One loop per source, so a poll of a source never
/// overlaps the next one, and a slow or failing source delays nobody else.
final class SourcePoller: Sendable {
    let source: SourceConfig
    let http: HTTPConfig
    let queue: FetchQueue
    let state: StateStore
    let logger: Logger
    let limiter: HostLimiter
    /// This source's own transfers, so that removing the source on reload aborts only them.
    let client = HTTPClient()
    let schedule: SourceSchedule
    let backoff: Backoff
    let metrics = PollMetrics()
    /// Consecutive failed polls, shown by `briefingd status`; reset by a good poll.
    let errors = Mutex(0)
    /// Monotonic time before which the server asked not to be asked again (`Retry-After` beyond
    /// the next scheduled poll); the schedule waits for it.
    let holdOff = Mutex<ContinuousClock.Instant?>(nil)
    /// The fleet's database and this instance's leases, when `store.postgres` is configured.
    let shared: SharedStore?
    let leases: SourceLeases?

    init(
        source: SourceConfig, http: HTTPConfig, queue: FetchQueue, state: StateStore, logger: Logger,
        limiter: HostLimiter, shared: SharedStore? = nil, leases: SourceLeases? = nil
    ) {
        self.shared = shared
        self.leases = leases
        self.source = source
        self.http = http
        self.queue = queue
        self.state = state
        var logger = logger
        logger[metadataKey: "source"] = "\(source.name)"
        self.logger = logger
        self.limiter = limiter
        self.schedule = SourceSchedule(source)
        self.backoff = Backoff(base: max(.milliseconds(1), http.retryBase.duration))
    }

    /// Polls now, then on schedule, until the task is cancelled.
    func run() async {
        if let previous = try? await client.blocking({ () throws(StateError) in
            try self.state.sourceStatuses()
        }),
            let mine = previous.first(where: { $0.name == source.name })
        {
            errors.withLock { $0 = mine.errors }
        }
        while !Task.isCancelled {
            if let shared, let leases, !(await isDueHere(shared, leases)) { continue }
            let started = ContinuousClock.now
            let startedAt = Timestamp.now()
            let nextAt = started + schedule.delay(from: Date())
            // The fleet's schedule is claimed before the poll, so that an instance taking the lease
            // over mid-poll waits for the next tick instead of polling the same one again.
            if let shared, !(await claimTick(shared, nextIn: nextAt - started)) { continue }
            let outcome = await poll(nextPollAt: nextAt)
            // Stopping or removed: the poll was cut short, and its status would only mislead.
            if Task.isCancelled || outcome.interrupted { return }
            let next = max(nextAt, holdOff.withLock { $0 } ?? nextAt)
            if let shared, next > nextAt {
                _ = await claimTick(shared, nextIn: next - .now)
            }
            await finish(
                outcome, startedAt: startedAt, duration: ContinuousClock.now - started, nextAt: next)
            if next > .now { try? await Task.sleep(until: next, clock: .continuous) }
        }
    }

    /// Whether this instance should poll the source now: it holds the lease and the fleet's schedule
    /// says the source is due. Otherwise waits a little (up to a renewal interval) and says no.
    private func isDueHere(_ shared: SharedStore, _ leases: SourceLeases) async -> Bool {
        let step = min(leases.renewInterval, 1000)
        guard leases.holds(source.name) else {
            try? await Task.sleep(for: .milliseconds(step))
            return false
        }
        let wait: Int64
        do {
            wait = try await shared.millisecondsUntilDue(source: source.name)
        } catch {
            try? await Task.sleep(for: .milliseconds(step))
            return false
        }
        guard wait <= 0 else {
            try? await Task.sleep(for: .milliseconds(min(wait, leases.renewInterval)))
            return false
        }
        return true
    }

    /// Sets when the source is next due for the whole fleet; false when this instance no longer
    /// holds the lease or the database does not answer (then it does not poll).
    private func claimTick(_ shared: SharedStore, nextIn delay: Duration) async -> Bool {
        let (seconds, attoseconds) = delay.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        do {
            return try await shared.setNextDue(source: source.name, inMilliseconds: max(0, milliseconds))
        } catch {
            logger.warning("store_schedule_not_saved", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .milliseconds(1000))
            return false
        }
    }

    /// The result of one poll, with what it cost.
    struct Outcome: Sendable {
        var result: PollResult
        var error: String?
        var requests = 0
        var bytes = 0
        var newItems: Int?
        var snapshots = 0
        /// The daemon is stopping or the source was removed mid-poll.
        var interrupted = false
    }

    /// One poll of the source. `nextPollAt` bounds retries: they never run into it.
    func poll(nextPollAt: ContinuousClock.Instant) async -> Outcome {
        // Every kind starts with a conditional request for the configured URL.
        var outcome = Outcome(result: .error)
        let fetched = await fetch(source.url, conditional: true, nextPollAt: nextPollAt, cost: &outcome)
        guard case .success(let response) = fetched else {
            if case .failure(let message) = fetched { outcome.error = message }
            outcome.interrupted = fetched.isCancelled
            return outcome
        }
        if response.status == 304 {
            outcome.result = .notModified
            logger.debug("not_modified", metadata: ["url": "\(source.url)"])
            return outcome
        }
        switch source.kind {
        case .page: await ingestPage(response, outcome: &outcome)
        case .feed, .index: await ingestListing(response, nextPollAt: nextPollAt, outcome: &outcome)
        }
        return outcome
    }

    // MARK: Status

    func finish(_ outcome: Outcome, startedAt: Timestamp, duration: Duration, nextAt: ContinuousClock.Instant)
        async
    {
        metrics.polled(source: source.name, result: outcome.result)
        let failed = outcome.result == .error
        let errorCount = errors.withLock { count -> Int in
            count = failed ? count + 1 : 0
            return count
        }
        let next = wallClock(nextAt)
        var meta: Logger.Metadata = [
            "result": "\(outcome.result.rawValue)",
            "duration_ms": .stringConvertible(duration.wholeMilliseconds),
            "requests": .stringConvertible(outcome.requests),
            "bytes": .stringConvertible(outcome.bytes), "snapshots": .stringConvertible(outcome.snapshots),
            "next_poll": "\(next)",
        ]
        if let n = outcome.newItems { meta["new_items"] = .stringConvertible(n) }
        if let e = outcome.error {
            meta["error"] = "\(e)"
            meta["errors"] = .stringConvertible(errorCount)
        }
        if failed {
            logger.warning("poll_finished", metadata: meta)
        } else {
            logger.info("poll_finished", metadata: meta)
        }

        let state = self.state
        let name = source.name
        let startedText = startedAt.rfc3339
        do {
            try await client.blocking { () throws(StateError) in
                var status =
                    try state.sourceStatuses().first { $0.name == name }
                    ?? StateStore.SourceStatus(name: name)
                status.lastPoll = startedText
                status.result = outcome.result.rawValue
                status.nextPoll = next
                status.errors = errorCount
                if let e = outcome.error { status.lastError = e }
                if !failed { status.lastSuccess = startedText }
                try state.setSourceStatus(status)
            }
        } catch {
            logger.error("state_failed", metadata: ["error": "\(error)"])
        }
    }

    /// RFC 3339 wall-clock time of a monotonic instant.
    func wallClock(_ instant: ContinuousClock.Instant) -> String {
        Timestamp(
            millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch
                + ContinuousClock.now.duration(to: instant).wholeMilliseconds
        )
        .rfc3339
    }
}
