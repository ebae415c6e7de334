/// How a poll of a source ended: the `result` of `poll_finished`, of `briefingd status` and the
/// label of `briefingd_polls_total`, spelled the same in all three.
public enum PollResult: String, Sendable, CaseIterable {
    /// A body whose content differs from the last snapshot of the URL.
    case changed
    /// A body whose content equals the last snapshot of the URL.
    case unchanged
    /// `304 Not Modified` to a conditional request.
    case notModified = "not_modified"
    /// A transport error or an HTTP status that is not a success.
    case error
}
