import Foundation

// Durations and deadlines in the daemon are `Duration` and `ContinuousClock.Instant`: monotonic, so
// that a wall-clock step (NTP, a manual change) neither fires nor delays a wait early.

extension Duration {
    /// Whole milliseconds, toward zero and saturating: `duration_ms` log fields and millisecond metrics.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        return ms.addingReportingOverflow(attoseconds / 1_000_000_000_000_000).partialValue
    }

    /// Whole nanoseconds, saturating, for swift-metrics timers.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

extension ContinuousClock.Instant {
    /// The poll(2) timeout that waits until this instant: whole milliseconds rounded up, so that
    /// the wait does not end just before the deadline and spin.
    func pollTimeout(now: ContinuousClock.Instant = .now) -> Int32 {
        guard self > now else { return 0 }
        let wait = now.duration(to: self)
        let ms = wait.wholeMilliseconds
        return Int32(clamping: ms < .max && wait > .milliseconds(ms) ? ms + 1 : ms)
    }
}

/// CLOCK_MONOTONIC in microseconds: systemd reads `MONOTONIC_USEC=` on that clock.
func monotonicMicroseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}
