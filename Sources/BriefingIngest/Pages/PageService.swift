import BriefingPages
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Writes the page of every snapshot the daemon wrote, then that day's digest and the index of days,
/// on a thread of its own at low priority: ingestion only hands over paths (``snapshotsWritten(_:)``)
/// and never waits, and in a burst the pages take the CPU time the snapshots leave.
/// A page that cannot be written is logged and tried again with a growing delay; the snapshot
/// itself is long durable by then, so nothing is lost, only late. Pages still missing when the
/// daemon stops are written at the next start.
public final class PageService: Service {
    private let root: String
    private let logger: Logger
    private let renderer: PageRenderer
    /// Paths (`YYYY-MM-DD/<name>.json`) waiting for their page, in order of arrival.
    private let waiting = Mutex<[String]>([])
    private let stopping = Mutex(false)
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation
    private let worker = PageWorker()

    /// Longest wait between two attempts at a page that failed.
    static let maxRetryDelay: Duration = .seconds(300)
    static let firstRetryDelay: Duration = .seconds(1)
    /// Pages written between two looks at `stopping`: bounds how long a stop waits.
    static let chunk = 8
    /// In a burst, digests and the index are rewritten at most this often, and never more often
    /// than `digestShare` of the time allows: a day's digest holds all its briefings, so on a day of
    /// thousands, rewriting it for every few pages would cost more than the pages.
    static let digestInterval: Duration = .seconds(2)
    static let digestShare = 20

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
        waiting.withLock { $0.append(contentsOf: relativePaths) }
        ring.yield()
    }

    /// Ends ``run()`` after the few pages being written; the others are written at the next start.
    public func finish() {
        stopping.withLock { $0 = true }
        ring.finish()
        // The page thread runs at low priority and may wait long for a core under load: a stop
        // does not wait for it.
        worker.abandon()
    }

    /// As a service of the daemon: writes pages until graceful shutdown, cancellation or ``finish()``.
    public func run() async {
        await withTaskCancellationOrGracefulShutdownHandler {
            await self.writePages()
        } onCancelOrGracefulShutdown: {
            self.finish()
        }
    }

    /// Writes pages until ``finish()`` or cancellation. It first writes the pages of snapshots that
    /// have none (written while pages were off, or not yet when the daemon last stopped).
    private func writePages() async {
        defer { worker.stop() }
        let site = WorkerOwned(PageSite(root: root, renderer: renderer))
        var failing: [String: (attempts: Int, due: ContinuousClock.Instant)] = [:]
        var dirtyDays = Set<String>()
        var nextDigests = ContinuousClock.now
        let root = root
        guard var pending = await worker.run({ Self.snapshotsWithoutPage(root: root) }) else { return }
        // The newest day's digest and the index may predate the last pages if the daemon stopped between.
        if let newest = await worker.run({ Self.newestDay(root: root) }) ?? nil { dirtyDays.insert(newest) }
        if !pending.isEmpty {
            logger.notice(
                "pages_missing", metadata: ["snapshots": "\(pending.count)", "action": "writing them"])
        }
        var ringing = doorbell.makeAsyncIterator()
        while !Task.isCancelled && !stopping.withLock({ $0 }) {
            let now = ContinuousClock.now
            pending += waiting.withLock { w in
                defer { w.removeAll() }
                return w
            }
            pending += failing.filter { $0.value.due <= now && !pending.contains($0.key) }.map(\.key).sorted()
            if !pending.isEmpty {
                let batch = Array(pending.prefix(Self.chunk))
                pending.removeFirst(batch.count)
                guard let (days, failures) = await worker.run({ site.value.writePages(batch) }) else { break }
                dirtyDays.formUnion(days)
                note(batch: batch, failures: failures, failing: &failing)
            }
            let drained = pending.isEmpty && waiting.withLock { $0.isEmpty }
            if !dirtyDays.isEmpty, ContinuousClock.now >= nextDigests {
                let days = dirtyDays
                dirtyDays = []
                let started = ContinuousClock.now
                guard let failures = await worker.run({ site.value.writeDigests(days) }) else { break }
                let took = ContinuousClock.now - started
                nextDigests = ContinuousClock.now + max(Self.digestInterval, took * Self.digestShare)
                note(batch: [], failures: failures, failing: &failing)
            }
            guard drained else { continue }
            let retry = failing.values.map(\.due).min()
            if let next = [retry, dirtyDays.isEmpty ? nil : nextDigests].compactMap({ $0 }).min() {
                // Wake for the next retry or digest even when nothing new arrives.
                let wait = next - ContinuousClock.now
                let ring = self.ring
                // Rings only when the time has come: a sleeper cancelled because something else
                // rang must not ring again, or the loop would spin.
                let sleeper = Task {
                    do {
                        try await Task.sleep(for: max(wait, .milliseconds(10)))
                        ring.yield()
                    } catch {}
                }
                let rang = await ringing.next() != nil
                sleeper.cancel()
                if !rang { break }
            } else if await ringing.next() == nil {
                break
            }
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

    /// The last `YYYY-MM-DD` folder, if any.
    static func newestDay(root: String) -> String? {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter(PageSite.isDay).max()
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

/// One thread at a lower scheduling priority (nice 10) that runs the page work handed to it, one
/// job at a time, and answers each through async/await.
final class PageWorker: Sendable {
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let signal = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)

    init() {
        let thread = Thread { [self] in
            // On Linux the nice value belongs to the thread (`who` 0 is the calling one): this one
            // yields to ingestion under load.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            loop()
        }
        thread.name = "briefingd-pages"
        thread.start()
    }

    private func loop() {
        while true {
            signal.wait()
            let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            if let job {
                job()
            } else if stopped.withLock({ $0 }) {
                return
            }
        }
    }

    /// The continuation of the job being awaited, taken by whoever resumes it first: the job when
    /// it is done, or ``abandon()``.
    private let awaiting = Mutex<CheckedContinuation<Void, Never>?>(nil)

    /// Runs `work` on the thread; nil when ``abandon()`` came first (the work still finishes, in
    /// the background, and what it writes is written whole or not at all).
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        let result = Mutex<T?>(nil)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            awaiting.withLock { $0 = continuation }
            jobs.withLock {
                $0.append { [self] in
                    let value = work()
                    result.withLock { $0 = value }
                    awaiting.withLock { slot in
                        slot?.resume()
                        slot = nil
                    }
                }
            }
            signal.signal()
        }
        return result.withLock { $0 }
    }

    /// Stops waiting for the job in hand: its ``run(_:)`` returns nil at once.
    func abandon() {
        awaiting.withLock { slot in
            slot?.resume()
            slot = nil
        }
    }

    /// Ends the thread once the jobs handed over are done.
    func stop() {
        stopped.withLock { $0 = true }
        signal.signal()
    }
}

/// The page site, used only by jobs of its ``PageWorker``, which runs them one after another.
private final class WorkerOwned<T>: @unchecked Sendable {
    // @unchecked: every use is a job on the one worker thread.
    let value: T
    init(_ value: T) { self.value = value }
}
