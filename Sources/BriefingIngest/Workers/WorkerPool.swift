import BriefingCore
import CLinuxShim
import Foundation
import Logging
import Synchronization

/// A small set of pre-started `briefingd worker` processes that decode, normalize and extract
/// inputs, so that no input, whatever a parser does with it, can stall or crash the daemon.
///
/// Each worker is driven by its own thread, which takes the next job, sends it down the pipe and
/// waits for the reply within the wall-clock deadline. A worker that dies or passes a limit is
/// replaced, and its input is answered with the reason (`timeout`, `too_much_memory`, `crashed`).
/// The caller is never blocked: results are handed back through ``takeCompleted()``, and
/// ``wakeFD`` becomes readable when there are some.
public final class WorkerPool: Sendable {
    public struct Settings: Sendable, Equatable {
        /// The `briefingd` executable (the daemon's own, normally).
        public var executable: String
        public var workers: Int
        public var limits: InputLimits
        /// Largest input body a worker accepts.
        public var maxInputBytes: Int

        public init(executable: String, workers: Int, limits: InputLimits, maxInputBytes: Int) {
            self.executable = executable
            self.workers = workers
            self.limits = limits
            self.maxInputBytes = maxInputBytes
        }

        /// Wall-clock time a worker gets per input: the CPU limit is the real bound, but a worker
        /// that sleeps or is starved of CPU must still give its input up.
        var wallLimit: Duration { .seconds(limits.maxSeconds * 2 + 1) }
    }

    /// One input to extract; `token` names it in ``takeCompleted()``.
    public struct Job: Sendable {
        public var token: Int
        var request: WorkerRequest
        var bytes: [UInt8]
        /// The inbox name marked in hand while a worker has the input (``InHandStore``).
        var inHandName: String?
    }

    /// What a job gave.
    public enum Result: Sendable, Equatable {
        /// The snapshot document's id and JSON (with `revision.supersedes` null), and decoder notes.
        case extracted(id: String, json: [UInt8], notes: [String])
        /// The input cannot become a snapshot: `failed/` reason code and detail.
        case failed(code: String, detail: String)
        /// No worker could be started; the input should be tried again later.
        case unavailable(reason: String)
    }

    private struct Queued: Sendable {
        var job: Job
        var complete: @Sendable (Result) -> Void
    }

    public let settings: Settings
    /// eventfd that is readable while completed results wait in ``takeCompleted()``.
    public let wakeFD: Int32
    private let logger: Logger
    private let inHand: InHandStore?
    private let queue = LockedCondition<[Queued]>([])
    private let completed = Mutex<[(Int, Result)]>([])
    private let stopping = Atomic<Bool>(false)
    /// The live worker of each slot, for ``shutDown()`` and for measuring their memory.
    private let children = Mutex<[Int: pid_t]>([:])
    /// Slot threads still running; ``shutDown()`` waits for them.
    private let running = LockedCondition(0)

    public init(settings: Settings, inHand: InHandStore? = nil, logger: Logger) {
        self.settings = settings
        self.inHand = inHand
        self.logger = logger
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        // A worker that dies while the daemon writes to it must not kill the daemon with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        for slot in 0..<max(1, settings.workers) {
            running.withValueSignalling { $0 += 1 }
            let thread = Thread { [self] in
                serve(slot: slot)
                running.withValueSignalling { $0 -= 1 }
            }
            thread.name = "briefingd-worker-\(slot)"
            thread.start()
        }
    }

    deinit { close(wakeFD) }

    /// Queues jobs; their results arrive through ``takeCompleted()``.
    public func submit(_ jobs: [Job]) {
        let entries = jobs.map { job in
            Queued(job: job) { [self] result in
                completed.withLock { $0.append((job.token, result)) }
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
        }
        queue.withValueSignalling { $0.append(contentsOf: entries) }
    }

    /// Results of finished jobs, in the order they finished.
    public func takeCompleted() -> [(token: Int, result: Result)] {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        return completed.withLock { list in
            defer { list.removeAll() }
            return list.map { (token: $0.0, result: $0.1) }
        }
    }

    /// Extracts one input and waits for the result (start-up work only: the loop never waits).
    func extractNow(_ request: WorkerRequest, bytes: [UInt8]) -> Result {
        let box = ResultBox()
        let entry = Queued(job: Job(token: -1, request: request, bytes: bytes, inHandName: nil)) { result in
            box.result.withLock { $0 = result }
            box.done.signal()
        }
        queue.withValueSignalling { $0.insert(entry, at: 0) }
        box.done.wait()
        return box.result.withLock { $0! }
    }

    /// Process ids of the running workers.
    public var workerPIDs: [pid_t] { children.withLock { $0.values.sorted() } }

    /// Stops every worker at once (a worker may be spinning) and drops queued jobs, then waits
    /// (briefly) until no slot thread touches an input any more. Results of jobs in hand are never
    /// delivered; their inputs stay where they are, and their in-hand marks are cleared.
    public func shutDown() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        queue.withValueSignalling { $0.removeAll() }
        for pid in children.withLock({ $0.values }) { kill(pid, SIGKILL) }
        running.wait(until: { $0 == 0 }, timeoutSeconds: 2)
    }

    private func serve(slot: Int) {
        var worker: WorkerProcess?
        while true {
            // Started before its first job, so that the job does not wait for the start-up.
            if worker == nil && !isStopping {
                do {
                    let started = try WorkerProcess.spawn(
                        executable: settings.executable, arguments: arguments)
                    children.withLock { $0[slot] = started.pid }
                    logger.debug(
                        "worker_started",
                        metadata: ["pid": .stringConvertible(started.pid), "slot": .stringConvertible(slot)])
                    worker = started
                } catch {
                    logger.error("worker_unavailable", metadata: ["error": "\(error)"])
                }
            }
            guard let entry = queue.waitForFirst(orStop: { isStopping }) else { break }
            guard worker != nil else {
                entry.complete(.unavailable(reason: "no worker process could be started"))
                // Do not spin on a failing start (out of processes or descriptors).
                usleep(200_000)
                continue
            }
            if let name = entry.job.inHandName, let refused = markInHand(name) {
                entry.complete(refused)
                continue
            }
            defer { if let name = entry.job.inHandName { try? inHand?.release([name]) } }
            let outcome = worker!.run(
                WorkerFrame.encode(entry.job.request, body: entry.job.bytes),
                maxReplyBody: settings.limits.maxOutputBytes,
                deadline: .now + settings.wallLimit,
                limits: (settings.limits.maxSeconds, settings.limits.maxMemoryBytes))
            if isStopping { break }
            switch outcome {
            case .reply(let frame):
                guard let reply = frame.decodeHeader(WorkerReply.self) else {
                    worker = nil
                    entry.complete(.failed(code: "crashed", detail: "the worker sent an unreadable reply"))
                    continue
                }
                if let id = reply.id {
                    entry.complete(.extracted(id: id, json: frame.body, notes: reply.notes))
                } else {
                    entry.complete(
                        .failed(code: reply.code ?? "crashed", detail: reply.detail ?? "no reason given"))
                }
            case .failed(let failure):
                logger.warning(
                    "worker_replaced",
                    metadata: [
                        "pid": .stringConvertible(worker!.pid), "error": "\(failure.code)",
                        "detail": "\(failure.detail)",
                    ])
                children.withLock { $0[slot] = nil }
                worker = nil
                entry.complete(.failed(code: failure.code, detail: failure.detail))
            }
        }
        worker?.stop()
        children.withLock { $0[slot] = nil }
    }

    /// Marks an inbox input in hand while a worker has it. An input that was with a worker when the
    /// daemon itself died twice is not tried a third time: the answer is returned instead.
    private func markInHand(_ name: String) -> Result? {
        guard let inHand else { return nil }
        let earlier: Int
        do {
            earlier = try inHand.take([name])[name] ?? 0
        } catch {
            logger.error("in_hand_unrecorded", metadata: ["error": "\(error)"])
            return nil
        }
        if earlier >= 2 {
            try? inHand.release([name])
            return .failed(
                code: "crashed",
                detail: "the daemon itself stopped twice while a worker was extracting this input; it is not "
                    + "tried a third time. If the input looks sound, report it with the file attached")
        }
        if earlier == 1 {
            logger.notice(
                "input_retried",
                metadata: [
                    "file": "\(FileName.display(name))", "reason": "with a worker when the daemon stopped",
                ])
        }
        return nil
    }

    private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    private var arguments: [String] {
        [
            "--parent", "\(getpid())", "--max-memory", "\(settings.limits.maxMemoryBytes)",
            "--max-input-bytes", "\(settings.maxInputBytes)",
        ]
    }
}

/// The answer to one ``WorkerPool/extractNow(_:bytes:)``, handed from a slot thread to the caller.
private final class ResultBox: Sendable {
    let result = Mutex<WorkerPool.Result?>(nil)
    let done = DispatchSemaphore(value: 0)
}

/// A value behind a condition variable: producers append and signal, consumers wait for an item.
final class LockedCondition<T>: @unchecked Sendable {
    // @unchecked: `stored` is only touched while `condition` is locked.
    fileprivate var stored: T
    fileprivate let condition = NSCondition()
    init(_ value: T) { stored = value }

    func withValueSignalling<R>(_ body: (inout T) -> R) -> R {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body(&stored)
    }
}

extension LockedCondition {
    /// Waits until `done` holds for the value, or `timeoutSeconds` have passed.
    func wait(until done: (T) -> Bool, timeoutSeconds: Double) {
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        condition.lock()
        defer { condition.unlock() }
        while !done(stored) && condition.wait(until: deadline) {}
    }

    /// Waits until the array has an element and removes the first, or returns nil once `stop` says so.
    func waitForFirst<E>(orStop stop: () -> Bool) -> E? where T == [E] {
        condition.lock()
        defer { condition.unlock() }
        while stored.isEmpty {
            if stop() { return nil }
            condition.wait()
        }
        if stop() { return nil }
        return stored.removeFirst()
    }
}
