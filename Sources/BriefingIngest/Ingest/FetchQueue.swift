import CLinuxShim
import Foundation

/// Hands fetched pages from the pollers' threads to the daemon's loop and the outcome back.
///
/// `submit` enqueues and wakes the loop through an eventfd; the loop ingests the page with the
/// inbox files of the same pass and resumes the submitter with the outcome.
public final class FetchQueue: Sendable {
    private struct Entry: @unchecked Sendable {
        // @unchecked: the continuation is resumed exactly once, by the loop.
        var document: FetchedDocument
        var continuation: CheckedContinuation<IngestOutcome, Never>
    }

    private let entries = LockedBox<[Entry]>([])
    private let closed = LockedBox(false)
    /// eventfd the loop polls: readable when entries are waiting.
    let wakeFD: Int32

    public init() {
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
    }

    deinit { close(wakeFD) }

    /// Queues a fetched page and waits for what became of it. After shutdown began, answers `deferred`.
    public func submit(_ document: FetchedDocument) async -> IngestOutcome {
        await withCheckedContinuation { continuation in
            if closed.value {
                continuation.resume(returning: .deferred(reason: "shutting down"))
                return
            }
            entries.withValue { $0.append(Entry(document: document, continuation: continuation)) }
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Takes up to `limit` queued pages; `complete` must be called with their outcomes, in order.
    func take(limit: Int) -> [(FetchedDocument, @Sendable (IngestOutcome) -> Void)] {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        let taken = entries.withValue { list -> [Entry] in
            let head = Array(list.prefix(limit))
            list.removeFirst(head.count)
            return head
        }
        if !entries.withValue({ $0.isEmpty }) {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
        return taken.map { entry in (entry.document, { entry.continuation.resume(returning: $0) }) }
    }

    /// Refuses new pages and answers every waiting one with `deferred`.
    func shutDown() {
        closed.value = true
        for entry in entries.withValue({ list -> [Entry] in
            defer { list.removeAll() }; return list
        }) {
            entry.continuation.resume(returning: .deferred(reason: "shutting down"))
        }
    }
}

/// A value behind a lock, for the few places threads share state outside Swift concurrency.
final class LockedBox<T>: @unchecked Sendable {
    // @unchecked: `stored` is only touched while `lock` is held.
    private var stored: T
    private let lock = NSLock()
    init(_ value: T) { stored = value }
    var value: T {
        get { withValue { $0 } }
        set { withValue { $0 = newValue } }
    }
    func withValue<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&stored)
    }
}
