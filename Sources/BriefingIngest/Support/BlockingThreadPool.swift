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
            // Each idle thread takes one queued job: start another only when they cannot take all.
            guard state.queue.count > state.idle, state.threads < size else { return false }
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

    private func work() {
        while true {
            state.withLock { $0.idle += 1 }
            queued.wait()
            let job = state.withLock { state in
                state.idle -= 1
                return state.queue.removeFirst()
            }
            job()
        }
    }
}
