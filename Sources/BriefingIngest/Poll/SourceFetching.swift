import BriefingCore
import BriefingStore
import Foundation
import Logging
import Synchronization

// One GET with retries: backoff with full jitter for what may pass, `Retry-After` honoured (and
// capped), never past the next scheduled poll.

extension SourcePoller {
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
    func fetch(_ url: String, conditional: Bool, nextPollAt: ContinuousClock.Instant, cost: inout Outcome)
        async
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
            let started = ContinuousClock.now
            let result: Swift.Result<HTTPResponse, HTTPError>
            do { result = .success(try await client.fetch(request)) } catch { result = .failure(error) }
            await limiter.release(host)
            let elapsed = ContinuousClock.now - started

            let failure: (kind: String, text: String, status: Int?, retryable: Bool, retryAfter: Duration?)
            switch result {
            case .success(let response):
                cost.requests += response.requests
                cost.bytes += response.wireBytes
                metrics.fetched(source: source.name, bytes: response.wireBytes, duration: elapsed)
                let status = response.status
                if (200..<300).contains(status) || (status == 304 && conditional) {
                    return .success(response)
                }
                let kind = status >= 500 ? "http_5xx" : status == 429 ? "http_429" : "http_\(status / 100)xx"
                failure = (
                    kind, "\(url): HTTP \(status)", status, status >= 500 || status == 429,
                    response.retryAfter.map { cappedRetryAfter($0, url: url) }
                )
            case .failure(let error):
                cost.requests += 1
                if case .cancelled = error { return .cancelled }
                failure = (error.kind, error.description, nil, error.isRetryable, nil)
            }
            metrics.fetchError(source: source.name, kind: failure.kind)
            var meta: Logger.Metadata = [
                "url": "\(url)", "error": "\(failure.text)", "attempt": .stringConvertible(attempt + 1),
            ]
            if let status = failure.status { meta["status"] = .stringConvertible(status) }
            if failure.retryable, attempt < http.retries, !Task.isCancelled {
                let delay = backoff.delay(attempt: attempt, retryAfter: failure.retryAfter)
                if ContinuousClock.now + delay < nextPollAt {
                    meta["next_attempt"] = "\(wallClock(.now + delay))"
                    meta["retry_in_ms"] = .stringConvertible(delay.wholeMilliseconds)
                    logger.warning("fetch_failed", metadata: meta)
                    try? await Task.sleep(for: delay)
                    if Task.isCancelled { return .cancelled }
                    attempt += 1
                    continue
                }
            }
            // Not retryable, out of retries, or the next poll comes first: wait for the schedule,
            // and longer if the server said so.
            var next = nextPollAt
            if let retryAfter = failure.retryAfter {
                let asked = ContinuousClock.now + retryAfter
                next = holdOff.withLock { hold in
                    let held = max(hold ?? asked, asked)
                    hold = held
                    return max(nextPollAt, held)
                }
            }
            meta["next_attempt"] = "\(wallClock(next))"
            logger.warning("fetch_failed", metadata: meta)
            return .failure(failure.text)
        }
    }

    /// `asked`, or the schedule's cap when the server asked for more; logs the capping.
    func cappedRetryAfter(_ asked: Duration, url: String) -> Duration {
        let cap = schedule.retryAfterCap
        guard asked > cap else { return asked }
        logger.warning(
            "retry_after_capped",
            metadata: [
                "url": "\(url)", "asked_seconds": .stringConvertible(asked.components.seconds),
                "cap_seconds": .stringConvertible(cap.components.seconds),
            ])
        return cap
    }

    /// Headers for one request: the default User-Agent (unless configured), the source's headers,
    /// the secrets file, and for the source URL its validators.
    func makeRequest(_ url: String, conditional: Bool) async throws(HeaderFileError) -> HTTPRequest {
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
            let known: (etag: String?, lastModified: String?)?
            if let shared {
                known = (try? await shared.urlRecord(url)).flatMap { $0.map { ($0.etag, $0.lastModified) } }
            } else {
                known = (try? await client.blocking({ () throws(StateError) in try state.urlState(url) }))
                    .flatMap {
                        $0.map { ($0.etag, $0.lastModified) }
                    }
            }
            if let known {
                if let etag = known.etag { headers.append(HTTPHeader(name: "If-None-Match", value: etag)) }
                if let lm = known.lastModified {
                    headers.append(HTTPHeader(name: "If-Modified-Since", value: lm))
                }
            }
        }
        return HTTPRequest(
            url: url, headers: headers, limits: http, caFile: source.caFile, proxy: source.proxy)
    }
}
