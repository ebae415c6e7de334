import Testing

@testable import BriefingIngest

/// The shared retry schedule of inputs that wait for the disk.
@Suite struct RecoveryBackoffTests {
    let start = ContinuousClock.now
    func at(_ ms: Int64) -> ContinuousClock.Instant { start + .milliseconds(ms) }

    @Test func batchesDeferredInOneRoundShareItsRetryTime() {
        let first = WriteDeferral.after(nil, reason: "full", now: at(0))
        #expect(first == WriteDeferral(reason: "full", delay: .seconds(1), retryAt: at(1000)))
        // A second batch deferred 50 ms later joins the round instead of doubling the delay.
        #expect(WriteDeferral.after(first, reason: "full", now: at(50)) == first)
        let second = WriteDeferral.after(first, reason: "full", now: at(1000))
        #expect(second == WriteDeferral(reason: "full", delay: .seconds(2), retryAt: at(3000)))
    }

    @Test func delayDoublesPerRoundUpToThirtySecondsAndRestartsForANewCause() {
        var d = WriteDeferral.after(nil, reason: "full", now: at(0))
        var delays: [Duration] = []
        for _ in 0..<8 {
            d = WriteDeferral.after(d, reason: "full", now: d.retryAt)
            delays.append(d.delay)
        }
        #expect(delays == [2, 4, 8, 16, 30, 30, 30, 30].map { .seconds($0) })
        let other = WriteDeferral.after(d, reason: "read-only", now: d.retryAt - .milliseconds(1))
        #expect(other.delay == .seconds(1) && other.reason == "read-only")
    }
}
