/// The one backoff shared by every input that waits because snapshots cannot be written (disk
/// full, folder read-only): all of them are retried together at ``retryAt``, so that the inputs of
/// several batches come back as one batch, and the delay doubles once per retry round (from 1 s,
/// up to 30 s) however many batches were deferred in that round.
struct WriteDeferral: Equatable {
    /// The cause, worded the same at every attempt; it is logged when it changes.
    var reason: String
    var delay: Duration
    /// When the next attempt is due.
    var retryAt: ContinuousClock.Instant

    static let firstDelay: Duration = .seconds(1)
    static let maximumDelay: Duration = .seconds(30)

    /// The state after a batch that ended at `now` deferred for `reason`. A batch deferred before
    /// the round's retry time joins that round; one deferred at or after it starts the next round.
    static func after(_ previous: WriteDeferral?, reason: String, now: ContinuousClock.Instant)
        -> WriteDeferral
    {
        guard let previous, previous.reason == reason else {
            return WriteDeferral(reason: reason, delay: firstDelay, retryAt: now + firstDelay)
        }
        if now < previous.retryAt { return previous }
        let delay = min(previous.delay * 2, maximumDelay)
        return WriteDeferral(reason: reason, delay: delay, retryAt: now + delay)
    }
}
