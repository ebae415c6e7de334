import CLinuxShim
import Foundation
import Synchronization

/// Hands fetched pages from the pollers to the daemon's inbox loop and the outcome back.
///
/// `submit` enqueues and wakes the loop through an eventfd; the loop ingests the page with the
/// inbox files of the same pass and resumes the submitter with the outcome.
public final class FetchQueue: Sendable {
    private struct Entry {
        var document: FetchedDocument
        var continuation: CheckedContinuation<IngestOutcome, Never>
    }

    /// The waiting pages and whether the loop still takes any, under one lock: a submission
    /// either joins the list before ``shutDown()`` empties it, or sees it closed.
    private struct Waiting {
        var entries: [Entry] = []
        var closed = false
    }

    private let waiting = Mutex(Waiting())
    /// eventfd the loop polls: readable when entries are waiting.
    let wakeFD: Int32

    public init() {
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
    }

    deinit { close(wakeFD) }

    /// Queues a fetched page and waits for what became of it. After shutdown began, answers ``IngestOutcome/stopping``.
    public func submit(_ document: FetchedDocument) async -> IngestOutcome {
        await withCheckedContinuation { continuation in
            let accepted = waiting.withLock { waiting in
                guard !waiting.closed else { return false }
                waiting.entries.append(Entry(document: document, continuation: continuation))
                return true
            }
            guard accepted else { return continuation.resume(returning: .stopping) }
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Takes up to `limit` queued pages; `complete` must be called with their outcomes, in order.
    func take(limit: Int) -> [(FetchedDocument, @Sendable (IngestOutcome) -> Void)] {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        let (taken, more) = waiting.withLock { waiting in
            let head = Array(waiting.entries.prefix(limit))
            waiting.entries.removeFirst(head.count)
            return (head, !waiting.entries.isEmpty)
        }
        if more {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
        return taken.map { entry in (entry.document, { entry.continuation.resume(returning: $0) }) }
    }

    /// Refuses new pages and answers every waiting one with ``IngestOutcome/stopping``.
    func shutDown() {
        let left = waiting.withLock { waiting in
            waiting.closed = true
            defer { waiting.entries.removeAll() }
            return waiting.entries
        }
        for entry in left { entry.continuation.resume(returning: .stopping) }
    }
}
