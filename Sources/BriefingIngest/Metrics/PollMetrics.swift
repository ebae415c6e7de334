import BriefingCore
import Metrics

/// Metrics of polling sources (no-ops unless `metrics.listen` is set). What became of a fetched
/// page itself (new snapshot, duplicate, unchanged) is counted by ``IngestMetrics`` when the
/// daemon ingests it.
public struct PollMetrics: Sendable {
    /// How a poll ended, as the `result` label of `briefingd_polls_total`.
    public enum Result: String, Sendable, CaseIterable {
        /// A body whose content differs from the last snapshot of the URL.
        case changed
        /// A body whose content equals the last snapshot of the URL.
        case unchanged
        /// `304 Not Modified` to a conditional request.
        case notModified = "304"
        /// A transport error or an HTTP status that is not a success.
        case error
    }

    public init() {}

    /// Counts a finished poll of `source`; any result but `error` is a success.
    public func polled(source: String, result: Result) {
        Counter(
            label: "briefingd_polls_total", dimensions: [("source", source), ("result", result.rawValue)]
        )
        .increment()
        if result != .error {
            Gauge(label: "briefingd_last_success_timestamp_seconds", dimensions: [("source", source)])
                .record(Double(Timestamp.now().millisecondsSinceEpoch) / 1000)
        }
    }

    /// One HTTP transfer (all its redirect hops): bytes on the wire and how long it took.
    public func fetched(source: String, bytes: Int, milliseconds: Int64) {
        Counter(label: "briefingd_fetch_bytes_total", dimensions: [("source", source)]).increment(
            by: max(0, bytes))
        Timer(label: "briefingd_fetch_duration_seconds", dimensions: [("source", source)])
            .recordMilliseconds(milliseconds)
    }

    /// A failed transfer; kind: dns | connect | timeout | tls | http_5xx | http_429 | http_4xx | too_large | …
    public func fetchError(source: String, kind: String) {
        Counter(label: "briefingd_fetch_errors_total", dimensions: [("source", source), ("kind", kind)])
            .increment()
    }

    /// Creates a source's poll series at zero, so that they are scraped before its first poll.
    public func register(source: String) {
        for result in Result.allCases {
            Counter(
                label: "briefingd_polls_total", dimensions: [("source", source), ("result", result.rawValue)]
            )
            .increment(by: 0)
        }
        Counter(label: "briefingd_fetch_bytes_total", dimensions: [("source", source)]).increment(by: 0)
    }
}
