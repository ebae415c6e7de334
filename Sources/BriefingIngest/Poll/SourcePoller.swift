import BriefingCore
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
    private let errors = Mutex(0)
    /// Monotonic time before which the server asked not to be asked again (`Retry-After` beyond
    /// the next scheduled poll); the schedule waits for it.
    private let holdOff = Mutex<Int64>(0)

    init(
        source: SourceConfig, http: HTTPConfig, queue: FetchQueue, state: StateStore, logger: Logger,
        limiter: HostLimiter
    ) {
        self.source = source
        self.http = http
        self.queue = queue
        self.state = state
        var logger = logger
        logger[metadataKey: "source"] = "\(source.name)"
        self.logger = logger
        self.limiter = limiter
        self.schedule = SourceSchedule(source)
        self.backoff = Backoff(base: max(1, http.retryBase.milliseconds))
    }

    /// What one poll came to; the raw values are the `result` of `briefingd status` and metrics.
    enum Result: String, Sendable {
        case changed, unchanged
        case notModified = "not_modified"
        case error

        var metric: PollMetrics.Result {
            switch self {
            case .changed: .changed
            case .unchanged: .unchanged
            case .notModified: .notModified
            case .error: .error
            }
        }
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
            let started = monotonicMilliseconds()
            let startedAt = Timestamp.now()
            let nextAt = started + schedule.delay(from: Date())
            let outcome = await poll(nextPollAt: nextAt)
            // Stopping or removed: the poll was cut short, and its status would only mislead.
            if Task.isCancelled || outcome.interrupted { return }
            let next = max(nextAt, holdOff.withLock { $0 })
            await finish(
                outcome, startedAt: startedAt, duration: monotonicMilliseconds() - started, nextAt: next)
            let wait = next - monotonicMilliseconds()
            if wait > 0 { try? await Task.sleep(for: .milliseconds(wait)) }
        }
    }

    /// The result of one poll, with what it cost.
    struct Outcome: Sendable {
        var result: Result
        var error: String?
        var requests = 0
        var bytes = 0
        var newItems: Int?
        var snapshots = 0
        /// The daemon is stopping or the source was removed mid-poll.
        var interrupted = false
    }

    /// One poll of the source. `nextPollAt` (monotonic ms) bounds retries: they never run into it.
    func poll(nextPollAt: Int64) async -> Outcome {
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

    // MARK: Pages

    private func ingestPage(_ response: HTTPResponse, outcome: inout Outcome) async {
        let ingest = await submit(source.url, response)
        outcome.interrupted = ingest.interrupted
        outcome.result = ingest.result
        outcome.error = ingest.error
        outcome.snapshots = ingest.written ? 1 : 0
        if ingest.keep { await saveValidators(source.url, response) }
    }

    // MARK: Feeds and index pages

    private func ingestListing(_ response: HTTPResponse, nextPollAt: Int64, outcome: inout Outcome) async {
        let listed: [ListedItem]
        do {
            let listing = try parseListing(response)
            listed = listing.items
            for problem in listing.problems {
                // The readable items are still taken; the rest of the listing is named here.
                logger.warning(
                    "listing_partly_unreadable",
                    metadata: ["url": "\(source.url)", "items": "\(listed.count)", "problem": "\(problem)"])
            }
        } catch {
            logger.warning(
                "listing_unreadable", metadata: ["url": "\(source.url)", "error": "\(error.problem)"])
            outcome.error = error.description
            return
        }
        let sourceName = source.name
        let state = self.state
        let urls = listed.map(\.url)
        // A feed item's date dates the briefing when the page itself does not.
        let itemDates = Dictionary(listed.compactMap { item in item.date.map { (item.url, $0) } }) { a, _ in a
        }
        let unseen: [String]
        do {
            unseen = try await client.blocking { () throws(StateError) in
                var fresh: [String] = []
                for url in urls where !(try state.isItemSeen(source: sourceName, url: url)) {
                    fresh.append(url)
                }
                return fresh
            }
        } catch {
            outcome.error = error.description
            logger.error("state_failed", metadata: ["error": "\(error)"])
            return
        }
        outcome.newItems = unseen.count
        logger.debug(
            "listing_read",
            metadata: ["url": "\(source.url)", "items": "\(listed.count)", "new": "\(unseen.count)"])

        var allTaken = true
        var anyWritten = false
        var firstError: String?
        // Fetch a few ahead (the host limiter bounds parallelism); hand them over strictly in order.
        let window = max(1, http.perHostConcurrency)
        var pending: [(url: String, task: Task<FetchResult, Never>)] = []
        var next = 0
        while next < unseen.count || !pending.isEmpty {
            while pending.count < window, next < unseen.count {
                let url = unseen[next]
                next += 1
                pending.append((url, Task { await self.fetchItem(url, nextPollAt: nextPollAt) }))
            }
            let (url, task) = pending.removeFirst()
            let item = await task.value
            outcome.requests += item.requests
            outcome.bytes += item.bytes
            guard case .success(let response) = item.result else {
                if case .failure(let message) = item.result { firstError = firstError ?? message }
                outcome.interrupted = outcome.interrupted || item.result.isCancelled
                allTaken = false
                continue
            }
            let ingest = await submit(url, response, feedItemDate: itemDates[url])
            outcome.interrupted = outcome.interrupted || ingest.interrupted
            if outcome.interrupted { break }
            if ingest.written { outcome.snapshots += 1 }
            anyWritten = anyWritten || ingest.written
            if let e = ingest.error { firstError = firstError ?? e }
            if ingest.markSeen {
                _ = try? await client.blocking { () throws(StateError) in
                    try state.markItemSeen(source: sourceName, url: url, at: Timestamp.now().rfc3339)
                }
            } else {
                allTaken = false
            }
            if ingest.keep { await saveValidators(url, response) }
        }
        // Validators make the next poll a cheap 304, which would hide items that failed this time:
        // keep them only when every new item was taken.
        if allTaken { await saveValidators(source.url, response) }
        outcome.error = firstError
        outcome.result = firstError != nil ? .error : anyWritten ? .changed : .unchanged
    }

    private func parseListing(_ response: HTTPResponse) throws(ListingError) -> Listing {
        switch source.kind {
        case .feed: return try FeedParser.read(response.body, url: response.finalURL)
        case .index:
            return Listing(
                items: try IndexPage.links(
                    response.body, url: response.finalURL, charset: response.charset,
                    pattern: source.links ?? "."))
        case .page: return Listing(items: [])
        }
    }

    private struct FetchResult: Sendable {
        var result: FetchOutcome
        var requests: Int
        var bytes: Int
    }

    private func fetchItem(_ url: String, nextPollAt: Int64) async -> FetchResult {
        var cost = Outcome(result: .error)
        let result = await fetch(url, conditional: false, nextPollAt: nextPollAt, cost: &cost)
        return FetchResult(result: result, requests: cost.requests, bytes: cost.bytes)
    }

    // MARK: Fetching with retries

    enum FetchOutcome: Sendable {
        /// 2xx, or 304 for a conditional request.
        case success(HTTPResponse)
        /// Already logged; the text is for `briefingd status`.
        case failure(String)
        /// The daemon is stopping or the source was removed.
        case cancelled

        var isCancelled: Bool {
            if case .cancelled = self { return true }
            return false
        }
    }

    /// GETs `url`, retrying what may pass (DNS, connect, timeouts, 5xx, 429) with backoff, as long
    /// as the next scheduled poll is not reached.
    private func fetch(_ url: String, conditional: Bool, nextPollAt: Int64, cost: inout Outcome) async
        -> FetchOutcome
    {
        let request: HTTPRequest
        do {
            request = try await makeRequest(url, conditional: conditional)
        } catch {
            logger.error(
                "fetch_failed",
                metadata: ["url": "\(url)", "error": "\(error)", "next_attempt": "\(wallClock(nextPollAt))"])
            metrics.fetchError(source: source.name, kind: "headers_file")
            return .failure(error.description)
        }
        let host = URLComponents(string: url)?.host?.lowercased() ?? url
        var attempt = 0
        while true {
            await limiter.acquire(host)
            let started = monotonicMilliseconds()
            let result: Swift.Result<HTTPResponse, HTTPError>
            do { result = .success(try await client.fetch(request)) } catch { result = .failure(error) }
            await limiter.release(host)
            let elapsed = monotonicMilliseconds() - started

            let failure: (kind: String, text: String, status: Int?, retryable: Bool, retryAfter: Int64?)
            switch result {
            case .success(let response):
                cost.requests += response.requests
                cost.bytes += response.wireBytes
                metrics.fetched(source: source.name, bytes: response.wireBytes, milliseconds: elapsed)
                let status = response.status
                if (200..<300).contains(status) || (status == 304 && conditional) {
                    return .success(response)
                }
                let kind = status >= 500 ? "http_5xx" : status == 429 ? "http_429" : "http_\(status / 100)xx"
                failure = (
                    kind, "\(url): HTTP \(status)", status, status >= 500 || status == 429,
                    response.retryAfterMilliseconds.map { cappedRetryAfter($0, url: url) }
                )
            case .failure(let error):
                cost.requests += 1
                if case .cancelled = error { return .cancelled }
                failure = (error.kind, error.description, nil, error.isRetryable, nil)
            }
            metrics.fetchError(source: source.name, kind: failure.kind)
            var meta: Logger.Metadata = [
                "url": "\(url)", "error": "\(failure.text)", "attempt": "\(attempt + 1)",
            ]
            if let status = failure.status { meta["status"] = "\(status)" }
            if failure.retryable, attempt < http.retries, !Task.isCancelled {
                let delay = backoff.delay(attempt: attempt, retryAfter: failure.retryAfter)
                if monotonicMilliseconds() + delay < nextPollAt {
                    meta["next_attempt"] = "\(wallClock(monotonicMilliseconds() + delay))"
                    meta["retry_in_ms"] = "\(delay)"
                    logger.warning("fetch_failed", metadata: meta)
                    try? await Task.sleep(for: .milliseconds(delay))
                    if Task.isCancelled { return .cancelled }
                    attempt += 1
                    continue
                }
            }
            // Not retryable, out of retries, or the next poll comes first: wait for the schedule,
            // and longer if the server said so.
            var next = nextPollAt
            if let retryAfter = failure.retryAfter {
                let asked = monotonicMilliseconds() + retryAfter
                next = holdOff.withLock { hold in
                    hold = max(hold, asked)
                    return max(nextPollAt, hold)
                }
            }
            meta["next_attempt"] = "\(wallClock(next))"
            logger.warning("fetch_failed", metadata: meta)
            return .failure(failure.text)
        }
    }

    /// `asked` (ms), or the schedule's cap when the server asked for more; logs the capping.
    private func cappedRetryAfter(_ asked: Int64, url: String) -> Int64 {
        let cap = schedule.retryAfterCap
        guard asked > cap else { return asked }
        logger.warning(
            "retry_after_capped",
            metadata: [
                "url": "\(url)", "asked_seconds": "\(asked / 1000)", "cap_seconds": "\(cap / 1000)",
            ])
        return cap
    }

    /// Headers for one request: the default User-Agent (unless configured), the source's headers,
    /// the secrets file, and for the source URL its validators.
    private func makeRequest(_ url: String, conditional: Bool) async throws(HeaderFileError) -> HTTPRequest {
        var headers: [HTTPHeader] = []
        let configured = source.headers.sorted { $0.key < $1.key }.map {
            HTTPHeader(name: $0.key, value: $0.value)
        }
        var fromFile: [HTTPHeader] = []
        if let path = source.headersFromFile {
            fromFile = try await client.blocking { () throws(HeaderFileError) in try HeaderFile.read(path) }
        }
        let all = configured + fromFile
        if !all.contains(where: { $0.name.lowercased() == "user-agent" }) {
            headers.append(HTTPHeader(name: "User-Agent", value: "briefingd/\(BriefingdVersion.current)"))
        }
        headers += all
        if conditional {
            let state = self.state
            if let known = try? await client.blocking({ () throws(StateError) in try state.urlState(url) }) {
                if let etag = known.etag { headers.append(HTTPHeader(name: "If-None-Match", value: etag)) }
                if let lm = known.lastModified {
                    headers.append(HTTPHeader(name: "If-Modified-Since", value: lm))
                }
            }
        }
        return HTTPRequest(
            url: url, headers: headers, limits: http, caFile: source.caFile, proxy: source.proxy)
    }

    // MARK: Handing over

    private struct Ingest {
        var result: Result
        var error: String?
        var written = false
        /// Keep the response's validators (the content was taken or is known).
        var keep = false
        /// For feed and index items: never fetch this URL again.
        var markSeen = false
        /// The daemon's loop is shutting down and did not take the document.
        var interrupted = false
    }

    private func submit(_ url: String, _ response: HTTPResponse, feedItemDate: Date? = nil) async -> Ingest {
        let document = FetchedDocument(
            sourceName: source.name, url: url, body: response.body,
            http: HTTPInfo(
                status: response.status, finalURL: response.finalURL, etag: response.etag,
                lastModified: response.lastModified, contentType: response.contentType),
            hints: DecodeHints(
                fileName: Self.fileName(response.finalURL),
                declaredCharset: response.charset,
                contentType: response.contentType,
                feedItemDate: feedItemDate.map {
                    Timestamp(millisecondsSinceEpoch: Int64(($0.timeIntervalSince1970 * 1000).rounded()))
                }))
        switch await queue.submit(document) {
        case .written: return Ingest(result: .changed, written: true, keep: true, markSeen: true)
        case .unchanged, .duplicate: return Ingest(result: .unchanged, keep: true, markSeen: true)
        case .failed(let code, let detail):
            // Not kept for pages: the next poll fetches the page again, so a page that fails now
            // (e.g. an encoding this version cannot read) is taken once briefingd can. A failed feed
            // item is marked seen, or every poll would fetch and fail it again.
            return Ingest(result: .error, error: "\(code): \(detail)", markSeen: true)
        case .deferred(let reason):
            return Ingest(result: .error, error: "deferred: \(reason)")
        case .stopping:
            return Ingest(result: .error, error: "deferred: shutting down", interrupted: true)
        case .vanished:
            return Ingest(result: .error, error: "vanished")
        }
    }

    /// Last path component of a URL (`briefing.html`), the decoder's weakest format hint; nil for `/`.
    static func fileName(_ url: String) -> String? {
        guard let last = URLComponents(string: url)?.path.split(separator: "/").last else { return nil }
        return String(last).removingPercentEncoding ?? String(last)
    }

    private func saveValidators(_ url: String, _ response: HTTPResponse) async {
        let state = self.state
        let (etag, lastModified) = (response.etag, response.lastModified)
        do {
            try await client.blocking { () throws(StateError) in
                try state.setValidators(
                    url: url, etag: etag, lastModified: lastModified, at: Timestamp.now().rfc3339)
            }
        } catch {
            logger.error("state_failed", metadata: ["url": "\(url)", "error": "\(error)"])
        }
    }

    // MARK: Status

    private func finish(_ outcome: Outcome, startedAt: Timestamp, duration: Int64, nextAt: Int64) async {
        metrics.polled(source: source.name, result: outcome.result.metric)
        let failed = outcome.result == .error
        let errorCount = errors.withLock { count -> Int in
            count = failed ? count + 1 : 0
            return count
        }
        let next = wallClock(nextAt)
        var meta: Logger.Metadata = [
            "result": "\(outcome.result.rawValue)", "duration_ms": "\(duration)",
            "requests": "\(outcome.requests)",
            "bytes": "\(outcome.bytes)", "snapshots": "\(outcome.snapshots)", "next_poll": "\(next)",
        ]
        if let n = outcome.newItems { meta["new_items"] = "\(n)" }
        if let e = outcome.error {
            meta["error"] = "\(e)"
            meta["errors"] = "\(errorCount)"
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
    private func wallClock(_ monotonic: Int64) -> String {
        Timestamp(
            millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch
                + (monotonic - monotonicMilliseconds())
        )
        .rfc3339
    }
}
