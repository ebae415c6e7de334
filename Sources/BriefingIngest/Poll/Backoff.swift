/// Exponential backoff with full jitter (a uniformly random wait between zero and the exponential
/// bound), so that many sources failing together do not retry together.
struct Backoff: Sendable {
    /// Bound of the first retry; doubles with each attempt.
    var base: Duration
    /// Largest bound, however many attempts failed.
    var cap: Duration = .seconds(300)

    /// How long to wait before retry number `attempt` (0 for the first retry), to the millisecond.
    /// A server's `Retry-After` is a floor: briefingd never comes back sooner than asked.
    func delay<R: RandomNumberGenerator>(attempt: Int, retryAfter: Duration?, using random: inout R)
        -> Duration
    {
        let base = base.wholeMilliseconds
        let cap = cap.wholeMilliseconds
        let shift = min(attempt, 30)
        let bound = min(
            cap, base.multipliedReportingOverflow(by: Int64(1) << shift).overflow ? cap : base << shift)
        let jittered = Duration.milliseconds(bound > 0 ? Int64.random(in: 0...bound, using: &random) : 0)
        return max(jittered, retryAfter ?? .zero)
    }

    func delay(attempt: Int, retryAfter: Duration?) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(attempt: attempt, retryAfter: retryAfter, using: &random)
    }
}
