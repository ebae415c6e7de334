import Foundation
import Synchronization

/// A bounded set of threads for blocking calls (libcurl transfers), so that a slow server never
/// occupies one of Swift's few cooperative threads and a burst of polls never starts a thread per
/// transfer. Jobs beyond the thread count wait their turn, in order.
final class BlockingThreadPool: Sendable {
    private struct State {
        var queue: [@Sendable () -> Void] = []
        var threads = 0
        var idle = 0
    }

    private let state = Mutex(State())
    /// Counts queued jobs: each wake-up of a thread takes exactly one.
    private let queued = DispatchSemaphore(value: 0)
    private let size: Int
    private let name: String

    /// Threads are started when a job finds none idle, up to `size`, and then kept. They inherit
    /// the signal mask of the thread that starts them: the daemon's signals stay blocked.
    init(size: Int, name: String) {
        self.size = max(1, size)
        self.name = name
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            submit { continuation.resume(returning: body()) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        let startThread = state.withLock { state in
            state.queue.append(job)
            // An idle thread is claimed here, not when it wakes: otherwise a second job submitted
            // before the thread woke would count on the same thread and wait behind the first.
            if state.idle > 0 {
                state.idle -= 1
                return false
            }
            guard state.threads < size else { return false }
            state.threads += 1
            return true
        }
        if startThread {
            let thread = Thread { [self] in work() }
            thread.name = name
            thread.start()
        }
        queued.signal()
    }

    /// A thread starts with the job it was started for; after each job it counts as idle until
    /// ``submit(_:)`` claims it for the next.
    private func work() {
        while true {
            queued.wait()
            let job = state.withLock { $0.queue.removeFirst() }
            job()
            state.withLock { $0.idle += 1 }
        }
    }
}
