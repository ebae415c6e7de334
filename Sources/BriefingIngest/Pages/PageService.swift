import BriefingPages
import Dispatch
import Foundation
import Logging

/// Writes the page of every snapshot the daemon wrote, then that day's digest and the index of days,
/// on its own queue: ingestion only hands over paths (``snapshotsWritten(_:)``) and never waits.
/// A page that cannot be written is logged and tried again with a growing delay; the snapshot
/// itself is long durable by then, so nothing is lost, only late.
public final class PageService: Sendable {
    private let root: String
    private let logger: Logger
    private let renderer: PageRenderer
    /// Paths (`YYYY-MM-DD/<name>.json`) waiting for their page, in order of arrival.
    private let waiting = LockedBox<[String]>([])
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation
    /// The queue that owns the ``PageSite``: rendering and writing are blocking work, kept off the
    /// threads of Swift concurrency.
    private let queue = DispatchQueue(label: "briefingd.pages")

    /// Longest wait between two attempts at a page that failed.
    static let maxRetryDelay: Duration = .seconds(300)
    static let firstRetryDelay: Duration = .seconds(1)

    /// Nil (with the reason logged) when the compiled-in templates do not parse; the daemon then
    /// runs without pages rather than not at all.
    public init?(root: String, logger: Logger) {
        do {
            renderer = try PageRenderer()
        } catch {
            logger.error("pages_off", metadata: ["reason": "\(error)"])
            return nil
        }
        self.root = root
        self.logger = logger
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Hands over snapshots that are durable and in the manifest; returns at once.
    public func snapshotsWritten(_ relativePaths: [String]) {
        guard !relativePaths.isEmpty else { return }
        waiting.withValue { $0.append(contentsOf: relativePaths) }
        ring.yield()
    }

    /// Ends ``run()`` once what was handed over is written (or has failed once).
    public func finish() { ring.finish() }

    /// Writes pages until ``finish()`` or cancellation. It first writes the pages of snapshots that
    /// have none (written while pages were off, or just before a crash).
    public func run() async {
        let site = QueueOwned(PageSite(root: root, renderer: renderer))
        var failing: [String: (attempts: Int, due: ContinuousClock.Instant)] = [:]
        var caughtUp = await onQueue { Self.snapshotsWithoutPage(root: self.root) }
        if !caughtUp.isEmpty {
            logger.notice(
                "pages_missing", metadata: ["snapshots": "\(caughtUp.count)", "action": "writing them"])
        }
        var ringing = doorbell.makeAsyncIterator()
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let due = failing.filter { $0.value.due <= now }.map(\.key).sorted()
            let batch =
                caughtUp
                + waiting.withValue { w in
                    defer { w.removeAll() }
                    return w
                } + due
            caughtUp = []
            if !batch.isEmpty {
                let failures = await onQueue { site.value.update(batch) }
                note(batch: batch, failures: failures, failing: &failing)
            }
            if let next = failing.values.map(\.due).min() {
                // Wake for the next retry even when nothing new arrives.
                let wait = next - ContinuousClock.now
                let ring = self.ring
                let sleeper = Task {
                    try? await Task.sleep(for: max(wait, .milliseconds(10)))
                    ring.yield()
                }
                let rang = await ringing.next() != nil
                sleeper.cancel()
                if !rang { break }
            } else if await ringing.next() == nil {
                break
            }
        }
        // What arrived before `finish()` still gets its page.
        let rest = waiting.withValue { w in
            defer { w.removeAll() }
            return w
        }
        if !rest.isEmpty {
            let failures = await onQueue { site.value.update(rest) }
            note(batch: rest, failures: failures, failing: &failing)
        }
    }

    private func note(
        batch: [String], failures: [(path: String, error: PageWriteError)],
        failing: inout [String: (attempts: Int, due: ContinuousClock.Instant)]
    ) {
        let failed = Dictionary(failures.map { ($0.path, $0.error) }, uniquingKeysWith: { a, _ in a })
        for path in batch where failed[path] == nil {
            if let before = failing.removeValue(forKey: path) {
                logger.notice(
                    "page_written", metadata: ["snapshot": "\(path)", "attempts": "\(before.attempts + 1)"])
            } else {
                logger.debug("page_written", metadata: ["snapshot": "\(path)"])
            }
        }
        for (path, error) in failed {
            // Only snapshot pages are retried by path; a digest or index is rewritten with the next page.
            guard path.hasSuffix(".json") else {
                logger.warning("page_failed", metadata: ["page": "\(path)", "error": "\(error)"])
                continue
            }
            let attempts = (failing[path]?.attempts ?? 0) + 1
            let delay = min(Self.maxRetryDelay, Self.firstRetryDelay * (1 << min(attempts - 1, 20)))
            failing[path] = (attempts, ContinuousClock.now + delay)
            // Logged at the first failure and then at every tenth, not at every retry.
            if attempts == 1 || attempts % 10 == 0 {
                logger.error(
                    "page_failed",
                    metadata: [
                        "snapshot": "\(path)", "error": "\(error)", "attempts": "\(attempts)",
                        "action": "retrying in \(delay)",
                    ])
            }
        }
    }

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }

    /// `YYYY-MM-DD/<name>.json` of every snapshot whose `<name>.html` is missing.
    static func snapshotsWithoutPage(root: String) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for day in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter(PageSite.isDay).sorted() {
            let names = Set((try? fm.contentsOfDirectory(atPath: root + "/" + day)) ?? [])
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                if !names.contains(PageSite.pageName(forSnapshot: name)) { out.append(day + "/" + name) }
            }
        }
        return out
    }
}

/// The page site, used only on the service's serial queue, one call at a time.
private final class QueueOwned<T>: @unchecked Sendable {
    // @unchecked: every use is a block on `PageService.queue`, which runs them one after another.
    let value: T
    init(_ value: T) { self.value = value }
}
