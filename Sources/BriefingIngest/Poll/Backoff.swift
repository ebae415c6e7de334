/// Exponential backoff with full jitter (a uniformly random wait between zero and the exponential
/// bound), so that many sources failing together do not retry together.
struct Backoff: Sendable {
    /// Bound of the first retry; doubles with each attempt.
    var base: Int64
    /// Largest bound, however many attempts failed.
    var cap: Int64 = 300_000

    /// Milliseconds to wait before retry number `attempt` (0 for the first retry). A server's
    /// `Retry-After` is a floor: briefingd never comes back sooner than asked.
    func delay<R: RandomNumberGenerator>(attempt: Int, retryAfter: Int64?, using random: inout R) -> Int64 {
        let shift = min(attempt, 30)
        let bound = min(
            cap, base.multipliedReportingOverflow(by: Int64(1) << shift).overflow ? cap : base << shift)
        let jittered = bound > 0 ? Int64.random(in: 0...bound, using: &random) : 0
        return max(jittered, retryAfter ?? 0)
    }

    func delay(attempt: Int, retryAfter: Int64?) -> Int64 {
        var random = SystemRandomNumberGenerator()
        return delay(attempt: attempt, retryAfter: retryAfter, using: &random)
    }
}
