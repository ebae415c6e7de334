import BriefingCore
import Metrics

/// Metrics of polling sources (no-ops unless `metrics.listen` is set). What became of a fetched
/// page itself (new snapshot, duplicate, unchanged) is counted by ``IngestMetrics`` when the
/// daemon ingests it.
public struct PollMetrics: Sendable {
    public init() {}

    /// Counts a finished poll of `source`; any result but `error` is a success.
    public func polled(source: String, result: PollResult) {
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
        for result in PollResult.allCases {
            Counter(
                label: "briefingd_polls_total", dimensions: [("source", source), ("result", result.rawValue)]
            )
            .increment(by: 0)
        }
        Counter(label: "briefingd_fetch_bytes_total", dimensions: [("source", source)]).increment(by: 0)
    }
}
