import Glibc

// One clock for every figure: CLOCK_MONOTONIC is immune to NTP steps, and nanoseconds as plain
// integers keep the hot timing loops free of Duration arithmetic.

enum MonotonicClock {
    /// Nanoseconds since an arbitrary start (boot).
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double {
        Double(nanoseconds() - start) / 1e9
    }

    /// CPU time consumed by the calling thread. Stage throughput is measured with it: on two cores
    /// shared with other people's builds, wall time mostly measures how long the thread waited.
    static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func sleep(milliseconds: Double) {
        var ts = timespec(
            tv_sec: Int(milliseconds / 1000),
            tv_nsec: Int((milliseconds.truncatingRemainder(dividingBy: 1000)) * 1e6))
        var remaining = timespec()
        while nanosleep(&ts, &remaining) == -1 && errno == EINTR { ts = remaining }
    }
}

/// Keeps the optimizer from deleting work whose result is otherwise unused.
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) { _ = value }
