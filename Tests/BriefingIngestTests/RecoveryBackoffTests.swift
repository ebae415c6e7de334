import Testing

@testable import BriefingIngest

/// The shared retry schedule of inputs that wait for the disk.
@Suite struct RecoveryBackoffTests {
    @Test func batchesDeferredInOneRoundShareItsRetryTime() {
        let first = WriteDeferral.after(nil, reason: "full", now: 0)
        #expect(first == WriteDeferral(reason: "full", delay: 1000, retryAt: 1000))
        // A second batch deferred 50 ms later joins the round instead of doubling the delay.
        #expect(WriteDeferral.after(first, reason: "full", now: 50) == first)
        let second = WriteDeferral.after(first, reason: "full", now: 1000)
        #expect(second == WriteDeferral(reason: "full", delay: 2000, retryAt: 3000))
    }

    @Test func delayDoublesPerRoundUpToThirtySecondsAndRestartsForANewCause() {
        var d = WriteDeferral.after(nil, reason: "full", now: 0)
        var delays: [Int64] = []
        for _ in 0..<8 {
            d = WriteDeferral.after(d, reason: "full", now: d.retryAt)
            delays.append(d.delay)
        }
        #expect(delays == [2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000])
        let other = WriteDeferral.after(d, reason: "read-only", now: d.retryAt - 1)
        #expect(other.delay == 1000 && other.reason == "read-only")
    }
}
