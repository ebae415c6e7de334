import BriefingCore
import BriefingStore
import Foundation
import Logging
import Synchronization

// What a poll does with what it fetched: a page is handed to the daemon as it is; a feed or
// index page is read for item links, and the items not seen before are fetched and handed over
// in order.

extension SourcePoller {
    // MARK: Pages

    func ingestPage(_ response: HTTPResponse, outcome: inout Outcome) async {
        let ingest = await submit(source.url, response)
        outcome.interrupted = ingest.interrupted
        outcome.result = ingest.result
        outcome.error = ingest.error
        outcome.snapshots = ingest.written ? 1 : 0
        if ingest.keep { await saveValidators(source.url, response) }
    }

    // MARK: Feeds and index pages

    func ingestListing(_ response: HTTPResponse, nextPollAt: ContinuousClock.Instant, outcome: inout Outcome)
        async
    {
        let listed: [ListedItem]
        do {
            let listing = try parseListing(response)
            listed = listing.items
            for problem in listing.problems {
                // The readable items are still taken; the rest of the listing is named here.
                logger.warning(
                    "listing_partly_unreadable",
                    metadata: [
                        "url": "\(source.url)", "items": .stringConvertible(listed.count),
                        "problem": "\(problem)",
                    ])
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
            if let shared {
                unseen = try await shared.unseen(source: sourceName, urls: urls)
            } else {
                unseen = try await client.blocking { () throws(StateError) in
                    var fresh: [String] = []
                    for url in urls where !(try state.isItemSeen(source: sourceName, url: url)) {
                        fresh.append(url)
                    }
                    return fresh
                }
            }
        } catch {
            outcome.error = "\(error)"
            logger.error("state_failed", metadata: ["error": "\(error)"])
            return
        }
        outcome.newItems = unseen.count
        logger.debug(
            "listing_read",
            metadata: [
                "url": "\(source.url)", "items": .stringConvertible(listed.count),
                "new": .stringConvertible(unseen.count),
            ])

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
                if let shared {
                    try? await shared.markSeen(source: sourceName, url: url)
                } else {
                    _ = try? await client.blocking { () throws(StateError) in
                        try state.markItemSeen(source: sourceName, url: url, at: Timestamp.now().rfc3339)
                    }
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

    func parseListing(_ response: HTTPResponse) throws(ListingError) -> Listing {
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

    struct FetchResult: Sendable {
        var result: FetchOutcome
        var requests: Int
        var bytes: Int
    }

    func fetchItem(_ url: String, nextPollAt: ContinuousClock.Instant) async -> FetchResult {
        var cost = Outcome(result: .error)
        let result = await fetch(url, conditional: false, nextPollAt: nextPollAt, cost: &cost)
        return FetchResult(result: result, requests: cost.requests, bytes: cost.bytes)
    }

    // MARK: Handing over

    struct Ingest {
        var result: PollResult
        var error: String?
        var written = false
        /// Keep the response's validators (the content was taken or is known).
        var keep = false
        /// For feed and index items: never fetch this URL again.
        var markSeen = false
        /// The daemon's loop is shutting down and did not take the document.
        var interrupted = false
    }

    func submit(_ url: String, _ response: HTTPResponse, feedItemDate: Date? = nil) async -> Ingest {
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

    func saveValidators(_ url: String, _ response: HTTPResponse) async {
        let state = self.state
        let (etag, lastModified) = (response.etag, response.lastModified)
        if let shared {
            do {
                try await shared.setValidators(url: url, etag: etag, lastModified: lastModified)
            } catch {
                logger.error("store_failed", metadata: ["url": "\(url)", "error": "\(error)"])
            }
            return
        }
        do {
            try await client.blocking { () throws(StateError) in
                try state.setValidators(
                    url: url, etag: etag, lastModified: lastModified, at: Timestamp.now().rfc3339)
            }
        } catch {
            logger.error("state_failed", metadata: ["url": "\(url)", "error": "\(error)"])
        }
    }
}
